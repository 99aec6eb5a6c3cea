"""The offline half of the docs build: does nbdev-proc-nbs process every page?"""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def test_every_page_is_processed(tmp_path):
    """Does nbdev-proc-nbs turn every notebook in nbs/ into a page in _proc/ without Quarto?"""
    # `make test` runs nbdev-proc-nbs before pytest; run it here too when _proc/ is missing or stale.
    pages = sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb'))
    proc = ROOT/'_proc'
    stale = not proc.exists() or any(not (proc/p).exists() or (proc/p).stat().st_mtime < (ROOT/'nbs'/p).stat().st_mtime
                                     for p in pages)
    if stale:
        r = subprocess.run([str(BIN/'nbdev-proc-nbs')], cwd=ROOT, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    missing = [p for p in pages if not (proc/p).exists()]
    assert not missing, f"not processed: {missing}"
    assert (proc/'_quarto.yml').exists() and (proc/'sidebar.yml').exists()
    sidebar = (proc/'sidebar.yml').read_text()
    assert all(p in sidebar for p in pages), "every page should be in the sidebar"

def test_no_lesson_cell_mixes_imports_with_code():
    """Is every import in a lesson cell of its own (nbdev-proc-nbs runs import cells out of order for the docs)?"""
    import ast, json, re
    bad = []
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        for i, c in enumerate(json.loads(nb.read_text())['cells']):
            src = ''.join(c['source'])
            if c['cell_type'] != 'code' or re.search(r'^#\|\s*(export|exports|exporti|exec_doc)\b', src, re.M): continue
            try: body = ast.parse(src).body
            except SyntaxError: continue
            has_import = any(isinstance(n, (ast.Import, ast.ImportFrom)) for b in body for n in ast.walk(b))
            if has_import and not all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in body):
                bad.append(f"{nb.name} cell {i}: {src.splitlines()[0]!r}")
    assert not bad, "move these imports into a cell of their own (or to the lesson's import cell):\n" + "\n".join(bad)


def _processed(page):
    "The notebook nbdev-proc-nbs makes of nbs/`page` (processing that page again when it is missing or stale)"
    import json
    src, dst = ROOT/'nbs'/page, ROOT/'_proc'/page
    if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
        r = subprocess.run([str(BIN/'nbdev-proc-nbs'), '--file-glob', page], cwd=ROOT, capture_output=True, text=True,
                           timeout=900)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return json.loads(dst.read_text())


def _markdown_outputs(nb):
    "The text/markdown outputs of `nb`'s cells, joined"
    return ''.join(''.join(o.get('data', {}).get('text/markdown', '')) for c in nb['cells'] for o in c.get('outputs', []))


def _sidebar():
    "Sections of nbs/sidebar.yml: title -> list of (text or None, href); the top-level pages under None"
    import yaml
    res = {None: []}
    for e in yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())['website']['sidebar']['contents']:
        if isinstance(e, dict) and 'section' in e:
            res[e['section']] = [(None, x) if isinstance(x, str) else (x.get('text'), x['href']) for x in e['contents']]
            if e.get('href'): res[None].append((None, e['href']))
        else: res[None].append((None, e) if isinstance(e, str) else (e.get('text'), e['href']))
    return res


def _module_notebooks():
    "module name -> the notebook of nbs/ that exports it (from the header nbdev writes into each module)"
    import re
    return {'.'.join(p.relative_to(ROOT/'sotavision').with_suffix('').parts): re.search(r'File to edit: (?:\.\./)+nbs/(\S+\.ipynb)', p.read_text()).group(1)
            for p in sorted((ROOT/'sotavision').rglob('*.py')) if not p.stem.startswith('_')}


def test_sidebar_has_lessons_api_reference_and_instructors():
    """Is the hand-written sidebar complete: every page of nbs/ in it, every entry a page, the lessons under
    Lessons, each sotavision module under API reference pointing at the notebook that exports it, and the
    instructor's page on grading under Instructors?"""
    import re
    sb = _sidebar()
    assert {'Lessons', 'API reference', 'Instructors'} <= set(sb), f"sections: {[k for k in sb if k]}"
    hrefs = {h for entries in sb.values() for _, h in entries}
    pages = {p.name for p in (ROOT/'nbs').glob('*.ipynb')}
    assert not hrefs - pages, f"sidebar entries with no page in nbs/: {sorted(hrefs - pages)}"
    assert not pages - hrefs, f"pages missing from nbs/sidebar.yml: {sorted(pages - hrefs)}"
    assert ('index.ipynb' in hrefs) and ('api.ipynb' in hrefs)
    # Lessons: the numbered notebooks that are not instructors' pages (the grading engine, 80 and up).
    lessons = sorted(p for p in pages if re.match(r'\d+_', p) and int(p.split('_')[0]) < 80)
    assert [h for _, h in sb['Lessons']] == lessons, "Lessons should list every lesson notebook, in order"
    api = {t: h for t, h in sb['API reference']}
    want = {f'sotavision.{m}': nb for m, nb in _module_notebooks().items()}
    assert api == want, f"API reference entries should be {want}"
    assert 'instructors.ipynb' in [h for _, h in sb['Instructors']]


def test_api_reference_page_lists_every_exported_name():
    """Does the processed API reference page list every module and every name in each module's __all__?"""
    import importlib
    text = _markdown_outputs(_processed('api.ipynb'))
    assert text, "api.ipynb's exec_doc cell produced no table"
    missing = [f'{m}.{n}' for m in _module_notebooks() for n in importlib.import_module(f'sotavision.{m}').__all__
               if f'`{n}`' not in text]
    missing += [m for m in _module_notebooks() if f'sotavision.{m}]' not in text]
    assert not missing, f"not on the API reference page: {missing}"


def test_instructors_page_lists_every_assignment():
    """Does the processed instructor's page list every assignment of solutions/ with its points?"""
    text = _markdown_outputs(_processed('instructors.ipynb'))
    names = sorted(d.name for d in (ROOT/'solutions').iterdir() if d.is_dir() and any(d.glob('*.ipynb')))
    missing = [a for a in names if f'`{a}`' not in text]
    assert names and not missing, f"assignments missing from the instructor's page: {missing}"
