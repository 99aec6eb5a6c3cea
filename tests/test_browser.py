"""The course as a student and an instructor see it: JupyterLab in a real browser.

`make lab-server` (what `make lab` runs) serves a scratch course, and PyPI's playwright drives Debian's
Chromium (`make browser` installs it; playwright's own browser downloads are never used). A student runs a
lesson and sees its plot, fetches an assignment from the Assignments tab, solves part of it and presses
Validate; an instructor collects and autogrades it with `sotavision-grade`, finds it in formgrader with its
score and grades a written answer by hand. Each step saves a screenshot in tests/artefacts/.
"""
import json, os, re, secrets, shutil, signal, socket, subprocess, time, urllib.request
from pathlib import Path

import pytest

from scratch_course import REPO, assignments, course_env, fill_answers, make_course, nbgrader_meta, run, solution_code

ART = REPO/'tests'/'artefacts'
CHROMIUM = Path(os.environ.get('CHROMIUM') or '/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
LESSON = '01_regex_labelling.ipynb'   # the quickest lesson with a plot (show_batch): about 10 s
FULL_SCALE_LESSON = '06_transfer.ipynb'   # a lesson with full-scale steps in the middle and at the end
ASSIGNMENT = assignments()[0]         # the first assignment, the one students meet first
# JupyterLab settings for the scratch server: every cell in the page (no virtual scrolling), no news pop-ups.
LAB_SETTINGS = {'@jupyterlab/notebook-extension/tracker.jupyterlab-settings': {'windowingMode': 'none'},
                '@jupyterlab/apputils-extension/notification.jupyterlab-settings':
                    {'checkForUpdates': False, 'fetchNews': 'false'}}


def shot(page, name):
    "Save a screenshot of `page` as tests/artefacts/`name`.png; its path"
    ART.mkdir(parents=True, exist_ok=True)
    p = ART/f'{name}.png'
    page.screenshot(path=str(p))
    print(f'screenshot: {p}')
    return p


@pytest.fixture(scope='module')
def browser():
    "Debian's Chromium, launched headless by playwright; fails (never skips) saying what is missing"
    if not CHROMIUM.exists():
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM}, which is missing. Install it with `make browser` "
                    f"(runs `apt-get install -y chromium` as root, or with sudo), or `sudo apt-get install chromium`; "
                    f"set CHROMIUM=/path/to/chromium for another location.", pytrace=False)
    try: from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The browser tests need PyPI's playwright, which is missing: `make install` installs it (dev extra), "
                    "or `.venv/bin/pip install playwright`. Do not run `playwright install`: Debian's chromium is used.",
                    pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    "A fresh browser page; on failure its screenshot is saved as tests/artefacts/FAILED-<test>.png"
    ctx = browser.new_context(viewport={'width': 1400, 'height': 900})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    rep = getattr(request.node, 'rep_call', None)
    if rep is not None and rep.failed: shot(pg, f'FAILED-{request.node.name}')
    ctx.close()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def course(tmp_path_factory):
    "A scratch course with the lesson in nbs/ and the first assignment released into its exchange"
    root = make_course(tmp_path_factory.mktemp('browser'), [ASSIGNMENT])
    (root/'nbs').mkdir()
    for name in (LESSON, FULL_SCALE_LESSON):   # copies: running them in JupyterLab saves outputs into them
        shutil.copy(REPO/'nbs'/name, root/'nbs')
    env = course_env(root)
    run(f'sotavision-grade release {ASSIGNMENT} && nbgrader release_assignment {ASSIGNMENT}', root, env)
    return root


@pytest.fixture(scope='module')
def lab(course):
    "The base URL and token of JupyterLab on the scratch course, started the way `make lab` starts it"
    settings = course/'.lab'/'settings'
    for name, value in LAB_SETTINGS.items():
        (settings/name).parent.mkdir(parents=True, exist_ok=True)
        (settings/name).write_text(json.dumps(value))
    port, token = free_port(), secrets.token_hex(16)
    args = (f'--no-browser --IdentityProvider.token={token} --LabApp.user_settings_dir={settings} '
            f'--LabApp.workspaces_dir={course/".lab"/"workspaces"}')
    log = open(course/'.lab'/'server.log', 'w')
    # As make's own environment would be: MPLBACKEND=Agg (make lab-server must unset it, or no plot shows) and no
    # JUPYTER_CONFIG_PATH (make lab-server must set it, or the Assignments tab finds no course).
    env = course_env(course, MPLBACKEND='Agg')
    del env['JUPYTER_CONFIG_PATH']
    # -o: never re-install from here, even when the install stamp is older than pyproject.toml.
    proc = subprocess.Popen(['make', '-s', '-C', str(REPO), '-o', '.venv/.installed', 'lab-server', f'PORT={port}',
                             f'LAB_ROOT={course}', f'LAB_COURSE={course/"grader"}', f'LAB_ARGS={args}'],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(course/'.lab'/'server.log').read_text()[-4000:]}")
                time.sleep(0.5)
        yield url, token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try: proc.wait(30)
        except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def open_lab(page, lab, path=''):
    "Open JupyterLab (at the document `path`, if given) with a fresh workspace; wait for its menu bar"
    url, token = lab
    page.goto(f"{url}/lab{'/tree/' + path if path else ''}?reset&token={token}")
    page.locator('.lm-MenuBar-itemLabel', has_text='Nbgrader').wait_for()


def menu(page, top, item):
    "Click the JupyterLab menu item `top` > `item`"
    page.locator('.lm-MenuBar-itemLabel', has_text=top).first.click()
    page.locator('.lm-Menu-itemLabel', has_text=item).first.click()


def wait_until(cond, what, timeout=120):
    "Poll `cond()` until it is true; fail naming `what` after `timeout` seconds"
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline: pytest.fail(f'timed out after {timeout} s waiting for {what}')
        time.sleep(0.5)


def run_all(page, lab, course, name, timeout=120):
    "Open lesson `name` in JupyterLab, Run All, save; its code cells as saved"
    open_lab(page, lab, f'nbs/{name}')
    page.get_by_text('Python 3 (ipykernel) | Idle').wait_for()
    prompts = "() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')].map(e => e.textContent)"
    n_code = sum(c['cell_type'] == 'code' for c in json.loads((course/'nbs'/name).read_text())['cells'])
    assert len(page.evaluate(prompts)) == n_code, 'every code cell should be in the page'
    menu(page, 'Run', 'Run All Cells')
    wait_until(lambda: all(re.fullmatch(r'\[\d+\]:', p.strip()) for p in page.evaluate(prompts)), 'every cell to run',
               timeout=timeout)
    page.keyboard.press('Control+s')
    # The lesson is committed with its outputs but no execution counts: saved after this run, every cell has one.
    def saved():
        "The code cells of the lesson as saved; none while JupyterLab is half-way through writing it"
        try: return [c for c in json.loads((course/'nbs'/name).read_text())['cells'] if c['cell_type'] == 'code']
        except json.JSONDecodeError: return [{'execution_count': None}]
    wait_until(lambda: 'jp-mod-dirty' not in (page.locator('.jp-Notebook').first.get_attribute('class') or '')
               and all(c['execution_count'] for c in saved()), 'the save of the run')
    cells = saved()
    errors = [o for c in cells for o in c['outputs'] if o['output_type'] == 'error']
    assert not errors, f"a cell failed: {errors[0]['ename']}: {errors[0]['evalue']}"
    assert not page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] .jp-RenderedText',
                            has_text='Traceback').count(), 'no traceback in the page'
    return cells


def test_lesson_runs_every_cell_and_shows_its_plot(lab, course, page):
    """Does a lesson opened in JupyterLab run all its cells without an error and show its plot?"""
    cells = run_all(page, lab, course, LESSON)
    assert any('image/png' in o.get('data', {}) for c in cells for o in c['outputs']), 'the lesson should show a plot'
    img = page.locator('.jp-OutputArea-output img').last
    assert img.is_visible() and img.evaluate('e => e.naturalWidth') > 100, 'the plot should be drawn in the page'
    img.locator('xpath=ancestor::div[contains(@class, "jp-CodeCell")]').evaluate(
        "e => e.scrollIntoView({block: 'center'})")
    shot(page, '1-student-lesson-plot')


def test_lesson_with_full_scale_steps_runs_to_the_end(lab, course, page):
    """Does Run All of a lesson with full-scale steps in the middle reach its last cell at tiny scale, each
    full-scale step saying in one line what it skipped?"""
    cells = run_all(page, lab, course, FULL_SCALE_LESSON, timeout=400)
    steps = [c for c in cells if ''.join(c['source']).lstrip().startswith('if at_full_scale(')]
    assert len(steps) >= 2, 'the lesson should have full-scale steps'
    for c in steps:
        text = ''.join(''.join(o.get('text', '')) for o in c['outputs'])
        assert text.startswith('Skipped at tiny scale:'), text
    page.locator('.jp-OutputArea-output', has_text='Skipped at tiny scale').last.scroll_into_view_if_needed()
    shot(page, '1b-student-lesson-full-scale-step-skipped')


def test_validate_shows_the_failing_test(lab, course, page):
    """Does a student who fetched an assignment, solved all but its last exercise and pressed Validate see the last
    exercise's test fail, and only that test?"""
    answers = solution_code(ASSIGNMENT)
    keys = list(answers)   # in notebook order
    nb_name, first_id = keys[0]
    open_lab(page, lab)
    menu(page, 'Nbgrader', 'Assignment List')
    page.locator('#released_assignments_list .list_item', has_text=ASSIGNMENT).locator('button', has_text='Fetch').click()
    fetched = page.locator('#fetched_assignments_list .list_item', has_text=ASSIGNMENT).first
    fetched.wait_for()
    folder = course/'work'/ASSIGNMENT
    assert (folder/nb_name).exists(), f"Fetch should put the assignment in work/ (c.Exchange.assignment_dir): {folder}"
    time.sleep(1)   # the list re-renders once more after a fetch
    page.locator('#fetched_assignments_list a', has_text=ASSIGNMENT).first.click()
    page.locator('#fetched_assignments_list .nested_list_item', has_text=Path(nb_name).stem).first.wait_for()
    shot(page, '2-student-assignment-list')
    # Earlier work, saved: every answer but the first (typed below) and the last (left undone).
    fill_answers(folder, {k: v for k, v in answers.items() if k not in (keys[0], keys[-1])})
    page.locator('#fetched_assignments_list .nested_list_item a', has_text=Path(nb_name).stem).first.click()
    page.get_by_text('Python 3 (ipykernel) | Idle').wait_for()
    nb = json.loads((folder/nb_name).read_text())
    i = next(i for i, c in enumerate(nb['cells']) if nbgrader_meta(c).get('grade_id') == first_id)
    page.locator('.jp-Notebook .jp-Cell').nth(i).locator('.cm-content').click()
    page.keyboard.press('Control+a')
    page.keyboard.insert_text(answers[keys[0]])
    page.keyboard.press('Escape')
    page.keyboard.press('Control+s')
    saved = lambda: ''.join(json.loads((folder/nb_name).read_text())['cells'][i]['source'])
    wait_until(lambda: saved() == answers[keys[0]], 'the typed answer to be saved', timeout=30)
    page.get_by_role('button', name='Validate').first.click()
    dialog = page.locator('.jp-Dialog')
    dialog.get_by_text('Validation Results').wait_for(timeout=120_000)
    text = dialog.inner_text()
    # The test cells of the last exercise fail; those of the exercises answered (typed or saved) pass.
    tests, current = {}, None
    for c in nb['cells']:
        m = nbgrader_meta(c)
        if m.get('solution') and c['cell_type'] == 'code': current = m['grade_id']
        elif m.get('grade') and not m.get('solution') and current: tests.setdefault(current, []).append(''.join(c['source']))
    first_line = lambda src: src.strip().splitlines()[0]
    failing = [first_line(s) for s in tests[keys[-1][1]]]
    passing = [first_line(s) for k, v in tests.items() if k != keys[-1][1] for s in v]
    assert 'The following cell failed' in text and any(l in text for l in failing), text[:3000]
    assert not [l for l in passing if l in text], f"tests of answered exercises failed:\n{text[:3000]}"
    shot(page, '3-student-validate-failing-test')


def test_formgrader_lists_the_autograded_submission(lab, course, page):
    """After the student submits, the instructor collects and runs `sotavision-grade autograde`: does formgrader
    list the assignment, the submission and its score, and does a grade given there to a written answer count?"""
    env = course_env(course)
    if not (course/'work'/ASSIGNMENT).exists(): run(f'nbgrader fetch_assignment {ASSIGNMENT}', course, env)
    answers = solution_code(ASSIGNMENT)
    written = [(nb.name, nbgrader_meta(c)['grade_id'], nbgrader_meta(c)['points'])
               for nb in sorted((REPO/'solutions'/ASSIGNMENT).glob('*.ipynb')) for c in json.loads(nb.read_text())['cells']
               if nbgrader_meta(c).get('grade') and nbgrader_meta(c).get('solution') and c['cell_type'] == 'markdown']
    fill_answers(course/'work'/ASSIGNMENT, {k: v for k, v in answers.items() if k != list(answers)[-1]}
                 | {(nb, gid): 'Folders of image files named by their label, and tables such as CSV files.'
                    for nb, gid, _ in written})
    run(f'nbgrader submit {ASSIGNMENT}', course, env)   # as the login name, which collect checks
    run(f'nbgrader collect {ASSIGNMENT} && sotavision-grade autograde {ASSIGNMENT}', course, env)
    from nbgrader.utils import get_username
    STUDENT = get_username()
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course/'grader'/'gradebook.db'}", 'sotavision') as gb:
        sub = gb.find_submission(ASSIGNMENT, STUDENT)
        score, max_score = sub.score, sub.max_score
    assert 0 < score < max_score

    open_lab(page, lab)
    menu(page, 'Nbgrader', 'Formgrader')
    fg = page.frame_locator('.jp-MainAreaWidget iframe').first
    row = fg.locator('tbody tr', has_text=ASSIGNMENT).first
    row.wait_for()
    assert row.locator('td.num-submissions').inner_text().strip() == '1'
    shot(page, '4-instructor-formgrader-assignments')
    row.locator('td.num-submissions a').click()
    sub_row = fg.locator('tbody tr', has_text=STUDENT).first
    sub_row.wait_for()
    fmt = lambda x: f'{x:g}'
    assert f'{fmt(score)} / {fmt(max_score)}' in sub_row.inner_text(), sub_row.inner_text()
    shot(page, '5-instructor-formgrader-submission-score')

    # Grade the first written answer by hand, in formgrader's Manual Grading of this submission.
    if not written: return
    nb_name, gid, pts = written[0]
    fg.locator('a', has_text='Manual Grading').first.click()
    fg.locator(f'a[href$="/gradebook/{ASSIGNMENT}"]').click()
    fg.locator(f'a[href$="/gradebook/{ASSIGNMENT}/{Path(nb_name).stem}"]').click()
    fg.locator('a[href*="/submissions/"]').first.click()
    box = fg.locator(f'input.score#{gid}')
    box.scroll_into_view_if_needed()
    fg.locator(f'textarea#{gid}-comment').fill('Both ways named: folders of files, and tables such as CSV files.')
    box.fill(fmt(pts))
    box.press('Tab')
    def graded():
        with Gradebook(f"sqlite:///{course/'grader'/'gradebook.db'}", 'sotavision') as gb:
            return gb.find_submission(ASSIGNMENT, STUDENT).score == score + pts
    wait_until(graded, 'the hand-given points to reach the gradebook', timeout=30)
    shot(page, '6-instructor-formgrader-manual-grading')
