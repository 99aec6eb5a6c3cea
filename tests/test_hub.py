"""The class's JupyterHub (`make hub`), started once for this module as root with real Unix accounts from a roster
(JupyterHub's dummy authenticator with a shared password). In a browser (playwright + Debian's chromium), two students log
in, fetch, answer (one right, one partly), validate and submit in their own servers; the instructor collects and runs
`sotavision-grade autograde` from a terminal, grades a written answer in the formgrader service and returns feedback;
each student fetches their feedback and sees their own score (screenshots: tests/artefacts/hub-*.png). Then a student's
kernel gets a permission error on everything that is not theirs, and the formgrader turns students away.
"""
import json, os, re, secrets, shutil, signal, socket, subprocess, sys, tempfile, time, uuid
from pathlib import Path

import pytest

requests = pytest.importorskip('requests')
websocket = pytest.importorskip('websocket')

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT, NOTEBOOK = '01_regex_labelling', 'regex_labelling.ipynb'
TAG = 'sv' + secrets.token_hex(2)              # user names of this run: nobody else's accounts are touched
ADA, ALAN, GRACE = f'{TAG}ada', f'{TAG}alan', f'{TAG}grace'
ROSTER = (f"username,name,email,role,canvas_id,sis_id,moodle_id,section\n{ADA},\"Lovelace, Ada\",,student,,,,\n"
          f"{ALAN},\"Turing, Alan\",,student,,,,\n{GRACE},\"Hopper, Grace\",,instructor,,,,\n")
PASSWORD, TOKEN = secrets.token_hex(8), secrets.token_hex(16)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the Hub runs as root to start each user's server as that user")


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Hub:
    def __init__(self, url, root): self.url, self.root, self.tokens = url, root, {}

    def api(self, method, path, token=TOKEN, **kw):
        r = requests.request(method, self.url + path, headers={'Authorization': f'token {token}'}, timeout=120, **kw)
        return r

    def token(self, user):
        if user not in self.tokens:
            r = self.api('POST', f'/hub/api/users/{user}/tokens', json={'expires_in': 3600, 'note': 'test'})
            assert r.status_code in (200, 201), r.text
            self.tokens[user] = r.json()['token']
        return self.tokens[user]

    def start(self, user):
        "Start `user`'s server through the Hub and wait until it answers"
        r = self.api('POST', f'/hub/api/users/{user}/server')
        assert r.status_code in (201, 202, 400), r.text      # 400: already running
        for _ in range(240):
            u = self.api('GET', f'/hub/api/users/{user}').json()
            if u.get('servers', {}).get('', {}).get('ready'): return
            time.sleep(0.5)
        raise AssertionError(f"{user}'s server did not start: {u}")

    def user(self, method, user, path, **kw):
        "A request to `user`'s own server, with `user`'s token"
        return self.api(method, f'/user/{user}/{path}', token=self.token(user), **kw)

    def run_code(self, user, code):
        "Run `code` in a new kernel of `user`'s server: (stdout, error name or None)"
        k = self.user('POST', user, 'api/kernels', json={'name': 'python3'})
        assert k.status_code == 201, k.text
        kid = k.json()['id']
        ws = websocket.create_connection(f"{self.url.replace('http', 'ws')}/user/{user}/api/kernels/{kid}/channels",
                                         header=[f'Authorization: token {self.token(user)}'], timeout=120)
        try:
            mid = uuid.uuid4().hex
            ws.send(json.dumps({'header': {'msg_id': mid, 'username': user, 'session': uuid.uuid4().hex, 'msg_type': 'execute_request',
                                           'version': '5.3'}, 'parent_header': {}, 'metadata': {}, 'channel': 'shell',
                                'content': {'code': code, 'silent': False, 'store_history': False, 'user_expressions': {},
                                            'allow_stdin': False, 'stop_on_error': True}}))
            out, err = '', None
            while True:
                m = json.loads(ws.recv())
                if m.get('parent_header', {}).get('msg_id') != mid: continue
                t = m['header']['msg_type']
                if t == 'stream': out += m['content']['text']
                elif t == 'error': err = m['content']['ename'] + ': ' + m['content']['evalue']
                elif t == 'status' and m['content']['execution_state'] == 'idle': return out, err
        finally:
            ws.close()
            self.user('DELETE', user, f'api/kernels/{kid}')


def as_user(user, cmd, cwd):
    "Run the shell command `cmd` as the Unix user `user`, as in their terminal on the Hub"
    r = subprocess.run([shutil.which('runuser') or '/usr/sbin/runuser', '-u', user, '--', 'bash', '-c', cmd], cwd=cwd, capture_output=True, text=True, timeout=600,
                       env={'PATH': f"{hub_root}/venv/bin:/usr/bin:/bin", 'HOME': f'/home/{user}', 'LANG': 'C.UTF-8'})
    assert r.returncode == 0, f"{user}: `{cmd}` failed:\n{r.stdout[-3000:]}\n{r.stderr[-12000:]}"
    return r.stdout + r.stderr


hub_root = None


@pytest.fixture(scope='module')
def hub():
    "`make hub` on a free port with this run's roster; stopped, and the accounts removed, at the end"
    global hub_root
    root = Path(tempfile.mkdtemp(prefix='sotavision-hub-'))
    hub_root = root
    (root.parent/f'{root.name}-roster.csv').write_text(ROSTER)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ('VIRTUAL_ENV', 'JUPYTER_CONFIG_PATH')}
    env |= {'SOTAVISION_HUB_PASSWORD': PASSWORD, 'SOTAVISION_HUB_API_TOKEN': TOKEN}
    log = open(root.parent/f'{root.name}.log', 'w')
    # The Hub's users run the course's .venv: let them pass through the folders above a clone in a private folder (CI's
    # fresh clone is in a mktemp -d folder, mode 700); setup_class.py refuses to go on otherwise. Put back at the end.
    sys.path.insert(0, str(REPO/'hub'))
    from setup_class import closed_to_others
    opened = {d: os.stat(d).st_mode for d in closed_to_others(REPO/'.venv')}
    for d, mode in opened.items(): os.chmod(d, mode | 0o001)
    p = subprocess.Popen(['make', '--no-print-directory', 'hub', f'HUB_ROOT={root}', f'HUB_ROSTER={root.parent}/{root.name}-roster.csv',
                          f'HUB_PORT={port}'], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(240):
            try:
                if requests.get(url + '/hub/health', timeout=2).status_code == 200: break
            except requests.ConnectionError: pass
            assert p.poll() is None, "make hub exited:\n" + Path(log.name).read_text()[-4000:]
            time.sleep(0.5)
        else: raise AssertionError("the Hub did not answer:\n" + Path(log.name).read_text()[-4000:])
        yield Hub(url, root)
    finally:
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(30)
        except ProcessLookupError: pass   # make hub had already exited (the assertion above says why)
        except subprocess.TimeoutExpired: os.killpg(p.pid, signal.SIGKILL)
        for d, mode in opened.items(): os.chmod(d, mode)
        for u in (ADA, ALAN, GRACE):
            subprocess.run(['pkill', '-u', u], capture_output=True)
            subprocess.run(['userdel', '-r', u], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
        for f in (root.parent/f'{root.name}-roster.csv', Path(log.name)): f.unlink(missing_ok=True)


ART = REPO/'tests'/'artefacts'
CHROMIUM = Path(os.environ.get('CHROMIUM') or '/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']


def shot(page, name):
    "Save a screenshot of `page` as tests/artefacts/hub-`name`.png"
    ART.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ART/f'hub-{name}.png'))


@pytest.fixture(scope='module')
def browser():
    "Debian's Chromium, launched headless by playwright (as tests/test_browser.py does)"
    if not CHROMIUM.exists(): pytest.fail(f"The Hub's browser test needs Chromium at {CHROMIUM}: run `make browser`.", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def login(browser, hub, user):
    "A browser page logged in to the Hub as `user` (the login form, the dummy authenticator's shared password)"
    ctx = browser.new_context(viewport={'width': 1400, 'height': 900})
    page = ctx.new_page()
    page.set_default_timeout(90_000)
    page.goto(f'{hub.url}/hub/login')
    page.locator('#username_input').fill(user)
    page.locator('#password_input').fill(PASSWORD)
    page.locator('#login_submit').click()
    page.wait_for_url(re.compile(rf'/user/{user}/lab'), timeout=120_000)
    return page


def open_assignment_list(page):
    page.locator('.lm-MenuBar-itemLabel', has_text='Nbgrader').first.click()
    page.locator('.lm-Menu-itemLabel', has_text='Assignment List').first.click()
    page.locator('#released_assignments_list, #fetched_assignments_list').first.wait_for()


def feedback_html(user):
    return sorted(Path(f'/home/{user}/{ASSIGNMENT}/feedback').glob('*/*.html'))


@pytest.fixture(scope='module')
def submitted(hub, browser):
    """The whole round through the Hub in a browser: two students log in, fetch, answer (one right, one partly),
    validate and submit; the instructor collects and autogrades from a terminal, grades a written answer in the
    formgrader service and returns feedback; each student fetches their feedback and opens it"""
    course = hub.root/'course'
    as_user(GRACE, f'sotavision-grade --course-dir . release {ASSIGNMENT} && nbgrader release_assignment {ASSIGNMENT}', course)
    import sys; sys.path.insert(0, str(REPO/'tests'))
    from scratch_course import solution_code
    answers = solution_code(ASSIGNMENT)
    validated, pages = {}, {}
    for user, chosen in [(ADA, answers), (ALAN, dict(list(answers.items())[:1]))]:
        page = pages[user] = login(browser, hub, user)
        page.locator('.lm-MenuBar-itemLabel', has_text='Nbgrader').first.wait_for()
        open_assignment_list(page)
        page.locator('#released_assignments_list .list_item', has_text=ASSIGNMENT).locator('button', has_text='Fetch').click()
        page.locator('#fetched_assignments_list .list_item', has_text=ASSIGNMENT).first.wait_for()
        shot(page, f'1-{user[len(TAG):]}-fetched')
        # the answers, saved as the student's JupyterLab saves them (the contents API of their own server)
        path = f'{ASSIGNMENT}/{NOTEBOOK}'
        nb = hub.user('GET', user, f'api/contents/{path}').json()['content']
        for c in nb['cells']:
            key = (NOTEBOOK, c.get('metadata', {}).get('nbgrader', {}).get('grade_id'))
            if key in chosen: c['source'] = chosen[key]
            elif user == ADA and c['cell_type'] == 'markdown' and c['metadata'].get('nbgrader', {}).get('solution'):
                c['source'] = 'Folder names (a parent folder per class) and a table of file names and labels, such as a CSV file.'
        assert hub.user('PUT', user, f'api/contents/{path}', json={'type': 'notebook', 'content': nb}).status_code == 200
        page.goto(f'{hub.url}/user/{user}/lab/tree/{path}')
        page.get_by_text('Python 3 (ipykernel) | Idle').wait_for()
        page.get_by_role('button', name='Validate').first.click()
        dialog = page.locator('.jp-Dialog')
        dialog.get_by_text('Validation Results').wait_for(timeout=180_000)
        validated[user] = dialog.inner_text()
        shot(page, f'2-{user[len(TAG):]}-validated')
        page.keyboard.press('Escape')
        open_assignment_list(page)
        time.sleep(1)
        page.locator('#fetched_assignments_list .list_item', has_text=ASSIGNMENT).locator('button', has_text='Submit').first.click()
        page.locator('#submitted_assignments_list .list_item', has_text=ASSIGNMENT).first.wait_for()
        shot(page, f'3-{user[len(TAG):]}-submitted')

    # ada tries to hand in in alan's name: a newer folder in inbound named as his submission, holding her notebook
    forged = hub.root/'exchange'/'sotavision'/'inbound'/f'{ALAN}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+forgedforged'
    code = (f"import os, shutil\nos.mkdir({str(forged)!r})\n"
            f"shutil.copy(os.path.expanduser('~/{ASSIGNMENT}/{NOTEBOOK}'), {str(forged)!r})\nprint('forged')")
    forge_out, forge_err = hub.run_code(ADA, code)
    out = as_user(GRACE, f'nbgrader collect {ASSIGNMENT} && sotavision-grade --course-dir . autograde {ASSIGNMENT}', course)
    # The instructor grades ada's first written answer in the formgrader service
    from nbgrader.api import Gradebook
    db = f"sqlite:///{course/'gradebook.db'}"
    with Gradebook(db, 'sotavision') as gb:
        nb_id = gb.find_submission_notebook(NOTEBOOK[:-6], ASSIGNMENT, ADA).id
        before = gb.find_submission(ASSIGNMENT, ADA).score
    fg = login(browser, hub, GRACE)
    fg.goto(f'{hub.url}/services/sotavision/formgrader')
    fg.get_by_text('Manage Assignments').first.wait_for()
    shot(fg, '4-instructor-formgrader')
    fg.goto(f'{hub.url}/services/sotavision/formgrader/submissions/{nb_id}/?index=0')
    box = fg.locator('input.score#q3_answer')
    box.scroll_into_view_if_needed()
    fg.locator('textarea#q3_answer-comment').fill('Both kinds named, each with an example.')
    box.fill('2')
    box.press('Tab')
    deadline = time.time() + 30
    while time.time() < deadline:
        with Gradebook(db, 'sotavision') as gb:
            after = gb.find_submission(ASSIGNMENT, ADA).score
        if after == before + 2: break
        time.sleep(0.5)
    shot(fg, '5-instructor-manual-grading')
    out += as_user(GRACE, f'sotavision-grade --course-dir . feedback {ASSIGNMENT} && nbgrader release_feedback {ASSIGNMENT}', course)
    with Gradebook(db, 'sotavision') as gb:
        totals = {u: (gb.find_submission(ASSIGNMENT, u).score, gb.find_submission(ASSIGNMENT, u).max_score) for u in (ADA, ALAN)}
    shown = {}
    for user, page in pages.items():
        open_assignment_list(page)
        page.locator('#submitted_assignments_list .list_item', has_text=ASSIGNMENT).locator('button', has_text='Fetch Feedback').first.click()
        deadline = time.time() + 60
        while not feedback_html(user) and time.time() < deadline: time.sleep(0.5)
        html = feedback_html(user)[0].relative_to(f'/home/{user}')
        page.goto(f'{hub.url}/user/{user}/files/{html}')
        shown[user] = page.locator('body').inner_text()
        shot(page, f'6-{user[len(TAG):]}-feedback')
    return dict(forge=(forge_out, forge_err), validated=validated, out=out, before=before, after=after, totals=totals, shown=shown)


def test_students_validate_submit_and_get_their_own_feedback(hub, submitted):
    """Through the Hub in a browser: does Validate pass the right notebook and show the failing test of the partial one;
    does autograde score the right answer above the partial one; does a grade given in the formgrader service count;
    and does each student's fetched feedback show their own total and not the other's?"""
    v, totals, shown = submitted['validated'], submitted['totals'], submitted['shown']
    assert 'The following cell failed' not in v[ADA] and 'Success' in v[ADA], v[ADA][:2000]
    assert 'The following cell failed' in v[ALAN], v[ALAN][:2000]
    scores = {m[1]: float(m[2]) for m in re.finditer(rf'^({TAG}\w+)\s+\S+\s+([\d.]+)', submitted['out'], re.M)}
    assert scores.get(ADA, 0) > scores.get(ALAN, 0) > 0, submitted['out'][-3000:]
    assert submitted['after'] == submitted['before'] + 2, "the points given in formgrader should reach the gradebook"
    assert totals[ADA][0] == scores[ADA] + 2 and totals[ALAN][0] == scores[ALAN]
    for user, other in [(ADA, ALAN), (ALAN, ADA)]:
        m = re.search(r'Score:\s*([\d.]+)\s*/\s*([\d.]+)', shown[user])
        assert m and float(m[1]) == totals[user][0] and float(m[2]) == totals[user][1], (user, totals[user], shown[user][:500])
        assert other not in shown[user]


def test_a_submission_in_another_students_name_is_not_collected(hub, submitted):
    """When a student drops a newer folder named as another student's submission into the exchange (nbgrader lets every
    student write there), does the instructor's collect leave it out, say so, and grade the real student's own notebook?"""
    assert submitted['forge'] == ('forged\n', None), submitted['forge']
    assert 'Left out' in submitted['out'] and 'forgedforged' in submitted['out'], submitted['out'][-3000:]
    mine = json.loads((hub.root/'course'/'submitted'/ALAN/ASSIGNMENT/NOTEBOOK).read_text())
    assert 'Folder names (a parent folder per class)' not in json.dumps(mine), "alan's submission was replaced by ada's"


def test_lessons_and_library_in_every_server(hub, submitted):
    """Does a student's kernel import the course library, read the bundled data, and have the lessons at home?"""
    out, err = hub.run_code(ADA, "import sotavision, os\nfrom sotavision.data import get_pets\n"
                                 "print(len(list(get_pets().glob('*.jpg'))), sorted(os.listdir(os.path.expanduser('~/lessons')))[0])")
    assert err is None and out.split() == ['406', '00_data.ipynb'], (out, err)


def test_student_kernel_cannot_reach_what_is_not_theirs(hub, submitted):
    """From a student's kernel, does reading the other student's submission (exchange and home) or feedback, the
    solutions, the gradebook or the instructors' course folder give a permission error, and is the formgrader closed?"""
    ex = hub.root/'exchange'/'sotavision'
    alan_in = next(p for p in (ex/'inbound').iterdir() if p.name.startswith(ALAN + '+'))
    alan_fb = feedback_html(ALAN)[0]
    attempts = {
        'list the inbound': f"os.listdir({str(ex/'inbound')!r})",
        "read alan's submitted notebook at home": f"open('/home/{ALAN}/{ASSIGNMENT}/{NOTEBOOK}').read()",
        'list the feedback': f"os.listdir({str(ex/'feedback')!r})",
        "read alan's feedback": f"open({str(alan_fb)!r}).read()",
        "list alan's home": f"os.listdir('/home/{ALAN}')",
        'read the solutions': f"open({str(hub.root/'course'/'source'/ASSIGNMENT/NOTEBOOK)!r}).read()",
        "read the repository's solutions": f"open({str(REPO/'solutions'/ASSIGNMENT/NOTEBOOK)!r}).read()",
        'read the gradebook': f"open({str(hub.root/'course'/'gradebook.db')!r}, 'rb').read()",
        'list the course folder': f"os.listdir({str(hub.root/'course')!r})",
    }
    code = "import os\nres = {}\n" + ''.join(
        f"try:\n    {stmt}\n    res[{name!r}] = 'ALLOWED'\nexcept Exception as e:\n    res[{name!r}] = type(e).__name__\n"
        for name, stmt in attempts.items()) + "import json; print(json.dumps(res))"
    out, err = hub.run_code(ADA, code)
    assert err is None, err
    got = json.loads(out.strip().splitlines()[-1])
    assert got == {k: 'PermissionError' for k in attempts}, got
    # nbgrader's exchange leaves a submission in inbound readable by path (the instructor, another user, collects it):
    # what keeps it from other students is that inbound cannot be listed and the name ends in 72 random bits.
    assert re.fullmatch(rf'{ALAN}\+{ASSIGNMENT}\+[^+]+\+[A-Za-z0-9_=-]{{12}}', alan_in.name), alan_in.name
    # the formgrader service: the instructor gets in, a student does not
    fg = '/services/sotavision/formgrader'
    assert hub.api('GET', fg, token=hub.token(ADA), allow_redirects=False).status_code == 403
    assert hub.api('GET', fg, token=hub.token(GRACE)).status_code == 200


def test_readme_hub_command_is_what_this_module_runs():
    """Is the README's Hub command ("Instructor: running a class") the `make hub` this module starts, with the roster?"""
    sec = (REPO/'README.md').read_text().split('## Instructor: running a class', 1)[1].split('\n## ', 1)[0]
    cmds = [l.partition('  #')[0].strip() for l in sec.splitlines() if 'make hub' in l and not l.startswith('`')]
    assert cmds == ['sudo make hub HUB_ROSTER=$PWD/hub/roster.csv'], cmds
    from sotavision.classroom import read_roster, roster_instructors
    assert roster_instructors(read_roster(REPO/'hub'/'roster.csv')), "the example roster needs an instructor (the formgrader runs as one)"
