"""Hostile and broken submissions, graded end to end through `sotavision-grade autograde`.

The fixtures in tests/hostile/ (written by tests/hostile/make_fixtures.py) are student notebooks of
`01_regex_labelling`, each broken in the way its name says. One scratch course grades them all in one
batch, with a late submission and a missing notebook beside them, then grades the batch again.
"""
import csv, hashlib, json, re, shutil
from pathlib import Path

import pytest

from test_grading import ASSIGNMENT, AUTO, NB_NAME, REPO, SOLUTIONS, grade, read_nb
from test_grading import cell_scores as grading_cell_scores

HOSTILE = Path(__file__).resolve().parent/'hostile'
FIXTURES = sorted(p.stem for p in HOSTILE.glob('*.ipynb'))
# Test cells each fixture must fail (every other autograded test cell must get its points), and a
# phrase the grader's report of that submission must contain.
EXPECTED = {
    'infinite-loop': (set(), 'ran past the 5 s limit'),
    'infinite-loop-ignoring-interrupt': ({'ex4_test_is_cat'}, 'ran past the 5 s limit and was killed'),
    'kernel-exit': ({'ex3_test_pets', 'ex3_test_files', 'ex4_test_is_cat'}, 'exited (exit code 1) in cell ex3_count_labels'),
    'segfault': ({'ex4_test_is_cat'}, 'died (SIGSEGV) in cell ex4_is_cat'),
    'memory-bomb': (set(), 'reached the memory limit of 1 GiB'),
    'huge-output': (set(), None),
    'deleted-test-cells': (set(), 'cell ex1_test_rejects was deleted; it was put back'),
    'edited-test-cell': ({'ex4_test_is_cat'}, 'cell ex4_test_is_cat was edited; the original was graded'),
    'duplicated-cells': (set(), 'cell ex1_test_breeds appears 2 times; it was graded once'),
    'monkeypatch': ({'ex1_test_rejects'}, 're.search'),
    'cheat-at-call-time': ({'ex4_test_is_cat'}, 'builtins.isinstance'),
    'reads-solutions-writes-gradebook': (set(), None),
    'prints-warning': (set(), None),
    'random-answer': (None, None),
    'empty-notebook': (set(AUTO), 'has no cells'),
    # The sandbox (issues 13 and 17): nothing to unmount or find, nothing to kill, nothing unpickled, limits on the whole tree.
    'mount-escape': ({'ex1_test_rejects'}, None),
    'kills-grader': (set(), None),
    'pickle-to-grader': ({'ex4_test_is_cat'}, None),
    'fork-bomb': (set(), None),
    'forges-parent-messages': (set(), None),
    'forked-memory': (set(), None),
    'fills-disk': (set(), None),
    'imports-stdlib': (set(), None),
    'marker-comment': (set(), None),
    'slow-notebook': ({'ex4_test_is_cat'}, 'ran past the 20 s limit for the whole notebook in cell ex4_is_cat'),
    'many-printing-cells': (set(), None),
    'prints-hidden-tests': (set(), None),
    'expects-nbgrader-execution': (set(), None),
    'writes-files': (set(), None),
}
PWNED = Path('/tmp/sotavision-pwned-by-pickle')
NOT_GRADED = {'invalid-json': 'is not a valid notebook', 'empty-file': 'is empty (0 bytes)',
              'deep-nesting': 'is not a valid notebook: it nests too deeply',
              'source-is-numbers': 'is not a valid notebook: the source of cell 4 is not text',
              'metadata-is-a-list': 'is not a valid notebook: the metadata of cell 4 is not an object',
              'grade-id-is-a-list': 'is not a valid notebook: the grade_id of cell 4 is not text'}
LATE_CONFIG = """
c.SotavisionGrade.due_dates = {'01_regex_labelling': '2026-01-10 12:00:00 UTC'}
c.SotavisionGrade.late_policy = 'per_day'
c.SotavisionGrade.late_penalty_per_day = 0.1
c.SotavisionGrade.late_penalty_cap = 0.5
"""


def tree_hash(folder):
    "sha256 of every file under `folder`, by relative path"
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob('*')) if p.is_file()}


def cell_scores(root, student):
    "grade_id -> (score, max_score, needs_manual_grade) of each graded cell of `student`'s submission"
    return grading_cell_scores(root, student, manual=True)


@pytest.fixture(scope='module')
def hostile(tmp_path_factory):
    "A scratch course with every fixture submitted, autograded twice, and a report"
    root = tmp_path_factory.mktemp('hostile')
    (root/'nbgrader_config.py').write_text((REPO/'grader'/'nbgrader_config.py').read_text() + LATE_CONFIG)
    grade('release', ASSIGNMENT, course=root)
    sub = root/'submitted'
    for name in FIXTURES:
        (sub/name/ASSIGNMENT).mkdir(parents=True)
        shutil.copy(HOSTILE/f'{name}.ipynb', sub/name/ASSIGNMENT/NB_NAME)
    shutil.copytree(SOLUTIONS/ASSIGNMENT, sub/'late'/ASSIGNMENT)
    (sub/'late'/ASSIGNMENT/'timestamp.txt').write_text('2026-01-12 13:00:00.000000 UTC')  # 2 days and 1 hour late
    (sub/'symlinked'/ASSIGNMENT).mkdir(parents=True)
    (sub/'symlinked'/ASSIGNMENT/NB_NAME).symlink_to(SOLUTIONS/ASSIGNMENT/NB_NAME)
    (sub/'missing'/ASSIGNMENT).mkdir(parents=True)
    (sub/'missing'/ASSIGNMENT/'notes.txt').write_text('I forgot the notebook')
    before = tree_hash(sub)
    PWNED.unlink(missing_ok=True)
    opts = ('--jobs', '2', '--timeout', '5', '--memory', '1G', '--notebook-timeout', '20', '--processes', '100')
    first = grade('autograde', ASSIGNMENT, *opts, course=root)
    scores1 = {s: cell_scores(root, s) for s in [*FIXTURES, 'late', 'missing']}
    second = grade('autograde', ASSIGNMENT, *opts, course=root)
    report = grade('report', course=root)
    feedback = grade('feedback', ASSIGNMENT, course=root, check=False)
    return dict(root=root, first=first, second=second, scores1=scores1, before=before, after=tree_hash(sub), report=report, feedback=feedback)


def rows_of(out):
    "student -> (status, score, the problem lines under it) from the autograde table"
    rows, last = {}, None
    for l in out.splitlines()[1:]:
        if l.startswith(' '): rows[last][2].append(l.strip().lstrip('! '))
        else:
            f = l.split(); last = f[0]; rows[last] = (f[1] if f[1] != 'not' else 'not graded', f, [])
    return rows


def test_every_fixture_is_expected():
    """Does every fixture notebook in tests/hostile/ have an expected outcome here?"""
    assert set(FIXTURES) == set(EXPECTED) | set(NOT_GRADED)


@pytest.mark.parametrize('case', sorted(EXPECTED))
def test_hostile_submission_is_graded_as_far_as_it_ran(hostile, case):
    """Does each broken or hostile submission lose exactly the test cells it breaks, with a reason in the table and the notebook?"""
    fails, phrase = EXPECTED[case]
    cells = cell_scores(hostile['root'], case)
    if fails is not None:
        assert {k for k in AUTO if cells[k][0] < cells[k][1]} == fails, {k: cells[k] for k in AUTO}
    status, _, probs = rows_of(hostile['first'].stdout)[case]
    assert status == 'graded'
    if phrase:
        assert any(phrase in p for p in probs), probs
        note = read_nb(hostile['root']/'autograded'/case/ASSIGNMENT/NB_NAME)['cells'][0]
        assert note['metadata'].get('sotavision') == 'grader-note' and phrase in ''.join(note['source'])


@pytest.mark.parametrize('case', sorted(NOT_GRADED))
def test_unreadable_notebook_is_not_scored(hostile, case):
    """Is an unreadable notebook listed as not graded, with the reason, and left for a person in the gradebook?"""
    status, _, probs = rows_of(hostile['first'].stdout)[case]
    assert status == 'not graded' and any(NOT_GRADED[case] in p for p in probs), probs
    assert all(needs for _, _, needs in cell_scores(hostile['root'], case).values())
    assert 'could not be graded and need a person' in hostile['first'].stderr


def test_missing_notebook_scores_zero_and_is_listed(hostile):
    """Is a submission without its notebook listed as missing and scored 0?"""
    status, f, probs = rows_of(hostile['first'].stdout)['missing']
    assert status == 'missing' and f[2] == '0' and any('was not submitted' in p for p in probs)
    nb = read_nb(hostile['root']/'autograded'/'missing'/ASSIGNMENT/NB_NAME)
    assert all(c['outputs'] == [] for c in nb['cells'] if c['cell_type'] == 'code')  # nothing was run


def test_submitted_files_never_modified(hostile):
    """Are the submitted files byte for byte what the students handed in, after two autogrades?"""
    assert hostile['after'] == hostile['before']


def test_sandbox_hides_solutions_and_gradebooks(hostile):
    """Does code that hunts for the solutions, gradebooks and other submissions find nothing, and leave everything intact?"""
    nb = read_nb(hostile['root']/'autograded'/'reads-solutions-writes-gradebook'/ASSIGNMENT/NB_NAME)
    out = ''.join(o.get('text', '') for c in nb['cells'] if c['cell_type'] == 'code' for o in c['outputs'])
    assert 'found 0 files, damaged 0' in out, out[:500]
    assert (REPO/'solutions'/ASSIGNMENT/NB_NAME).read_text().startswith('{')


def test_huge_output_is_capped(hostile):
    """Is 300 MB of printing cut down to a small autograded notebook that says how much was dropped?"""
    path = hostile['root']/'autograded'/'huge-output'/ASSIGNMENT/NB_NAME
    assert path.stat().st_size < 1_000_000
    assert 'more characters of output were not kept' in path.read_text()


def test_warning_on_stderr_costs_nothing(hostile):
    """Does a correct answer that prints a warning to stderr keep its points (nbgrader would give 0)?"""
    nb = read_nb(hostile['root']/'autograded'/'prints-warning'/ASSIGNMENT/NB_NAME)
    assert any(o.get('name') == 'stderr' and 'this function is slow' in o['text'] for c in nb['cells'] if c['cell_type'] == 'code'
               for o in c['outputs'])
    assert all(s == m for s, m, _ in (cell_scores(hostile['root'], 'prints-warning')[k] for k in AUTO))


def test_grading_twice_gives_identical_scores(hostile):
    """Does grading the same submissions again, with randomness in them, give the same score on every cell?"""
    again = {s: cell_scores(hostile['root'], s) for s in hostile['scores1']}
    assert again == hostile['scores1']


def test_late_penalty_per_day(hostile):
    """Is a submission 2 days and 1 hour late docked 3 days x 10% of its score, in the table and the report?"""
    full = sum(AUTO.values())
    _, f, _ = rows_of(hostile['first'].stdout)['late']
    assert float(f[2]) == pytest.approx(full * 0.7) and f[4] == f"-{full * 0.3:g}", f
    rows = {r['student']: r for r in csv.DictReader(open(hostile['root']/'reports'/'grades.csv'))}
    assert float(rows['late']['late_penalty']) == pytest.approx(full * 0.3)
    assert float(rows['late']['score']) == pytest.approx(full * 0.7)
    assert rows['invalid-json']['status'] == 'not graded' and rows['missing']['status'] == 'missing'


def test_report_charts_and_summary(hostile):
    """Does `report` write the score histogram, the pass-rate chart and a summary naming the hardest tests and failures?"""
    rep = hostile['root']/'reports'
    for png in [f'{ASSIGNMENT}_scores.png', f'{ASSIGNMENT}_tests.png']:
        assert (rep/png).read_bytes()[:8] == b'\x89PNG\r\n\x1a\n' and str(rep/png) in hostile['report'].stdout
    summary = (rep/'summary.txt').read_text()
    assert 'hardest tests (pass rate):' in summary and 'most common failure messages:' in summary
    assert re.search(r'\d+x  NotRun: not run', summary) or 'KernelDied' in summary or 'AssertionError' in summary, summary


def test_formgrader_api_lists_autograded_submissions(hostile):
    """Does nbgrader's API behind formgrader list every submission as autograded, with its score?"""
    from sotavision.grading.course import course_config, nbgrader_api
    api = nbgrader_api(course_config(hostile['root'], SOLUTIONS))
    subs = {s['student']: s for s in api.get_submissions(ASSIGNMENT)}
    assert set(subs) >= set(EXPECTED)
    assert all(subs[s]['autograded'] for s in EXPECTED), {s: subs[s]['autograded'] for s in EXPECTED}
    assert subs['late']['score'] == pytest.approx(sum(AUTO.values()))


def outputs(hostile, case):
    "All the text the code cells of `case`'s autograded notebook printed"
    nb = read_nb(hostile['root']/'autograded'/case/ASSIGNMENT/NB_NAME)
    return ''.join(o.get('text', '') for c in nb['cells'] if c['cell_type'] == 'code' for o in c['outputs'])


def test_mount_escape_finds_nothing(hostile):
    """Does a submission that unmounts what it can and walks the whole filesystem find no notebook at all?"""
    assert 'found 0 notebooks' in outputs(hostile, 'mount-escape')


def test_pickle_sent_to_the_grader_is_never_loaded(hostile):
    """Is a pickled payload written to every file descriptor never unpickled by the grader?"""
    assert not PWNED.exists()


def test_fork_bomb_stopped_at_the_process_limit(hostile):
    """Does a submission trying 10,000 processes stop at the --processes limit, with everyone else graded?"""
    n = int(re.search(r'started (\d+) processes', outputs(hostile, 'fork-bomb')).group(1))
    assert 0 < n <= 100, n


def test_memory_limit_holds_for_forked_children(hostile):
    """Do eight forked children of 300 MB each (2.4 GB), under --memory 1G, get killed by the limit on the whole process tree?"""
    out = outputs(hostile, 'forked-memory')
    m = re.search(r'(\d) of 8 children were killed', out)
    assert m and int(m.group(1)) >= 2, out


def test_disk_is_size_capped(hostile):
    """Does writing 300 MB into the work folder stop at the 64 MB of its private tmpfs?"""
    out = outputs(hostile, 'fills-disk')
    assert 'stopped: OSError' in out and int(re.search(r'wrote (\d+) MB', out).group(1)) <= 64, out


def test_notebook_output_is_capped(hostile):
    """Do 300 cells printing 25 KB each and an exception with a huge name make an autograded notebook under 1.5 MB?"""
    path = hostile['root']/'autograded'/'many-printing-cells'/ASSIGNMENT/NB_NAME
    assert path.stat().st_size < 1_500_000 and "the rest of this notebook's output was not kept" in path.read_text()


def test_nothing_survives_into_the_next_notebook(tmp_path):
    """Does a notebook graded after another in the same sandbox find none of its files, processes or shared memory?"""
    from sotavision.grading.pool import run_notebooks
    leave = ("import os, time\nfor d in ['/tmp', '/var/tmp', '/dev/shm', '.']: open(os.path.join(d, 'trace.txt'), 'w').write('x')\n"
             "if os.fork() == 0:\n    os.setsid()\n    time.sleep(600)\n    os._exit(0)\nprint(len(os.listdir('/proc')))")
    look = ("import os\nprint(sorted(f for d in ['/tmp', '/var/tmp', '/dev/shm', '.'] for f in os.listdir(d)), "
            "sorted(int(p) for p in os.listdir('/proc') if p.isdigit()) == sorted([1, os.getpid()]))")
    jobs = {}
    for k, src in (('a', leave), ('b', look)):
        (tmp_path/k).mkdir()
        jobs[k] = dict(cells=[(0, 'answer', src)], workdir=str(tmp_path/k), memory=2**30)
    res = run_notebooks(jobs, n_jobs=1, timeout=10, preload=['json'])
    import ast
    from sotavision.grading.pool import _sandbox_binds, _under_tmp
    # a course under /tmp (CI's fresh clone) shows again, read-only, in each notebook's fresh /tmp: nothing else may
    kept = {Path(p).relative_to('/tmp').parts[0] for p in _under_tmp(_sandbox_binds())}
    files, alone = res['b'].cells[0]['outputs'][0]['text'].rsplit(' ', 1)
    assert [f for f in ast.literal_eval(files) if f not in kept] == [] and alone == 'True\n', res


def test_symlinked_submission_is_refused(hostile):
    """Is a submitted notebook that is a link to the solution refused with a reason instead of graded as the solution?"""
    status, _, probs = rows_of(hostile['first'].stdout)['symlinked']
    assert status == 'not graded' and any('is a symbolic link' in p for p in probs), probs
    assert all(s is None or s == 0 for s, _, _ in cell_scores(hostile['root'], 'symlinked').values())


def hidden_test_lines():
    "The lines (8 characters or more) of the hidden tests of the source notebook that no visible part of it shows too"
    from sotavision.grading.notebook import HIDDEN_RE, strip_hidden
    cells = [''.join(c['source']) for c in read_nb(SOLUTIONS/ASSIGNMENT/NB_NAME)['cells']]
    visible = {l.strip() for s in cells for l in strip_hidden(s).splitlines()}
    return {l.strip() for s in cells for b in HIDDEN_RE.findall(s) for l in b.splitlines()[1:-1] if len(l.strip()) >= 8} - visible


def test_feedback_never_carries_hidden_tests(hostile):
    """Is feedback written for every graded student, the one with a marker-like comment too, and does none carry hidden-test text, even printed by the submission?"""
    assert hostile['feedback'].returncode == 0, hostile['feedback'].stderr[-2000:]
    assert 'HIDDEN TESTS' in outputs(hostile, 'prints-hidden-tests')  # it did print them in the autograded notebook
    pages = {p.parent.parent.name: p.read_text() for p in (hostile['root']/'feedback').glob(f'*/{ASSIGNMENT}/*.html')}
    assert {'marker-comment', 'prints-hidden-tests', 'late'} <= set(pages)
    import html
    for name, page in pages.items():
        text = html.unescape(page)
        for line in hidden_test_lines(): assert line not in text, f'{line!r} leaked into the feedback of {name}'


def test_files_written_next_to_the_notebook_are_kept_capped(hostile):
    """Are the small files a notebook writes beside itself kept in autograded/, as nbgrader keeps them, and a 2 MB one not?"""
    out = hostile['root']/'autograded'/'writes-files'/ASSIGNMENT
    assert (out/'out'/'results.csv').read_text() == 'label,count\ncat,3\n'
    assert not (out/'big.bin').exists() and not list((hostile['root']/'autograded'/'fills-disk').rglob('*.bin'))


def _ppid(pid):
    "The parent process id of `pid` (0 when it is gone)"
    try: return int(Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()[1])
    except (OSError, IndexError, ValueError): return 0


def test_notebook_graded_again_when_its_sandbox_is_killed_from_outside(tmp_path):
    """Is a notebook whose sandbox is killed by something outside it (not by its own code) graded again, in full?"""
    import os, signal, threading, time
    from sotavision.grading.pool import run_notebooks
    (tmp_path/'a').mkdir()
    job = dict(cells=[(0, 'answer', "import time\ntime.sleep(3)\nx = 41"), (1, 'test', "assert x + 1 == 42")],
               workdir=str(tmp_path/'a'), memory=2**30)
    killed = []
    def kill_the_sandbox_once_busy():
        end = time.time() + 60
        while time.time() < end and not killed:
            for p in Path('/proc').iterdir():
                try:
                    ours = p.name.isdigit() and _ppid(_ppid(int(p.name))) == os.getpid() and b'serve(' in (p/'cmdline').read_bytes()
                    busy = ours and (p/'task'/p.name/'children').read_text().strip()  # its notebook is running
                except OSError: continue
                if busy: os.kill(int(p.name), signal.SIGKILL); killed.append(p.name); break
            time.sleep(0.2)
    t = threading.Thread(target=kill_the_sandbox_once_busy); t.start()
    res = run_notebooks({'a': job}, n_jobs=1, timeout=20, preload=['json'])['a']
    t.join()
    assert killed, "the test never found the sandbox's first process"
    assert [res.cells[i]['outputs'] for i in (0, 1)] == [[], []], res
    assert any('graded again' in p for p in res.problems), res.problems


def test_without_the_sandbox_notebooks_still_run_with_their_time_limit(tmp_path):
    """Does --no-sandbox (a machine without bubblewrap) still run a notebook with its files, NBGRADER_EXECUTION and the cell time limit?"""
    from sotavision.grading.pool import run_notebooks
    (tmp_path/'data.txt').write_text('42')
    job = dict(cells=[(0, 'answer', "import os\nprint(open('data.txt').read(), os.environ['NBGRADER_EXECUTION'])"),
                      (1, 'answer', "while True: pass"), (2, 'test', "assert 1")], workdir=str(tmp_path), memory=2**30)
    r = run_notebooks({'a': job}, timeout=1, preload=['json'], sandbox=False)['a']
    assert r.cells[0]['outputs'][0]['text'] == '42 autograde\n'
    assert r.cells[1]['outputs'][-1]['ename'] == 'CellTimeout' and r.cells[2]['outputs'] == []


def test_forged_file_path_stays_inside_the_autograded_folder(hostile):
    """Does a forged `file` line whose long path climbs out with `..` write nothing outside the submission's autograded folder?"""
    assert not list(hostile['root'].rglob('pwned-by-path.txt'))
    assert not (hostile['root']/'pwned-by-path.txt').exists()


def test_tracebacks_leave_out_the_graders_frames(hostile):
    """Do the errors the students see in their autograded notebooks show their own frames and none of the grader's sandbox?"""
    tbs = [l for case in EXPECTED for c in read_nb(hostile['root']/'autograded'/case/ASSIGNMENT/NB_NAME)['cells']
           for o in c.get('outputs', []) if o.get('output_type') == 'error' for l in o.get('traceback', [])]
    assert any('<cell-' in l for l in tbs), tbs[:20]
    assert not any('sandbox.py' in l for l in tbs), [l for l in tbs if 'sandbox.py' in l][:5]
