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
    # Issue 13/17: the sandbox. Each is graded end to end with its exact score.
    'mount-escape': lambda nb: edit(nb, 'ex1_pattern', lambda s: WRONG_PATTERN + (
        "\n\n# undo the sandbox's mounts, then look for the instructor's notebook everywhere\n"
        "import ctypes, os, json\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "for m in ['/tmp', '/grading/in', '/grading/work', '/usr', '/proc', '/dev', '/']:\n"
        "    for _ in range(3): libc.umount2(m.encode(), 2)\n"
        "found = []\nfor d, sub, files in os.walk('/'):\n"
        "    sub[:] = [x for x in sub if x not in ('proc', 'sys', 'dev', 'site-packages', 'usr')]\n"
        "    found += [os.path.join(d, f) for f in files if f.endswith('.ipynb')]\n"
        "for f in found:\n    for c in json.load(open(f))['cells']:\n"
        "        if 'BEGIN SOLUTION' in ''.join(c['source']) and 'pattern =' in ''.join(c['source']):\n"
        "            exec(''.join(l for l in c['source'] if 'SOLUTION' not in l))\n"
        "print(f'found {len(found)} notebooks')\n")),
    'kills-grader': lambda nb: edit(nb, 'ex1_pattern', lambda s: s + (
        "\n\nimport os, signal\nfor p in os.listdir('/proc'):\n    if p.isdigit() and int(p) != os.getpid():\n"
        "        for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP):\n"
        "            try: os.kill(int(p), sig)\n            except OSError: pass\n"
        "try: os.kill(-1, signal.SIGKILL)\nexcept OSError: pass\nprint('tried to kill', os.listdir('/proc')[:3])\n")),
    'pickle-to-grader': lambda nb: edit(nb, 'ex4_is_cat', lambda s: 'def is_cat(fname):\n    return True\n\n' + (
        "import os, pickle\nclass Payload:\n    def __reduce__(self): return (os.system, ('touch /tmp/sotavision-pwned-by-pickle',))\n"
        "blob = pickle.dumps(('done', 99, {'outputs': [], 'evil': Payload()}))\n"
        "for fd in range(0, 64):\n    try: os.write(fd, len(blob).to_bytes(4, 'big') + blob + b'\\n')\n    except OSError: pass\n")),
    'fork-bomb': lambda nb: edit(nb, 'ex4_is_cat', lambda s: s + (
        "\n\nimport os, time\nstarted = 0\nfor _ in range(10_000):\n    try: pid = os.fork()\n    except OSError: break\n"
        "    if pid == 0:\n        time.sleep(600); os._exit(0)\n    started += 1\nprint(f'started {started} processes')\n")),
    'forked-memory': lambda nb: edit(nb, 'ex2_label_from_name', lambda s: s + (
        "\n\nimport os, time, signal\npids = []\nfor _ in range(8):\n    pid = os.fork()\n    if pid == 0:\n"
        "        hog = b'x' * (300 * 2**20)\n        time.sleep(1); os._exit(0)\n    pids.append(pid)\n"
        "killed = sum(os.waitpid(p, 0)[1] & 0x7f == signal.SIGKILL for p in pids)\nprint(f'{killed} of 8 children were killed')\n")),
    'fills-disk': lambda nb: edit(nb, 'ex1_pattern', lambda s: s + (
        "\n\nwritten = 0\ntry:\n    for i in range(10):\n        with open(f'big{i}.bin', 'wb') as f:\n"
        "            for _ in range(30): f.write(b'x' * 2**20); written += 1\nexcept OSError as e: print('stopped:', type(e).__name__)\n"
        "print(f'wrote {written} MB')\n")),
    'imports-stdlib': lambda nb: edit(nb, 'ex2_label_from_name', lambda s:
        'import doctest, math, re, itertools, statistics, fractions, collections, functools, typing, difflib, csv, sqlite3\n' + s),
    'marker-comment': lambda nb: edit(nb, 'ex4_is_cat', lambda s:
        '# ### BEGIN HIDDEN TESTS (a comment that only looks like markup)\n' + s),
    'slow-notebook': lambda nb: [edit(nb, g, lambda s: s + '\n\nimport time\ntime.sleep(6)')
                                 for g in ('ex1_pattern', 'ex2_label_from_name', 'ex3_count_labels', 'ex4_is_cat')][-1],
    'prints-hidden-tests': lambda nb: edit(nb, 'ex4_is_cat', lambda s: s + (
        "\n\nimport gc\nfor o in gc.get_objects():\n"
        "    if isinstance(o, (list, tuple)) and len(o) == 3 and isinstance(o[2], str) and 'HIDDEN TESTS' in o[2]: print(o[2])\n")),
    'expects-nbgrader-execution': lambda nb: edit(nb, 'ex1_pattern', lambda s:
        "import os\nassert os.environ.get('NBGRADER_EXECUTION') == 'autograde', 'not graded as nbgrader grades'\n" + s),
    'writes-files': lambda nb: edit(nb, 'ex3_count_labels', lambda s: s + (
        "\n\nimport os\nos.makedirs('out', exist_ok=True)\nopen('out/results.csv', 'w').write('label,count\\ncat,3\\n')\n"
        "open('big.bin', 'wb').write(b'x' * 2 * 2**20)\n")),
    'many-printing-cells': lambda nb: dict(nb, cells=nb['cells'][:1] + [dict(cell_type='code', execution_count=None, metadata={},
        outputs=[], source=f"print('{i}' * 25_000)") for i in range(300)] + [dict(cell_type='code', execution_count=None, metadata={},
        outputs=[], source="raise type('E' * 100_000, (Exception,), {})('y' * 10**6)")] + nb['cells'][1:]),
}
RAW = {'invalid-json': '{"cells": [ this is not json', 'empty-file': ''}
# Issue 17: notebooks that are JSON but not valid notebooks; each must cost only its own submission.
RAW['deep-nesting'] = '{"cells": ' + '[' * 100_000 + ']' * 100_000 + '}'
def _retyped(gid, f):
    "The solved notebook with the cell `gid` changed by `f`"
    def make(nb):
        for c in nb['cells']:
            if meta(c).get('grade_id') == gid: f(c)
        return nb
    return make
INVALID = {'source-is-numbers': _retyped('ex1_pattern', lambda c: c.update(source=[1, 2, 3])),
           'metadata-is-a-list': _retyped('ex1_pattern', lambda c: c.update(metadata=['nbgrader'])),
           'grade-id-is-a-list': _retyped('ex1_pattern', lambda c: c['metadata']['nbgrader'].update(grade_id=['ex1_pattern']))}

if __name__ == '__main__':
    if not RELEASE.exists(): sys.exit(f"{RELEASE} is missing: run `sotavision-grade release 01_regex_labelling` first")
    for name, f in {**FIXTURES, **INVALID}.items(): (HERE/f'{name}.ipynb').write_text(json.dumps(f(solved()), indent=1) + '\n')
    for name, text in RAW.items(): (HERE/f'{name}.ipynb').write_text(text)
    print(f"wrote {len(FIXTURES) + len(INVALID) + len(RAW)} fixtures to {HERE}")
