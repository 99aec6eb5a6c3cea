"""The LMS round trip: submissions named as Canvas and Moodle name their downloads -> `sotavision-grade lms-collect`
(nbgrader zip_collect) -> submitted/ -> `sotavision-grade autograde` -> `sotavision-grade report --lms canvas|moodle`,
a grade CSV in the LMS's import format with the roster's ids. One scratch course for the module."""
import csv, json, shutil, zipfile
from pathlib import Path

import pytest

from scratch_course import REPO, course_env, fill_answers, make_course, run, solution_code

ASSIGNMENT, NOTEBOOK = '01_regex_labelling', 'regex_labelling.ipynb'
ROSTER = ("username,name,email,role,canvas_id,sis_id,moodle_id,section\n"
          "ada,\"Lovelace, Ada\",ada@example.org,student,1001,S1001,501,A\n"
          "alan,\"Turing, Alan\",alan@example.org,student,1002,S1002,502,B\n"
          "bob,\"Kahn, Bob\",bob@example.org,student,,,503,B\n"          # no Canvas account: left out of Canvas's file
          "grace,\"Hopper, Grace\",grace@example.org,instructor,,,,\n")


@pytest.fixture(scope='module')
def course(tmp_path_factory):
    "A scratch course with the assignment released, the roster, and a right and a partly right notebook"
    root = make_course(tmp_path_factory.mktemp('lms')/'course', [ASSIGNMENT])
    env = course_env(root)
    run(f'sotavision-grade release {ASSIGNMENT}', root, env)
    (root/'roster.csv').write_text(ROSTER)
    answers = solution_code(ASSIGNMENT)
    for kind, chosen in [('right', answers), ('partly', dict(list(answers.items())[:1]))]:
        d = root/'answers'/kind
        shutil.copytree(root/'grader'/'release'/ASSIGNMENT, d)
        fill_answers(d, chosen)
    return root, env


def grades_csv(root):
    "score, max_score of each student in the course's reports/grades.csv"
    return {r['student']: (float(r['score']), float(r['max_score'])) for r in csv.DictReader(open(root/'grader'/'reports'/'grades.csv'))
            if r['assignment'] == ASSIGNMENT}


def read(path): return list(csv.reader(open(path, newline='')))


def test_canvas_download_to_canvas_grades(course):
    """Do Canvas-named downloads (a late one, a resubmission, an id not on the roster) land under submitted/<user name>/,
    and does `report --lms canvas` write Canvas's gradebook import CSV with the roster's ids and each one's score?"""
    root, env = course
    dl = root/'canvas_download'
    dl.mkdir()
    shutil.copy(root/'answers'/'right'/NOTEBOOK, dl/f'lovelaceada_1001_58230_{NOTEBOOK}')
    shutil.copy(root/'answers'/'partly'/NOTEBOOK, dl/f'turingalan_LATE_1002_58231_{NOTEBOOK[:-6]}-1.ipynb')
    shutil.copy(root/'answers'/'right'/NOTEBOOK, dl/f'strangerjoe_9999_58232_{NOTEBOOK}')
    out = run(f'sotavision-grade lms-collect {ASSIGNMENT} canvas_download --lms canvas --roster roster.csv', root, env)
    assert 'skipped' in out.stderr and '9999' in out.stderr, out.stderr
    sub = root/'grader'/'submitted'
    assert sorted(p.name for p in sub.iterdir()) == ['ada', 'alan']
    assert (sub/'alan'/ASSIGNMENT/NOTEBOOK).is_file(), "Canvas's -1 resubmission suffix should be dropped"
    assert json.loads((sub/'ada'/ASSIGNMENT/NOTEBOOK).read_text()) == json.loads((root/'answers'/'right'/NOTEBOOK).read_text())

    out = run(f'sotavision-grade autograde {ASSIGNMENT}', root, env).stdout
    assert 'ada' in out and 'alan' in out, out
    run('sotavision-grade report --lms canvas --roster roster.csv', root, env)
    scores = grades_csv(root)
    ada, alan = scores['ada'], scores['alan']
    assert 0 < alan[0] < ada[0] <= ada[1], scores   # the max counts the written answers, graded by hand

    rows = read(root/'grader'/'reports'/'canvas_grades.csv')
    assert rows[0] == ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', ASSIGNMENT]
    assert rows[1] == ['Points Possible', '', '', '', '', f'{ada[1]:.2f}']
    assert rows[2:] == [['Lovelace, Ada', '1001', 'S1001', 'ada', 'A', f'{ada[0]:.2f}'],
                        ['Turing, Alan', '1002', 'S1002', 'alan', 'B', f'{alan[0]:.2f}']]


def test_moodle_zip_to_moodle_worksheet(course):
    """Does a Moodle "Download all submissions" zip (files in per-student folders) replace the earlier submissions, and
    does `report --lms moodle` write Moodle's grading worksheet with `Participant <id>`, 0 for a student who sent nothing?"""
    root, env = course
    with zipfile.ZipFile(root/'moodle.zip', 'w') as z:
        z.write(root/'answers'/'partly'/NOTEBOOK, f'Ada Lovelace_501_assignsubmission_file/{NOTEBOOK}')
        z.write(root/'answers'/'right'/NOTEBOOK, f'Alan Turing_502_assignsubmission_file_{NOTEBOOK}')
    run(f'sotavision-grade lms-collect {ASSIGNMENT} moodle.zip --lms moodle --roster roster.csv', root, env)
    run(f'sotavision-grade autograde {ASSIGNMENT}', root, env)
    run('sotavision-grade report --lms moodle --roster roster.csv', root, env)
    scores = grades_csv(root)
    ada, alan = scores['ada'], scores['alan']
    assert 0 < ada[0] < alan[0] <= alan[1], f"the Moodle submissions should replace the Canvas ones: {scores}"
    rows = read(root/'grader'/'reports'/f'moodle_{ASSIGNMENT}.csv')
    assert rows[0] == ['Identifier', 'Full name', 'Email address', 'Status', 'Grade', 'Maximum Grade', 'Grade can be changed',
                       'Last modified (submission)', 'Last modified (grade)', 'Feedback comments']
    got = {r[0]: r for r in rows[1:]}
    assert sorted(got) == ['Participant 501', 'Participant 502', 'Participant 503']
    assert got['Participant 501'][1:7] == ['Lovelace, Ada', 'ada@example.org', 'Submitted for grading', f'{ada[0]:.2f}', f'{ada[1]:.2f}', 'Yes']
    assert got['Participant 502'][4] == f'{alan[0]:.2f}'
    assert got['Participant 503'][3:6] == ['No submission', '0.00', f'{ada[1]:.2f}']


def test_report_lms_needs_a_roster(course):
    """Does `report --lms` without a roster say what it needs instead of writing a file without ids?"""
    root, env = course
    r = __import__('subprocess').run(['bash', '-c', 'sotavision-grade report --lms canvas'], cwd=root, env=env,
                                     capture_output=True, text=True)
    assert r.returncode == 2 and 'needs --roster' in r.stderr, r.stderr


def test_readme_lms_commands_as_written(course):
    """Do the README's LMS commands ("Instructor: running a class", marked `# class`) run as written, on Canvas's names?"""
    import re as _re
    root, env = course
    readme = (REPO/'README.md').read_text()
    sec = readme.split('## Instructor: running a class', 1)[1].split('\n## ', 1)[0]
    cmds = [l.partition('  #')[0].strip() for b in _re.findall(r'^```bash\n(.*?)^```', sec, flags=_re.M | _re.S)
            for l in b.splitlines() if l.strip() and 'sotavision-grade' in l]
    assert [c.split()[1] for c in cmds] == ['lms-collect', 'autograde', 'report'], cmds
    dl = root/'canvas_download'
    shutil.rmtree(dl, ignore_errors=True)
    dl.mkdir()
    shutil.copy(root/'answers'/'partly'/NOTEBOOK, dl/f'lovelaceada_1001_58230_{NOTEBOOK}')
    shutil.copy(root/'answers'/'right'/NOTEBOOK, dl/f'turingalan_1002_58231_{NOTEBOOK}')
    for c in cmds: run(c, root, env)
    rows = {r[3]: r for r in read(root/'grader'/'reports'/'canvas_grades.csv')[2:]}
    assert 0 < float(rows['ada'][5]) < float(rows['alan'][5]), rows
