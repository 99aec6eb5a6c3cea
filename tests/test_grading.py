"""End-to-end grading through the `sotavision-grade` command line, in scratch course folders.

One module-scoped course releases `01_regex_labelling`, receives five submissions (the solution, three
student versions with typical mistakes, the untouched release), autogrades them and writes feedback and a
report; the tests then check each result. `check` runs on the real solutions/ and on a broken copy.
"""
import copy, csv, json, os, re, shutil, subprocess, sys, time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO/'solutions'
ASSIGNMENT = '01_regex_labelling'
NB_NAME = 'regex_labelling.ipynb'
SOURCE_NB = SOLUTIONS/ASSIGNMENT/NB_NAME

# Student answers that differ from the solution, by case (None: left as released). Every other answer cell
# gets the solution's code.
MISTAKES = {
    # The book's pattern made case-insensitive, with its unescaped dot; exercise 4 not attempted.
    'partly_wrong': {'ex1_pattern': r"pattern = r'^(.+)_\d+.(?i:jpe?g)$'", 'ex4_is_cat': None},
    # Counts only the top folder: passes the visible test of exercise 3, fails its hidden one.
    'flat_only': {'ex3_count_labels': 'def count_labels(folder):\n'
                  "    files = [p for p in Path(folder).glob('*') if p.suffix.lower() in ('.jpg', '.jpeg')]\n"
                  '    return Counter(label_from_name(p) for p in files)'},
    # `m.group(1)` on no match: an AttributeError instead of a ValueError naming the file.
    'no_value_error': {'ex2_label_from_name': 'def label_from_name(fname):\n'
                       '    return re.search(pattern, Path(fname).name).group(1)'},
}
# The test cells each case must fail; every other test cell must get full marks.
MUST_FAIL = {'partly_wrong': {'ex1_test_rejects', 'ex4_test_is_cat'}, 'flat_only': {'ex3_test_files'},
             'no_value_error': {'ex2_test_errors'}, 'correct': set()}
WRITTEN = 'Individual files in folders, and tables such as CSV files.'


def cli():
    "Path of the `sotavision-grade` script of this virtualenv"
    for p in [Path(sys.executable).parent/'sotavision-grade', REPO/'.venv'/'bin'/'sotavision-grade']:
        if p.exists(): return p
    pytest.fail("sotavision-grade is not installed: run `.venv/bin/pip install -e . --no-deps` in the repository")


def grade(*args, course=None, source=SOLUTIONS, cwd=REPO, check=True):
    "Run `sotavision-grade` with the global options for `course` and `source`; the CompletedProcess"
    opts = ([f'--course-dir={course}'] if course else []) + ([f'--source-dir={source}'] if source else [])
    t = time.time()
    res = subprocess.run([str(cli()), *opts, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    print(f"sotavision-grade {' '.join(args)}: rc={res.returncode}, {time.time() - t:.1f}s")
    if check: assert res.returncode == 0, f"sotavision-grade {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}"
    return res


def read_nb(path): return json.loads(Path(path).read_text())
def write_nb(nb, path):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(nb, indent=1))
def meta(cell): return cell.get('metadata', {}).get('nbgrader', {})
def src(cell): return ''.join(cell['source'])


def graded_points(kind):
    "grade_id -> points of the source notebook's test cells (`kind`='test') or written answers ('manual')"
    return {meta(c)['grade_id']: meta(c)['points'] for c in read_nb(SOURCE_NB)['cells']
            if meta(c).get('grade') and bool(meta(c).get('solution')) == (kind == 'manual')}


def solution_code():
    "grade_id -> the solution's code, without the solution markers, of each autograded answer cell"
    return {meta(c)['grade_id']: '\n'.join(l for l in src(c).splitlines() if 'SOLUTION' not in l)
            for c in read_nb(SOURCE_NB)['cells'] if meta(c).get('solution') and c['cell_type'] == 'code'}


def student_version(released, answers):
    "The released notebook with `answers` (grade_id -> source) in its answer cells, written answers filled in"
    nb = copy.deepcopy(released)
    for c in nb['cells']:
        gid = meta(c).get('grade_id')
        if answers.get(gid) is not None: c['source'] = answers[gid]
        elif meta(c).get('solution') and c['cell_type'] == 'markdown': c['source'] = WRITTEN
    return nb


@pytest.fixture(scope='module')
def course(tmp_path_factory):
    "A scratch course: released, five submissions autograded, feedback and report written"
    root = tmp_path_factory.mktemp('course')
    shutil.copy(REPO/'grader'/'nbgrader_config.py', root)
    steps = {'release': grade('release', ASSIGNMENT, course=root)}
    steps['autograde_none'] = grade('autograde', ASSIGNMENT, course=root, check=False)
    released = read_nb(root/'release'/ASSIGNMENT/NB_NAME)
    sub = root/'submitted'
    shutil.copytree(SOLUTIONS/ASSIGNMENT, sub/'correct'/ASSIGNMENT)
    shutil.copytree(root/'release'/ASSIGNMENT, sub/'untouched'/ASSIGNMENT)
    for case, wrong in MISTAKES.items():
        write_nb(student_version(released, {**solution_code(), **wrong}), sub/case/ASSIGNMENT/NB_NAME)
    steps['autograde'] = grade('autograde', ASSIGNMENT, course=root)
    steps['feedback'] = grade('feedback', ASSIGNMENT, course=root)
    steps['report'] = grade('report', course=root)
    return root, steps


def cell_scores(root, student, assignment=ASSIGNMENT, nb_name=NB_NAME, manual=False):
    "grade_id -> (score, max_score) of each graded cell of `student`'s submission, from the gradebook; `manual`: needs_manual_grade third"
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root/'gradebook.db'}", 'sotavision') as gb:
        nb = gb.find_submission_notebook(Path(nb_name).stem, assignment, student)
        return {g.name: (g.score, g.max_score) + ((g.needs_manual_grade,) if manual else ()) for g in nb.grades}


def total(student, root):
    "(score, max_score) of `student` in the course's report"
    rows = {r['student']: r for r in csv.DictReader(open(root/'reports'/'grades.csv'))}
    return float(rows[student]['score']), float(rows[student]['max_score'])


AUTO, MANUAL = graded_points('test'), graded_points('manual')


def test_assignment_has_tests_and_written_questions():
    """Does the source assignment have autograded tests for four exercises and three written answers?"""
    assert {k.split('_')[0] for k in AUTO} == {'ex1', 'ex2', 'ex3', 'ex4'}, AUTO
    assert sorted(MANUAL) == ['q3_answer', 'q4_answer', 'q5_answer']
    assert sum(AUTO.values()) == 11 and sum(MANUAL.values()) == 6


def test_release_hides_hidden_tests(course):
    """Is every line of every hidden test absent from the released notebook?"""
    root, _ = course
    released = '\n'.join(src(c) for c in read_nb(root/'release'/ASSIGNMENT/NB_NAME)['cells'])
    source = '\n'.join(src(c) for c in read_nb(SOURCE_NB)['cells'])
    hidden_re = r'### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS'
    hidden, visible = re.findall(hidden_re, source, re.S), re.sub(hidden_re, '', source, flags=re.S)
    assert len(hidden) == len(AUTO) - 1  # every test cell but ex3_test_pets has a hidden part
    lines = {l.strip() for h in hidden for l in h.splitlines() if len(l.strip()) > 12 and l.strip() not in visible}
    assert lines and not [l for l in lines if l in released], 'hidden test lines leaked into the release'
    assert 'HIDDEN TESTS' not in released


def test_release_hides_solutions_and_mark_schemes(course):
    """Are the solutions, model answers and mark schemes absent from the release, replaced by stubs?"""
    root, _ = course
    cells = read_nb(root/'release'/ASSIGNMENT/NB_NAME)['cells']
    text = '\n'.join(src(c) for c in cells)
    for s in ['BEGIN SOLUTION', 'Mark scheme', 'MARK SCHEME', 'Model answer', 'instructors only', r"\.(?i:jpe?g)"]:
        assert s not in text, f'{s!r} is in the released notebook'
    stubs = {meta(c)['grade_id']: src(c) for c in cells if meta(c).get('solution')}
    assert stubs and all(('YOUR CODE HERE' in s) or ('YOUR ANSWER HERE' in s) for s in stubs.values()), stubs


def test_no_submissions_error(course):
    """Does autograding with nothing submitted fail with the missing folder and the fix?"""
    res = course[1]['autograde_none']
    assert res.returncode == 2
    assert f"No submissions of '{ASSIGNMENT}'" in res.stderr and f"submitted/<student>/{ASSIGNMENT}/" in res.stderr, res.stderr


def test_correct_scores_full(course):
    """Does the solution get every autograded point, and only those until the written answers are graded?"""
    root, _ = course
    assert total('correct', root) == (sum(AUTO.values()), sum(AUTO.values()) + sum(MANUAL.values()))
    cells = cell_scores(root, 'correct')
    assert {k: cells[k][0] for k in AUTO} == AUTO


def test_untouched_scores_zero(course):
    """Does an untouched notebook score zero, on every test cell and overall?"""
    root, _ = course
    assert total('untouched', root) == (0, sum(AUTO.values()) + sum(MANUAL.values()))
    assert {k: s for k, (s, _) in cell_scores(root, 'untouched').items() if s} == {}


@pytest.mark.parametrize('case', sorted(MISTAKES))
def test_typical_mistakes_lose_exactly_their_cells(course, case):
    """Does each typical mistake lose the points of the test cells that catch it, and no others?"""
    root, _ = course
    cells = cell_scores(root, case)
    failed = {k for k in AUTO if cells[k][0] < cells[k][1]}
    assert failed == MUST_FAIL[case]
    assert total(case, root)[0] == sum(AUTO.values()) - sum(AUTO[k] for k in MUST_FAIL[case])


def test_autograde_prints_score_table(course):
    """Does `autograde` print one row per student with status, score, maximum, penalty, time and manual grading?"""
    out = course[1]['autograde'].stdout.splitlines()
    assert out[0].split()[:6] == ['student', 'status', 'score', 'max', 'late', 'time']
    rows = {l.split()[0]: l.split()[1:] for l in out[1:] if not l.startswith(' ')}
    full = f"{sum(AUTO.values()) + sum(MANUAL.values()):g}"
    assert rows['untouched'][:4] == ['graded', '0', full, '-'] and rows['untouched'][5:] == ['-'], rows
    assert rows['correct'][:4] == ['graded', f"{sum(AUTO.values()):g}", full, '-'] and rows['correct'][5:] == ['to', 'do'], rows
    assert all(re.fullmatch(r'\d+\.\ds', r[4]) for r in rows.values()), rows
    assert set(rows) == {'correct', 'untouched', *MISTAKES}


def test_report_csv(course):
    """Does `report` write one CSV row per student, with exact scores, at the path it prints?"""
    root, steps = course
    out = root/'reports'/'grades.csv'
    assert steps['report'].stdout.split()[0] == str(out)
    rows = list(csv.DictReader(open(out)))
    assert list(rows[0]) == ['student', 'assignment', 'status', 'score', 'max_score', 'late_penalty', 'needs_manual_grade']
    assert {r['status'] for r in rows} == {'graded'} and {r['late_penalty'] for r in rows} == {'0'}
    want = {s: sum(AUTO.values()) - sum(AUTO[k] for k in MUST_FAIL.get(s, set())) for s in ['correct', *MISTAKES]}
    want['untouched'] = 0
    assert {r['student']: float(r['score']) for r in rows} == want
    assert {(r['assignment'], r['max_score']) for r in rows} == {(ASSIGNMENT, '17')}


def test_report_out_option(course, tmp_path):
    """Does `report --out` write the CSV where it is told?"""
    root, _ = course
    res = grade('report', '--out', str(tmp_path/'g.csv'), course=root)
    assert res.stdout.split()[0] == str(tmp_path/'g.csv')
    assert (tmp_path/'g.csv').read_text() == (root/'reports'/'grades.csv').read_text()


def test_feedback_html_per_student(course):
    """Does `feedback` write one HTML page per student, with failure messages but no hidden tests or mark schemes?"""
    root, steps = course
    pages = sorted((root/'feedback').glob(f'*/{ASSIGNMENT}/*.html'))
    assert [p.parent.parent.name for p in pages] == sorted(['correct', 'untouched', *MISTAKES])
    assert steps['feedback'].stdout.split() == [str(p) for p in pages]
    page = (root/'feedback'/'partly_wrong'/ASSIGNMENT/'regex_labelling.html').read_text()
    assert 'matches &#39;beagle_3xjpg&#39;' in page or "matches 'beagle_3xjpg'" in page  # the visible test's message
    for p in pages:
        text = p.read_text()
        for leak in ['BEGIN HIDDEN TESTS', 'yorkshire_terrier_1000', 'Bengal_7a.jpg']: assert leak not in text, f'{leak!r} leaked into {p}'
        # 'correct' submitted the instructor's notebook, so its written answers are the model answers
        if 'correct' not in p.parts: assert 'Mark scheme' not in text and 'Model answer' not in text, f'a mark scheme leaked into {p}'


def test_check_passes_on_solutions():
    """Does `check` pass on the real solutions, without touching the real course folder?"""
    before = sorted(p.name for p in (REPO/'grader').iterdir())
    res = grade('check', source=None)
    assert f'{ASSIGNMENT}: ok' in res.stdout, res.stdout
    assert sorted(p.name for p in (REPO/'grader').iterdir()) == before


def test_check_fails_on_broken_solution(tmp_path):
    """Does `check` fail, naming the assignment and the cells, on a wrong solution and on a test that passes without an answer?"""
    shutil.copytree(SOLUTIONS/ASSIGNMENT, tmp_path/ASSIGNMENT)
    nb = read_nb(SOURCE_NB)
    for c in nb['cells']:
        if meta(c).get('grade_id') == 'ex1_pattern': c['source'] = src(c).replace(r'\d+\.', r'\d+.')
        if meta(c).get('grade_id') == 'ex4_test_is_cat': c['source'] = '"""A test that tests nothing"""\nassert True'
    write_nb(nb, tmp_path/ASSIGNMENT/NB_NAME)
    res = grade('check', source=tmp_path, check=False)
    assert res.returncode == 1, res.stdout + res.stderr
    assert f'{ASSIGNMENT}: FAILED' in res.stdout
    assert re.search(r'the solution scores 0 of 2 on test cell ex1_test_rejects \(AssertionError: `pattern` matches .beagle_3xjpg.', res.stdout), res.stdout
    assert 'the untouched student version scores 1 of 1 on test cell ex4_test_is_cat' in res.stdout, res.stdout
    assert f'1 of 1 assignments grade wrongly: {ASSIGNMENT}' in res.stderr, res.stderr


def test_not_a_course(tmp_path):
    """Is a folder without nbgrader_config.py refused with its path and the fix?"""
    res = grade('report', course=tmp_path, check=False)
    assert res.returncode == 2
    assert f'{tmp_path} has no nbgrader_config.py' in res.stderr and '--course-dir' in res.stderr, res.stderr


def test_unknown_assignment(tmp_path):
    """Is releasing an assignment that does not exist refused with its path and the assignments there are?"""
    shutil.copy(REPO/'grader'/'nbgrader_config.py', tmp_path)
    res = grade('release', 'nope', course=tmp_path, check=False)
    assert res.returncode == 2
    assert f"{SOLUTIONS/'nope'} does not exist. Assignments in {SOLUTIONS}: {ASSIGNMENT}" in res.stderr, res.stderr


def test_mark_schemes_for_formgrader_not_feedback(course):
    """Are the mark schemes in the autograded notebooks formgrader shows, and absent from every feedback page?"""
    root, _ = course
    nb = read_nb(root/'autograded'/'untouched'/ASSIGNMENT/NB_NAME)
    schemes = [src(c) for c in nb['cells'] if c['metadata'].get('sotavision') == 'mark-scheme']
    assert len(schemes) == len(MANUAL) and all('For the grader' in s and len(s) > 80 for s in schemes), schemes
    for p in (root/'feedback').glob(f'*/{ASSIGNMENT}/*.html'):
        assert 'For the grader: model answer' not in p.read_text(), p


def test_release_shows_nbgrader_whole_error(tmp_path):
    """Does `release` of a source notebook with a duplicated grade id show nbgrader's whole message, the id included?"""
    shutil.copytree(SOLUTIONS/ASSIGNMENT, tmp_path/'solutions'/ASSIGNMENT)
    nb = read_nb(tmp_path/'solutions'/ASSIGNMENT/NB_NAME)
    dup = copy.deepcopy(next(c for c in nb['cells'] if meta(c).get('grade_id') == 'ex1_test_breeds'))
    nb['cells'].append(dict(dup, id='duplicate1'))
    write_nb(nb, tmp_path/'solutions'/ASSIGNMENT/NB_NAME)
    (tmp_path/'grader').mkdir()
    shutil.copy(REPO/'grader'/'nbgrader_config.py', tmp_path/'grader')
    res = grade('release', ASSIGNMENT, course=tmp_path/'grader', source=tmp_path/'solutions', check=False)
    assert res.returncode == 2 and 'Duplicate grade id: ex1_test_breeds' in res.stderr, res.stderr[-3000:]
