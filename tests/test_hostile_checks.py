"""Students who want marks without the right answer, against the trusted verdicts (issue 13).

Every submission here has the same wrong `softmax` (it divides by the sum of the whole tensor, and
overflows), and all the other answers right. `honest` is only that; each other case adds one attack
that a student who knows Python might try, to make the tests of the wrong softmax pass: lie from a
tensor subclass or a module class, swap the checks' code, rewrite values with a trace function, walk
the frames to skip the tests or to send forged results, forge the records from a thread, look for the
reference. They are graded end to end through `sotavision-grade autograde` on `03_losses`, in one
batch, and each must score, cell by cell, exactly what the honest wrong answer scores; the one attack that
breaks the grading of its own notebook (a thread that rewrites the records of every later test) may score
less, never more.
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
                     "_wrong = softmax\ndef softmax(x, dim=-1): return _wrong(x, dim).as_subclass(_Liar)\n", 'same'),
    # torch's module class swapped for one that answers allclose and equal (no attribute is rebound).
    'module-class-swap': ("import types, torch\nclass _Lying(types.ModuleType):\n    def __getattribute__(self, name):\n"
                          "        if name in ('allclose', 'equal', 'isclose'): return lambda *a, **k: True\n"
                          "        return types.ModuleType.__getattribute__(self, name)\ntorch.__class__ = _Lying\n", 'same'),
    # The checks' code replaced by a function that records nothing and returns its argument.
    'code-swap': ("import sotavision.checks as _c\ndef _nothing(*a, **k): return a[0] if a else None\n"
                  "for _f in (_c.check_close, _c.check_equal, _c.compare): _f.__code__ = _nothing.__code__\n", 'same'),
    # A trace function that rewrites `got` to `want` in every check's frame, and a profile function too.
    'settrace': ("import sys\ndef _tracer(frame, event, arg):\n"
                 "    if event == 'call' and frame.f_code.co_name in ('check_close', 'check_equal', 'compare', 'allclose'):\n"
                 "        if frame.f_locals.get('want') is not None: frame.f_locals['got'] = frame.f_locals['want']\n"
                 "    return _tracer\nsys.settrace(_tracer)\nsys.setprofile(lambda *a: None)\n", 'same'),
    # Frame walking: the grader's list of cells, its softmax tests replaced by `pass`.
    'frame-walk': ("import sys\n_f = sys._getframe()\nwhile _f is not None:\n    _j = _f.f_locals.get('job')\n"
                   "    if isinstance(_j, dict) and 'cells' in _j:\n        for _c in _j['cells']:\n"
                   "            if _c[1] == 'test' and 'def _softmax(' in _c[2]: _c[2] = 'pass'\n    _f = _f.f_back\n", 'same'),
    # Frame walking to the result channel: forged 'done' reports for the softmax tests, with the visible
    # test's expected values as their records, sent before the tests run.
    'forges-results': ("import sys, os, json, torch, torch.nn.functional as F\nfrom sotavision.checks import encode\n"
                       "_f = sys._getframe()\nwhile _f is not None and not ('out' in _f.f_locals and 'job' in _f.f_locals): _f = _f.f_back\n"
                       "_out, _job = _f.f_locals['out'], _f.f_locals['job']\n"
                       "_x = torch.tensor([[1., 2., 3.], [0., 0., 0.], [-2., 0., 5.], [0.5, -0.5, 2.]])\n"
                       "_rec = [dict(kind='close', value=encode(F.softmax(_x, -1)), what='', hint='')] * 40\n"
                       "for _i, _role, _s in _job['cells']:\n    if _role == 'test' and 'def _softmax(' in _s:\n"
                       "        for _m in (dict(ev='start', i=_i), dict(ev='done', i=_i, res=dict(outputs=[], records=_rec, seconds=0.1))):\n"
                       "            os.write(_out, (json.dumps(_m) + '\\n').encode())\n", 'same'),
    # A thread that keeps overwriting what the checks record with values of its own.
    'thread-forges-records': ("import threading, time\nimport sotavision.checks as _c\n"
                              "def _forge():\n    while True:\n        _c.RECORDS[:] = [dict(kind='close', value=1.0)] * len(_c.RECORDS)\n"
                              "        time.sleep(0.0005)\nthreading.Thread(target=_forge, daemon=True).start()\n", 'sabotage'),
    # Looking for the reference: the grader's processes, its environment and memory, any cached reference.
    'looks-for-reference': ("import os\n_found = []\nfor _p in ('/proc/1/environ', '/proc/1/cmdline', '/proc/1/mem', '/proc/1/maps'):\n"
                            "    try: open(_p, 'rb').read(4096); _found.append(_p)\n    except OSError: pass\n"
                            "for _d, _sub, _files in os.walk('/'):\n    _sub[:] = [s for s in _sub if s not in ('proc', 'sys', 'dev', 'usr', 'site-packages')]\n"
                            "    _found += [os.path.join(_d, f) for f in _files if 'reference' in _d or f.endswith('.ipynb')]\n"
                            "print('found', len(_found), [f for f in _found if 'reference' in f or f.endswith('.ipynb')])\n", 'same'),
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
    for name, (code, _) in {'honest': ('', None), **ATTACKS}.items():
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
    """Does the attack gain nothing: 0 on the wrong softmax's tests, and no test above the honest wrong answer (the same, where it breaks nothing)?"""
    honest, got = graded['scores']['honest'], graded['scores'][case]
    assert all(got[g] == 0 for g in EX1), {g: got[g] for g in EX1}
    if ATTACKS[case][1] == 'same': assert got == honest
    else: assert all(got[g] <= honest[g] for g in honest), (got, honest)


def test_nothing_found_outside_the_sandbox(graded):
    """Does a submission looking for the reference find no cached reference and no notebook (the solution's least of all)?"""
    nb = read_nb(graded['root']/'autograded'/'looks-for-reference'/ASSIGNMENT/NB)
    out = ''.join(o.get('text', '') for c in nb['cells'] if meta(c).get('grade_id') == 'ex1_softmax' for o in c.get('outputs', []))
    assert "found" in out and out.rstrip().endswith('[]'), out
