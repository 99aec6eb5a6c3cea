"""Every lesson as a student meets it: Run All in a real Jupyter kernel, and the outputs committed with it.

`nbdev-test` runs a notebook's cells in its own way and skips flagged cells; a student presses Run All in
JupyterLab. So these tests run each lesson through nbclient (what JupyterLab's kernel protocol gives, a real
ipykernel) at tiny scale, offline, from a copy, and check the outputs that GitHub and the docs site show.
`make outputs` (tests/run_lessons.py --save) re-makes those outputs.
"""
import json, re, sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from run_lessons import LESSONS, ROOT, SCRATCH, errors, run_lesson

NAMES = [p.name for p in LESSONS]
# Cells that draw: a plot call at the top level of the cell (not in a def, not in a full-scale-only block).
PLOT_CALL = re.compile(r'^(?!\s*(def |#)).*\b(show_batch|show_results|show_image|show_images|plot_[a-z_]*|plt\.(plot|imshow|bar|hist|scatter|subplots)|'
                       r'plot_stages|plot_lr_find|\.plot)\(', re.M)


@pytest.fixture(scope='module')
def executed(tmp_path_factory):
    "Every lesson run top to bottom, two at a time (the course's machines have two cores): name -> (nb or error, secs)"
    tmp = tmp_path_factory.mktemp('lessons')
    def one(p):
        copy = tmp/p.name   # a copy in a scratch folder: the lesson's own files stay as they are
        copy.write_bytes(p.read_bytes())
        try: return p.name, run_lesson(copy)
        except AssertionError as e: return p.name, (e, None)
    with ThreadPoolExecutor(2) as ex: res = dict(ex.map(one, LESSONS))
    print('\nRun All at tiny scale (nbclient, 2 at a time):')
    for n, (_, secs) in res.items(): print(f'  {n:32s} {secs:6.1f} s' if secs else f'  {n:32s} FAILED')
    return res


def test_there_are_thirteen_lessons():
    """Are the lessons the ones the README lists, 00 to 12?"""
    assert [n[:2] for n in NAMES] == [f'{i:02d}' for i in range(13)], NAMES


@pytest.mark.parametrize('name', NAMES)
def test_run_all_at_tiny_scale(executed, name):
    """Does Run All of the lesson finish without an error in a real kernel, at tiny scale, offline?"""
    nb, secs = executed[name]
    if isinstance(nb, AssertionError): pytest.fail(str(nb), pytrace=False)
    assert not errors(nb), f"{name}: error outputs {errors(nb)}"
    # A full-scale step at tiny scale says what it skipped, in one line, and nothing else.
    for c in nb.cells:
        if c.cell_type == 'code' and c.source.lstrip().startswith('if at_full_scale('):
            text = ''.join(o.get('text', '') for o in c.outputs)
            assert text.startswith('Skipped at tiny scale: ') and text.count('\n') == 1 and 'SOTAVISION_SCALE=full' in text, \
                f"{name}: a full-scale step should print one line at tiny scale, printed {text!r}"


def _committed(name): return json.loads((ROOT/'nbs'/name).read_text())


@pytest.mark.parametrize('name', NAMES)
def test_lesson_is_committed_with_its_outputs(name):
    """Does the lesson in nbs/ carry its tiny-scale outputs, with an image for every plot, and nothing machine-specific?"""
    nb = _committed(name)
    code = [c for c in nb['cells'] if c['cell_type'] == 'code']
    with_out = [c for c in code if c.get('outputs')]
    assert with_out, f"{name}: no cell has outputs; run `make outputs` and commit the lesson"
    errs = [o for c in code for o in c.get('outputs', []) if o['output_type'] == 'error']
    assert not errs, f"{name}: committed with an error output: {errs[0]['ename']}"
    assert all(c.get('execution_count') is None for c in code), f"{name}: execution counts left in (nbdev-clean removes them)"
    for c in code:
        src = ''.join(c['source'])
        if re.match(r'\s*(if at_full_scale\(|#\|\s*export)', src) or not PLOT_CALL.search(src): continue
        assert any('image/png' in o.get('data', {}) for o in c.get('outputs', [])), \
            f"{name}: the plot cell {src.splitlines()[0]!r} has no image in its committed outputs"
    text = json.dumps([c.get('outputs', []) for c in code])
    for leak in (str(ROOT), str(Path.home()) + '/'):
        assert leak not in text, f"{name}: a machine path ({leak}) in the outputs; tests/run_lessons.py --save replaces it"
    assert not SCRATCH.search(text), f"{name}: a scratch folder's name ({SCRATCH.search(text).group()}) in the outputs"


def test_outputs_are_small():
    """Is nbs/ under 12 MB with its outputs, with no PNG over 200 kB?"""
    total = sum(p.stat().st_size for p in (ROOT/'nbs').rglob('*') if p.is_file())
    assert total < 12e6, f"nbs/ holds {total/1e6:.1f} MB"
    import base64
    for name in NAMES:
        for c in _committed(name)['cells']:
            for o in c.get('outputs', []):
                png = o.get('data', {}).get('image/png')
                size = len(base64.b64decode("".join(png))) if png else 0
                assert size < 200e3, f"{name}: a PNG of {size/1e3:.0f} kB (keep plots under 200 kB: smaller figsize or dpi)"


def test_processed_pages_keep_the_outputs():
    """Does nbdev-proc-nbs (what the docs site is built from) keep a lesson's plots and tables?"""
    from test_docs import _processed
    outs = [o for c in _processed('06_transfer.ipynb')['cells'] for o in c.get('outputs', [])]
    assert any('image/png' in o.get('data', {}) for o in outs), 'a plot in the processed page'
    assert any('<table' in ''.join(o.get('data', {}).get('text/html', '')) for o in outs), 'a table in the processed page'
