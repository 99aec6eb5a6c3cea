"""The gradebook in PostgreSQL: nbgrader's `db_url` pointing at a real PostgreSQL server that this module starts
(Debian's `postgresql`, `make postgres` installs it) and stops. `sotavision-grade release`/`autograde`/`report` write to it,
and two graders giving points by hand at the same time as autograde runs again keep every score."""
import csv, json, os, shutil, socket, subprocess, sys, tempfile, textwrap, time
from pathlib import Path

import pytest

from scratch_course import BIN, course_env, fill_answers, make_course, run, solution_code

PG_BIN = Path(os.environ.get('PG_BIN', '/usr/lib/postgresql/15/bin'))
ASSIGNMENT, NOTEBOOK = '01_regex_labelling', 'regex_labelling'
WRITTEN = ['q3_answer', 'q4_answer', 'q5_answer']      # the assignment's written answers (2 points each)
STUDENTS = ['s1', 's2', 's3', 's4']


def as_postgres(*cmd, **kw):
    "Run `cmd` as the `postgres` user (the server refuses to run as root)"
    pre = ['runuser', '-u', 'postgres', '--'] if os.geteuid() == 0 else []
    return subprocess.run(pre + [str(c) for c in cmd], capture_output=True, text=True, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def postgres():
    "A throwaway PostgreSQL server on a free port with an empty database `gradebook`: its SQLAlchemy URL"
    assert (PG_BIN/'initdb').exists(), f"PostgreSQL's server is not installed ({PG_BIN}/initdb): run `make postgres`"
    d = Path(tempfile.mkdtemp(prefix='sotavision-pg-'))
    if os.geteuid() == 0: shutil.chown(d, 'postgres', 'postgres')
    data, port = d/'data', free_port()
    r = as_postgres(PG_BIN/'initdb', '-D', data, '-A', 'trust', '-U', 'postgres')
    assert r.returncode == 0, r.stderr
    r = as_postgres(PG_BIN/'pg_ctl', '-D', data, '-l', d/'server.log', '-w', '-o',
                    f"-p {port} -k {d} -c listen_addresses=127.0.0.1 -c max_connections=50", 'start')
    assert r.returncode == 0, r.stdout + r.stderr + (d/'server.log').read_text()
    try:
        r = as_postgres(PG_BIN.parent/'bin'/'createdb' if (PG_BIN/'createdb').exists() else 'createdb',
                        '-h', '127.0.0.1', '-p', port, '-U', 'postgres', 'gradebook')
        assert r.returncode == 0, r.stderr
        yield f'postgresql+psycopg://postgres@127.0.0.1:{port}/gradebook'
    finally:
        as_postgres(PG_BIN/'pg_ctl', '-D', data, '-m', 'fast', '-w', 'stop')
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope='module')
def course(postgres, tmp_path_factory):
    "A scratch course whose gradebook is the PostgreSQL database, the assignment released and four submissions in"
    root = make_course(tmp_path_factory.mktemp('pg')/'course', [ASSIGNMENT])
    with open(root/'grader'/'nbgrader_config.py', 'a') as f: f.write(f'\nc.CourseDirectory.db_url = {postgres!r}\n')
    env = course_env(root)
    run(f'sotavision-grade release {ASSIGNMENT}', root, env)
    answers = solution_code(ASSIGNMENT)
    for i, s in enumerate(STUDENTS):
        d = root/'grader'/'submitted'/s/ASSIGNMENT
        shutil.copytree(root/'grader'/'release'/ASSIGNMENT, d)
        fill_answers(d, answers if i % 2 == 0 else dict(list(answers.items())[:1]))
    return root, env


def test_sqlite_stays_the_default():
    """Does the course, as committed, keep its gradebook in a SQLite file of its own?"""
    from sotavision.classroom import course_gradebook_url
    url, course_id = course_gradebook_url(Path(__file__).resolve().parents[1]/'grader')
    assert url.startswith('sqlite:///') and url.endswith('grader/gradebook.db') and course_id == 'sotavision', url


def test_autograde_writes_to_postgres(course, postgres):
    """Do release and autograde write the course's assignment, students and scores to the PostgreSQL server (and no
    gradebook.db appears)?"""
    root, env = course
    out = run(f'sotavision-grade autograde {ASSIGNMENT}', root, env).stdout
    assert all(s in out for s in STUDENTS), out
    assert not (root/'grader'/'gradebook.db').exists()
    r = as_postgres('psql', postgres.replace('+psycopg', ''), '-At', '-c',
                    "select s.student_id, sum(coalesce(g.auto_score, 0)) from grade g join submitted_notebook n on g.notebook_id = n.id "
                    "join submitted_assignment s on n.assignment_id = s.id group by s.student_id order by 1")
    assert r.returncode == 0, r.stderr
    auto = dict(l.split('|') for l in r.stdout.split())
    assert sorted(auto) == STUDENTS and float(auto['s1']) > float(auto['s2']) > 0, auto


GRADER = textwrap.dedent('''
    import json, sys, time
    from pathlib import Path
    from nbgrader.api import Gradebook
    url, cell, go, stop = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    while not go.exists(): time.sleep(0.01)
    last, rounds = {}, 0
    with Gradebook(url, 'sotavision') as gb:
        while not stop.exists() or rounds < 3:      # a grader changing their mind all through autograde's run
            for student in sys.argv[5:]:
                g = gb.find_grade(cell, 'regex_labelling', '01_regex_labelling', student)
                g.manual_score = last[student] = (rounds + int(student[1:])) % 3
                gb.db.commit()
            rounds += 1
            time.sleep(0.05)
    print(json.dumps(dict(last=last, rounds=rounds)))
''')


def test_two_graders_and_autograde_at_once_keep_every_score(course, postgres, tmp_path):
    """While autograde runs again, do two graders (two processes) giving points to written answers of the same
    submissions keep every score: each one's last points, and every autograded score?"""
    root, env = course
    (tmp_path/'grader.py').write_text(GRADER)
    go = tmp_path/'go'
    py = str(BIN/'python') if (BIN/'python').exists() else sys.executable
    go, stop = tmp_path/'go', tmp_path/'stop'
    py = str(BIN/'python') if (BIN/'python').exists() else sys.executable
    graders = [subprocess.Popen([py, str(tmp_path/'grader.py'), postgres, cell, str(go), str(stop), *STUDENTS], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for cell in WRITTEN[:2]]
    auto = subprocess.Popen(['bash', '-c', f'sotavision-grade autograde {ASSIGNMENT}'], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    go.touch()
    out, err = auto.communicate(timeout=600)
    stop.touch()
    assert auto.returncode == 0, err[-3000:]
    given = {}
    for cell, p in zip(WRITTEN[:2], graders):
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-3000:]
        res = json.loads(out.strip().splitlines()[-1])
        assert res['rounds'] >= 3, res
        given[cell] = res['last']

    from nbgrader.api import Gradebook
    with Gradebook(postgres, 'sotavision') as gb:
        for s in STUDENTS:
            for cell in WRITTEN[:2]:
                g = gb.find_grade(cell, NOTEBOOK, ASSIGNMENT, s)
                assert g.manual_score == given[cell][s], (s, cell, g.manual_score, given[cell][s])
            sub = gb.find_submission(ASSIGNMENT, s)
            autos = [g.auto_score for n in sub.notebooks for g in n.grades if g.auto_score is not None and g.manual_score is None]
            assert autos and sum(autos) > 0, s
            manual = sum(given[cell][s] for cell in WRITTEN[:2])
            assert sub.score == pytest.approx(sum(autos) + manual), (s, sub.score, sum(autos), manual)

    run('sotavision-grade report', root, env)
    rows = {r['student']: r for r in csv.DictReader(open(root/'grader'/'reports'/'grades.csv')) if r['assignment'] == ASSIGNMENT}
    assert sorted(rows) == STUDENTS and all(float(r['score']) > 0 for r in rows.values()), rows
