"""Students who want marks without the right answer, against the trusted verdicts (issue 13).

The fixtures in tests/hostile/losses/ (written by tests/hostile/make_fixtures.py, which says what each
attack does) are submissions of `03_losses` with the same wrong `softmax` (it divides by the sum of the
whole tensor, and overflows) and all the other answers right. `wrong-softmax` is only that; each other
fixture adds one attack that a student who knows Python might try, to make the tests of the wrong softmax
pass: lie from a tensor subclass or a module class, swap the checks' code, rewrite values with a trace
function, walk the frames to skip the tests or to send forged results, rewrite the records from code that
runs during the tests (a thread, a timer, a trace function, a GC callback, an audit hook), leave a process
behind for the next notebook, look for the reference. They are graded end to end through
`sotavision-grade autograde` on `03_losses`, in one batch, beside the solution, and each must score, cell
by cell, exactly what the wrong softmax alone scores.
"""
import shutil
from pathlib import Path

import pytest

from test_grading import SOLUTIONS, REPO, grade, meta, read_nb
from test_grading import cell_scores as grading_cell_scores

ASSIGNMENT, NB = '03_losses', 'losses.ipynb'
FIXTURES = Path(__file__).resolve().parent/'hostile'/'losses'
ATTACKS = sorted(p.stem for p in FIXTURES.glob('*.ipynb') if p.stem != 'wrong-softmax')
EX1 = {'ex1_test_rows', 'ex1_test_dim', 'ex1_test_large'}


def cell_scores(root, student):
    "grade_id -> score of each autograded test cell of `student`'s submission"
    tests = {meta(c)['grade_id'] for c in read_nb(SOLUTIONS/ASSIGNMENT/NB)['cells'] if meta(c).get('grade') and not meta(c).get('solution')}
    return {g: score for g, (score, _) in grading_cell_scores(root, student, ASSIGNMENT, NB).items() if g in tests}


@pytest.fixture(scope='module')
def graded(tmp_path_factory):
    "A scratch course with the wrong softmax alone (as `honest`), the solution and every attack submitted, autograded in one batch"
    root = tmp_path_factory.mktemp('attacks')
    shutil.copy(REPO/'grader'/'nbgrader_config.py', root/'nbgrader_config.py')
    grade('release', ASSIGNMENT, course=root)
    for name, path in [('honest', FIXTURES/'wrong-softmax.ipynb'), ('solution', SOLUTIONS/ASSIGNMENT/NB)] + [(a, FIXTURES/f'{a}.ipynb') for a in ATTACKS]:
        (root/'submitted'/name/ASSIGNMENT).mkdir(parents=True)
        shutil.copy(path, root/'submitted'/name/ASSIGNMENT/NB)
    res = grade('autograde', ASSIGNMENT, '--jobs', '2', '--timeout', '20', course=root)
    return dict(root=root, out=res.stdout, scores={s: cell_scores(root, s) for s in ['honest', 'solution', *ATTACKS]})


def test_honest_wrong_answer_loses_only_the_softmax_tests(graded):
    """Does the wrong softmax lose its three tests and keep every other test's points (so the attacks have something to gain)?"""
    honest, solution = graded['scores']['honest'], graded['scores']['solution']
    assert set(honest) == set(solution) and EX1 < set(honest), honest
    assert all(honest[g] == 0 for g in EX1) and all(solution[g] > 0 for g in EX1), (honest, solution)
    assert all(honest[g] == solution[g] for g in set(honest) - EX1), (honest, solution)


@pytest.mark.parametrize('case', ATTACKS)
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


def test_fixtures_hold_the_attacks_they_are_named_after():
    """Is every attack of make_fixtures.py a fixture here, whose softmax cell is the wrong softmax followed by that attack's code?"""
    import importlib.util
    spec = importlib.util.spec_from_file_location('make_fixtures', FIXTURES.parent/'make_fixtures.py')
    mf = importlib.util.module_from_spec(spec); spec.loader.exec_module(mf)
    assert set(mf.ATTACKS) == set(ATTACKS)
    for name, code in {'wrong-softmax': '', **mf.ATTACKS}.items():
        cell = [c for c in read_nb(FIXTURES/f'{name}.ipynb')['cells'] if meta(c).get('grade_id') == 'ex1_softmax']
        assert [''.join(c['source']) for c in cell] == [mf.WRONG_SOFTMAX + '\n' + code], name
