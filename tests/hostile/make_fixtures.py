"""Write the hostile and broken submissions of `01_regex_labelling` that tests/test_hostile.py grades.

Each fixture is the released student notebook with the solution's answers filled in, then broken in one
way, named after that way. Run from the repository root after `sotavision-grade release 01_regex_labelling`
(the released notebook carries nbgrader's checksums): `.venv/bin/python tests/hostile/make_fixtures.py`.
"""
import copy, json, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOURCE = REPO/'solutions'/'01_regex_labelling'/'regex_labelling.ipynb'
RELEASE = REPO/'grader'/'release'/'01_regex_labelling'/'regex_labelling.ipynb'

def meta(c): return c.get('metadata', {}).get('nbgrader', {})
def src(c): return ''.join(c['source']) if isinstance(c['source'], list) else c['source']

def solved():
    "The released notebook with the solution's code in every answer cell"
    sol = {meta(c)['grade_id']: '\n'.join(l for l in src(c).splitlines() if 'SOLUTION' not in l)
           for c in json.loads(SOURCE.read_text())['cells'] if meta(c).get('solution') and c['cell_type'] == 'code'}
    nb = json.loads(RELEASE.read_text())
    for c in nb['cells']:
        if meta(c).get('grade_id') in sol: c['source'] = sol[meta(c)['grade_id']]
    return nb

def edit(nb, gid, f):
    "Apply `f` to the source of the cell `gid`"
    for c in nb['cells']:
        if meta(c).get('grade_id') == gid: c['source'] = f(src(c))
    return nb

def cells_without(nb, pred):
    nb['cells'] = [c for c in nb['cells'] if not pred(c)]
    return nb

WRONG_PATTERN = r"pattern = r'^(.+)_\d+.(?i:jpe?g)$'"
FIXTURES = {
    'infinite-loop': lambda nb: edit(nb, 'ex4_is_cat', lambda s: s + '\n\nwhile True: pass'),
    'infinite-loop-ignoring-interrupt': lambda nb: edit(nb, 'ex4_is_cat', lambda s: s +
        '\n\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass'),
    'kernel-exit': lambda nb: edit(nb, 'ex3_count_labels', lambda s: s + '\n\nimport os\nos._exit(1)'),
    'segfault': lambda nb: edit(nb, 'ex4_is_cat', lambda s: s + '\n\nimport ctypes\nctypes.string_at(0)'),
    'memory-bomb': lambda nb: edit(nb, 'ex2_label_from_name', lambda s: s + '\n\n_hog = [bytearray(2**28) for _ in range(10**4)]'),
    'huge-output': lambda nb: edit(nb, 'ex1_pattern', lambda s: s + "\n\nfor _ in range(300_000): print('spam ' * 200)"),
    'deleted-test-cells': lambda nb: cells_without(nb, lambda c: meta(c).get('grade') and not meta(c).get('solution')),
    'edited-test-cell': lambda nb: edit(edit(nb, 'ex4_test_is_cat', lambda s: 'assert True'),
                                        'ex4_is_cat', lambda s: 'def is_cat(fname):\n    return True'),
    'duplicated-cells': lambda nb: dict(nb, cells=[x for c in nb['cells'] for x in ([c, copy.deepcopy(c)] if meta(c).get('grade_id') in
                                        ('ex1_test_breeds', 'ex2_label_from_name') else [c])]),
    'monkeypatch': lambda nb: edit(nb, 'ex1_pattern', lambda s: WRONG_PATTERN + '\n\n# make the tests see a fixed pattern\n'
        "_search = re.search\nre.search = lambda p, s, *a, **k: _search(str(p).replace('.(?i', r'\\.(?i'), s, *a, **k)\n"
        "import builtins\nbuiltins.AssertionError = type('Quiet', (Exception,), {})"),
    'cheat-at-call-time': lambda nb: edit(nb, 'ex4_is_cat', lambda s: 'def is_cat(fname):\n    import builtins\n'
        "    builtins.isinstance = lambda *a: True\n    return 'yes'"),
    'reads-solutions-writes-gradebook': lambda nb: edit(nb, 'ex1_pattern', lambda s: (
        "import glob, os\nfrom pathlib import Path\nimport sotavision\n"
        "repo = Path(sotavision.__file__).parents[1]\n"
        "found = glob.glob(str(repo/'solutions'/'**'/'*.ipynb'), recursive=True) + glob.glob('/tmp/**/gradebook.db', recursive=True)"
        " + glob.glob('/tmp/**/submitted/*', recursive=True) + glob.glob(str(repo/'grader'/'*'))\n"
        "damaged = 0\nfor f in found:\n    try:\n        if os.path.isdir(f): import shutil; shutil.rmtree(f)\n"
        "        else: open(f, 'w').write('pwned')\n        damaged += 1\n    except OSError: pass\n"
        "print(f'found {len(found)} files, damaged {damaged}')\n") + s),
    'prints-warning': lambda nb: edit(nb, 'ex2_label_from_name', lambda s: s.replace('def label_from_name(fname):',
        'import warnings\ndef label_from_name(fname):\n    warnings.warn("this function is slow", UserWarning)', 1)),
    'random-answer': lambda nb: edit(nb, 'ex4_is_cat', lambda s: s + '\n\nimport random, numpy as np, torch\n'
        '_coin = random.random() + np.random.rand() + torch.rand(1).item()\n_real_is_cat = is_cat\n'
        'def is_cat(fname):\n    return _real_is_cat(fname) if _coin > 1.5 else not _real_is_cat(fname)'),
    'empty-notebook': lambda nb: dict(nb, cells=[]),
}
RAW = {'invalid-json': '{"cells": [ this is not json', 'empty-file': ''}

if __name__ == '__main__':
    if not RELEASE.exists(): sys.exit(f"{RELEASE} is missing: run `sotavision-grade release 01_regex_labelling` first")
    for name, f in FIXTURES.items(): (HERE/f'{name}.ipynb').write_text(json.dumps(f(solved()), indent=1) + '\n')
    for name, text in RAW.items(): (HERE/f'{name}.ipynb').write_text(text)
    print(f"wrote {len(FIXTURES) + len(RAW)} fixtures to {HERE}")
