"""Write the hostile and broken submissions that tests/test_hostile.py and tests/test_hostile_checks.py grade.

Each fixture is the released student notebook with the solution's answers filled in, then broken in one
way, named after that way:
- tests/hostile/*.ipynb: submissions of `01_regex_labelling` (tests/test_hostile.py);
- tests/hostile/losses/*.ipynb: submissions of `03_losses` whose `softmax` is wrong, `wrong-softmax` alone
  and each other with one attack added, by a student who wants the marks of the wrong softmax
  (tests/test_hostile_checks.py).
Run from the repository root after `sotavision-grade release 01_regex_labelling 03_losses` (the released
notebooks carry nbgrader's checksums): `.venv/bin/python tests/hostile/make_fixtures.py`.
"""
import copy, json, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOURCE = REPO/'solutions'/'01_regex_labelling'/'regex_labelling.ipynb'
RELEASE = REPO/'grader'/'release'/'01_regex_labelling'/'regex_labelling.ipynb'
LOSSES_SOURCE = REPO/'solutions'/'03_losses'/'losses.ipynb'
LOSSES_RELEASE = REPO/'grader'/'release'/'03_losses'/'losses.ipynb'

def meta(c): return c.get('metadata', {}).get('nbgrader', {})
def src(c): return ''.join(c['source']) if isinstance(c['source'], list) else c['source']

def solved(source=SOURCE, release=RELEASE):
    "The released notebook with the solution's code in every answer cell"
    sol = {meta(c)['grade_id']: '\n'.join(l for l in src(c).splitlines() if 'SOLUTION' not in l)
           for c in json.loads(source.read_text())['cells'] if meta(c).get('solution') and c['cell_type'] == 'code'}
    nb = json.loads(release.read_text())
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
    # Lines the parent reads, forged on every descriptor: a file whose long path climbs out of the autograded folder
    # (past a check that read only its first 200 characters), and a line nested too deeply for json.loads.
    'forges-parent-messages': lambda nb: edit(nb, 'ex4_is_cat', lambda s: s + (
        "\n\nimport os, json, base64\n_path = 'a' * 80 + '/' + 'b' * 80 + '/' + 'c' * 38 + '/..' * 6 + '/pwned-by-path.txt'\n"
        "_lines = [json.dumps(dict(ev='file', path=_path, data=base64.b64encode(b'pwned').decode())).encode(), b'[' * 100_000]\n"
        "for _fd in range(3, 64):\n    for _l in _lines:\n        try: os.write(_fd, _l + b'\\n')\n        except OSError: pass\n")),
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


# Issue 13: a wrong softmax, alone and with each attack a student who knows Python might try to make its tests
# pass, or to spoil nothing but get the points anyway. Each must score exactly what the wrong softmax alone scores.
WRONG_SOFTMAX = "def softmax(x, dim=-1):\n    e = x.exp()\n    return e / e.sum()\n"  # overflows; sums the whole tensor
ATTACKS = {
    # A tensor subclass whose __torch_function__ answers True to torch.allclose and torch.equal.
    'lying-tensor': ("import torch\nclass _Liar(torch.Tensor):\n    @classmethod\n"
                     "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
                     "        if getattr(func, '__name__', '') in ('allclose', 'equal'): return True\n"
                     "        return super().__torch_function__(func, types, args, kwargs or {})\n"
                     "_wrong = softmax\ndef softmax(x, dim=-1): return _wrong(x, dim).as_subclass(_Liar)\n"),
    # torch's module class swapped for one that answers allclose and equal (no attribute is rebound).
    'module-class-swap': ("import types, torch\nclass _Lying(types.ModuleType):\n    def __getattribute__(self, name):\n"
                          "        if name in ('allclose', 'equal', 'isclose'): return lambda *a, **k: True\n"
                          "        return types.ModuleType.__getattribute__(self, name)\ntorch.__class__ = _Lying\n"),
    # The checks' code replaced by a function that records nothing and returns its argument.
    'code-swap': ("import sotavision.checks as _c\ndef _nothing(*a, **k): return a[0] if a else None\n"
                  "for _f in (_c.check_close, _c.check_equal, _c.compare): _f.__code__ = _nothing.__code__\n"),
    # A trace function that rewrites `got` to `want` in every check's frame, and a profile function too.
    'settrace': ("import sys\ndef _tracer(frame, event, arg):\n"
                 "    if event == 'call' and frame.f_code.co_name in ('check_close', 'check_equal', 'compare', 'allclose'):\n"
                 "        if frame.f_locals.get('want') is not None: frame.f_locals['got'] = frame.f_locals['want']\n"
                 "    return _tracer\nsys.settrace(_tracer)\nsys.setprofile(lambda *a: None)\n"),
    # Frame walking: the grader's list of cells, its softmax tests replaced by `pass`.
    'frame-walk': ("import sys\n_f = sys._getframe()\nwhile _f is not None:\n    _j = _f.f_locals.get('job')\n"
                   "    if isinstance(_j, dict) and 'cells' in _j:\n        for _c in _j['cells']:\n"
                   "            if _c[1] == 'test' and 'def _softmax(' in _c[2]: _c[2] = 'pass'\n    _f = _f.f_back\n"),
    # Frame walking to the result channel: forged 'done' reports for the softmax tests, with the visible
    # test's expected values as their records, sent before the tests run.
    'forges-results': ("import sys, os, json, torch, torch.nn.functional as F\nfrom sotavision.checks import encode\n"
                       "_f = sys._getframe()\nwhile _f is not None and not ('out' in _f.f_locals and 'job' in _f.f_locals): _f = _f.f_back\n"
                       "_out, _job = _f.f_locals['out'], _f.f_locals['job']\n"
                       "_x = torch.tensor([[1., 2., 3.], [0., 0., 0.], [-2., 0., 5.], [0.5, -0.5, 2.]])\n"
                       "_rec = [dict(kind='close', value=encode(F.softmax(_x, -1)), what='', hint='')] * 40\n"
                       "for _i, _role, _s in _job['cells']:\n    if _role == 'test' and 'def _softmax(' in _s:\n"
                       "        for _m in (dict(ev='start', i=_i), dict(ev='done', i=_i, res=dict(outputs=[], records=_rec, seconds=0.1))):\n"
                       "            os.write(_out, (json.dumps(_m) + '\\n').encode())\n"),
    # Code of the submission's that runs while a test runs, without the test calling it, rewriting what the checks record:
    # a thread, a timer's signal handler, a trace function, a garbage-collector callback, an audit hook.
    'thread-forges-records': ("import threading, time\nimport sotavision.checks as _c\n"
                              "def _forge():\n    while True:\n        _c.RECORDS[:] = [dict(kind='close', value=1.0)] * len(_c.RECORDS)\n"
                              "        time.sleep(0.0005)\nthreading.Thread(target=_forge, daemon=True).start()\n"),
    'timer-forges-records': ("import signal\nimport sotavision.checks as _c\ndef _forge(*a): _c.RECORDS[:] = [dict(kind='close', value=1.0)] * len(_c.RECORDS)\n"
                             "signal.signal(signal.SIGALRM, _forge)\nsignal.setitimer(signal.ITIMER_REAL, 0.0005, 0.0005)\n"),
    'tracer-forges-records': ("import sys\nimport sotavision.checks as _c\n"
                              "def _forge(frame, event, arg):\n    if _c.RECORDS: _c.RECORDS[:] = [dict(kind='close', value=1.0)] * len(_c.RECORDS)\n    return _forge\n"
                              "sys.settrace(_forge)\n"),
    'gc-callback-forges-records': ("import gc\nimport sotavision.checks as _c\n"
                                   "def _forge(*a): _c.RECORDS[:] = [dict(kind='close', value=1.0)] * len(_c.RECORDS)\ngc.callbacks.append(_forge)\ngc.set_threshold(1, 1, 1)\n"),
    'audit-hook-forges-records': ("import sys\nimport sotavision.checks as _c\n"
                                  "def _forge(*a): _c.RECORDS[:] = [dict(kind='close', value=1.0)] * len(_c.RECORDS)\nsys.addaudithook(_forge)\n"),
    # A process left behind to kill what the grader starts next in the same sandbox (the next student's notebook).
    'leaves-a-process': ("import os, time, signal\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                         "        _mine = {int(p) for p in os.listdir('/proc') if p.isdigit()}\n        _t0 = time.time()\n"
                         "        while time.time() - _t0 < 60:\n            for p in os.listdir('/proc'):\n"
                         "                if p.isdigit() and int(p) not in _mine:\n"
                         "                    try: os.kill(int(p), signal.SIGKILL)\n                    except OSError: pass\n"
                         "            time.sleep(0.001)\n    os._exit(0)\n"),
    # Looking for the reference: the grader's processes, its environment and memory, any cached reference.
    'looks-for-reference': ("import os\n_found = []\nfor _p in ('/proc/1/environ', '/proc/1/cmdline', '/proc/1/mem', '/proc/1/maps'):\n"
                            "    try: open(_p, 'rb').read(4096); _found.append(_p)\n    except OSError: pass\n"
                            "for _d, _sub, _files in os.walk('/'):\n    _sub[:] = [s for s in _sub if s not in ('proc', 'sys', 'dev', 'usr', 'site-packages')]\n"
                            "    _found += [os.path.join(_d, f) for f in _files if 'reference' in _d or f.endswith('.ipynb')]\n"
                            "print('found', len(_found), [f for f in _found if 'reference' in f or f.endswith('.ipynb')])\n"),
}

def losses_fixture(attack:str)->dict:
    "The solved `03_losses` notebook with the wrong softmax, followed by the code of `attack` ('' for none)"
    return edit(solved(LOSSES_SOURCE, LOSSES_RELEASE), 'ex1_softmax', lambda s: WRONG_SOFTMAX + '\n' + attack)

if __name__ == '__main__':
    for r in (RELEASE, LOSSES_RELEASE):
        if not r.exists(): sys.exit(f"{r} is missing: run `sotavision-grade release 01_regex_labelling 03_losses` first")
    for name, f in {**FIXTURES, **INVALID}.items(): (HERE/f'{name}.ipynb').write_text(json.dumps(f(solved()), indent=1) + '\n')
    for name, text in RAW.items(): (HERE/f'{name}.ipynb').write_text(text)
    (HERE/'losses').mkdir(exist_ok=True)
    for name, code in {'wrong-softmax': '', **ATTACKS}.items():
        (HERE/'losses'/f'{name}.ipynb').write_text(json.dumps(losses_fixture(code), indent=1) + '\n')
    print(f"wrote {len(FIXTURES) + len(INVALID) + len(RAW)} fixtures to {HERE} and {len(ATTACKS) + 1} to {HERE/'losses'}")
