"""Students who want marks without the right answer, against the trusted verdicts (issue 13).

Every submission here has the same wrong `softmax` (it divides by the sum of the whole tensor, and
overflows), and all the other answers right. `honest` is only that; each other case adds one attack
that a student who knows Python might try, to make the tests of the wrong softmax pass: lie from a
tensor subclass or a module class, swap the checks' code, rewrite values with a trace function, walk
the frames to skip the tests or to send forged results, rewrite the records from code that runs during
the tests (a thread, a timer, a trace function, a GC callback, an audit hook), leave a process behind for
the next notebook, look for the reference. They are graded end to end through `sotavision-grade autograde`
on `03_losses`, in one batch, and each must score, cell by cell, exactly what the honest wrong answer scores.
"""
import shutil

import pytest

from scratch_course import fill_answers, solution_code
from test_grading import REPO, SOLUTIONS, grade, meta, read_nb
from test_grading import cell_scores as grading_cell_scores

ASSIGNMENT, NB = '03_losses', 'losses.ipynb'
WRONG = "def softmax(x, dim=-1):\n    e = x.exp()\n    return e / e.sum()\n"
EX1 = {'ex1_test_rows', 'ex1_test_dim', 'ex1_test_large'}

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


def cell_scores(root, student):
    "grade_id -> score of each autograded test cell of `student`'s submission"
    tests = {meta(c)['grade_id'] for c in read_nb(SOLUTIONS/ASSIGNMENT/NB)['cells'] if meta(c).get('grade') and not meta(c).get('solution')}
    return {g: score for g, (score, _) in grading_cell_scores(root, student, ASSIGNMENT, NB).items() if g in tests}


@pytest.fixture(scope='module')
def graded(tmp_path_factory):
    "A scratch course with the honest wrong answer and every attack submitted, autograded in one batch"
    root = tmp_path_factory.mktemp('attacks')
    shutil.copy(REPO/'grader'/'nbgrader_config.py', root/'nbgrader_config.py')
    grade('release', ASSIGNMENT, course=root)
    answers = solution_code(ASSIGNMENT)
    for name, code in {'honest': '', **ATTACKS}.items():
        shutil.copytree(root/'release'/ASSIGNMENT, root/'submitted'/name/ASSIGNMENT)
        fill_answers(root/'submitted'/name/ASSIGNMENT, {**answers, (NB, 'ex1_softmax'): WRONG + '\n' + code})
    (root/'submitted'/'solution'/ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOLUTIONS/ASSIGNMENT/NB, root/'submitted'/'solution'/ASSIGNMENT/NB)
    res = grade('autograde', ASSIGNMENT, '--jobs', '2', '--timeout', '20', course=root)
    return dict(root=root, out=res.stdout, scores={s: cell_scores(root, s) for s in ['honest', 'solution', *ATTACKS]})


def test_honest_wrong_answer_loses_only_the_softmax_tests(graded):
    """Does the wrong softmax lose its three tests and keep every other test's points (so the attacks have something to gain)?"""
    honest, solution = graded['scores']['honest'], graded['scores']['solution']
    assert set(honest) == set(solution) and EX1 < set(honest), honest
    assert all(honest[g] == 0 for g in EX1) and all(solution[g] > 0 for g in EX1), (honest, solution)
    assert all(honest[g] == solution[g] for g in set(honest) - EX1), (honest, solution)


@pytest.mark.parametrize('case', sorted(ATTACKS))
def test_attack_scores_what_the_honest_wrong_answer_scores(graded, case):
    """Does the attack gain nothing and spoil nothing: 0 on the wrong softmax's tests, and every other test's points, as the honest wrong answer?"""
    honest, got = graded['scores']['honest'], graded['scores'][case]
    assert all(got[g] == 0 for g in EX1), {g: got[g] for g in EX1}
    assert got == honest


def test_nothing_found_outside_the_sandbox(graded):
    """Does a submission looking for the reference find no cached reference and no notebook (the solution's least of all)?"""
    nb = read_nb(graded['root']/'autograded'/'looks-for-reference'/ASSIGNMENT/NB)
    out = ''.join(o.get('text', '') for c in nb['cells'] if meta(c).get('grade_id') == 'ex1_softmax' for o in c.get('outputs', []))
    assert "found" in out and out.rstrip().endswith('[]'), out
