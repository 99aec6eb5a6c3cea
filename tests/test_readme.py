"""The README's journeys, run as written: every command in its ```bash blocks and every ```python example.

Commands marked `# interactive` (JupyterLab, formgrader) are what tests/test_browser.py does in a real browser;
commands marked `# gpu` need a GPU and internet, so they are checked for what can be checked offline (the
scale, the flag, the notebook) but not run. Any other command a journey adds is run here, or this fails.
The student's and the instructor's journeys run in a scratch copy of the course (`make_course`), so the
real grader/ and work/ are never touched.
"""
import ast, csv, json, os, re, shutil, subprocess, sys, textwrap
from pathlib import Path

import pytest

from scratch_course import REPO, fill_answers, make_course, solution_code

README = (REPO/'README.md').read_text()
BROWSER_COVERED = {'make lab'}     # interactive commands tests/test_browser.py runs (through `make lab-server`)
CI_COMMANDS = {'make test'}        # run by CI itself (.ci/run), which runs this file


def sections():
    "README section title -> its text"
    parts = re.split(r'^## +(.+)$', README, flags=re.M)
    return {'': parts[0]} | dict(zip(parts[1::2], parts[2::2]))


def blocks(text, lang):
    "The contents of the ```lang blocks of `text`"
    return re.findall(rf'^```{lang}\n(.*?)^```', text, flags=re.M | re.S)


def lines(block):
    "(command, comment) of each command line of a bash block (comment lines and blank lines dropped)"
    res = []
    for l in block.splitlines():
        if not l.strip() or l.lstrip().startswith('#'): continue
        cmd, _, comment = l.partition('  #')
        res.append((cmd.strip(), comment.strip()))
    return res


def is_interactive(comment): return comment.startswith('interactive')
def is_gpu(comment): return bool(re.match(r'(interactive, )?gpu\b', comment))
def is_class(comment): return comment.startswith('class')   # run as written by tests/test_hub.py, tests/test_lms.py


def journey(title):
    "The bash blocks of README section `title`, each a list of (command, comment)"
    sec = sections()
    assert title in sec, f"README has no section {title!r}"
    return [lines(b) for b in blocks(sec[title], 'bash')]


def scratch_env(root):
    "A user's shell in `root`: no virtualenv active, nbgrader's per-user cache kept inside the scratch course"
    venv_bin = str(REPO/'.venv'/'bin')
    env = {k: v for k, v in os.environ.items()
           if k not in ('VIRTUAL_ENV', 'JUPYTER_CONFIG_PATH', 'MPLBACKEND', 'SOTAVISION_SCALE', 'PYTHONPATH')}
    env['PATH'] = os.pathsep.join(p for p in env.get('PATH', '').split(os.pathsep) if p and p != venv_bin)
    env['JUPYTER_DATA_DIR'] = str(root/'.jupyter-data')
    return env


def sh(commands, cwd, env, timeout=900):
    "Run the README `commands` (a list of (command, comment)) as one bash script; the CompletedProcess"
    script = 'set -eo pipefail\n' + '\n'.join(f'echo "+ {c}"\n{c}' for c, _ in commands)
    r = subprocess.run(['bash', '-c', script], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    out = r.stdout + r.stderr
    assert r.returncode == 0, f"README commands failed (exit {r.returncode}) in {cwd}:\n{script}\n---\n{out[-6000:]}"
    return out


def runnable(block):
    "The commands of `block` that this file runs (not interactive, not gpu)"
    return [(c, m) for c, m in block if not is_interactive(m) and not is_gpu(m)]


def test_every_command_is_run_or_marked():
    """Is every command in the README's bash blocks run by a test here, by the browser tests (`# interactive`),
    by CI itself, or marked `# gpu`; and is every journey there?"""
    for title in ['Student', 'Instructor', 'Self-learner', 'Library user']: assert journey(title), title
    run_here = {c for t in ['Student', 'Instructor', 'Self-learner', 'Library user'] for b in journey(t)
                for c, _ in runnable(b)}
    unexplained = []
    for b in blocks(README, 'bash'):
        for c, m in lines(b):
            if c in run_here or is_gpu(m) or is_class(m) or c in CI_COMMANDS: continue
            if is_interactive(m) and c in BROWSER_COVERED: continue
            unexplained.append(c)
    assert not unexplained, ("README commands no test runs: put them in a journey section, or mark them "
                             f"`# interactive` (and cover them in tests/test_browser.py) or `# gpu`: {unexplained}")


def test_student_and_instructor_journeys(tmp_path):
    """Do the instructor's and the student's commands work as written, one after the other: check, release,
    fetch, validate (a failing test shown), submit, collect, autograde, feedback, report, fetch feedback?"""
    (instr_before, instr_after), student = journey('Instructor'), journey('Student')
    setup = instr_before[0]
    assert setup[0].startswith('source .venv/bin/activate'), "the instructor's first line sets up the shell"
    root = make_course(tmp_path/'course')
    (root/'.venv').symlink_to(REPO/'.venv')
    if (REPO/'tests'/'wrong_answers').exists():   # `check` reads the wrong-answer fixtures beside solutions/
        shutil.copytree(REPO/'tests'/'wrong_answers', root/'tests'/'wrong_answers')
    env = scratch_env(root)

    out = sh(runnable(instr_before), root, env)
    assert 'Released as: sotavision' in out

    # The student: fetch, then "work" (every answer but the last, as if they ran out of time), validate, submit.
    term = [b for b in student if any('fetch_assignment' in c for c, _ in b)][0]
    i = next(i for i, (c, _) in enumerate(term) if 'fetch_assignment' in c)
    assignment = term[i][0].split()[-1]
    sh(runnable(term[:i + 1]), root, env)
    answers = solution_code(assignment)
    fill_answers(root/'work'/assignment, {k: v for k, v in answers.items() if k != list(answers)[-1]})
    out = sh([term[0]] + runnable(term[i + 1:]), root, env)
    assert 'VALIDATION FAILED ON' in out, out[-3000:]
    assert 'Submitted as: sotavision' in out

    out = sh([setup] + runnable(instr_after), root, env)
    from nbgrader.utils import get_username
    student_id = get_username()
    assert (root/'grader'/'submitted'/student_id/assignment).is_dir()
    assert re.search(rf'^{re.escape(student_id)}\s', out, re.M), f"autograde should print the student's score:\n{out[-3000:]}"
    assert list((root/'grader'/'feedback'/student_id/assignment).glob('*.html'))
    rows = list(csv.DictReader(open(root/'grader'/'reports'/'grades.csv')))
    mine = [r for r in rows if r['student'] == student_id and r['assignment'] == assignment]
    assert mine and 0 < float(mine[0]['score']) < float(mine[0]['max_score']), rows
    assert (root/'grader'/'reports'/'summary.txt').exists()

    feedback = [b for b in student if any('fetch_feedback' in c for c, _ in b)][0]
    sh([setup] + runnable(feedback), root, env)
    assert list((root/'work'/assignment/'feedback').glob('*/*.html')), "fetch_feedback should bring the HTML back"


def test_self_learner_laptop_commands():
    """Does the laptop self-learner's command run a lesson top to bottom on the CPU, as written?"""
    cmds = [l for b in journey('Self-learner') for l in runnable(b)]
    assert cmds
    sh(cmds, REPO, {k: v for k, v in os.environ.items() if k != 'SOTAVISION_SCALE'})


def test_gpu_commands_name_real_flags_and_notebooks():
    """Are the GPU commands (not run here) made of a valid scale, a test flag nbdev skips by default, and notebooks
    that have cells for it?"""
    import tomllib
    from sotavision.data import get_scale
    flags = tomllib.loads((REPO/'pyproject.toml').read_text())['tool']['nbdev']['tst_flags']
    gpu = [c for b in journey('Self-learner') for c, m in b if is_gpu(m)]
    assert gpu, "the self-learner's GPU commands should be marked `# gpu`"
    for c in gpu:
        scale = re.match(r'SOTAVISION_SCALE=(\w+) ', c)
        assert scale and get_scale(scale.group(1)) == 'full', c
        if 'nbdev-test' in c:
            flag = re.search(r'--flags (\w+)', c).group(1)
            assert flag in flags, f"{flag} is not one of the tst_flags {flags}"
            nb = REPO/c.split()[-1]
            assert f'#| {flag}' in nb.read_text(), f"{nb.name} has no `#| {flag}` cell"
        else:
            assert c.endswith('make lab')
            assert subprocess.run(['make', '-n', '-C', str(REPO), 'lab'], capture_output=True).returncode == 0


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    "A fresh virtualenv where the library user's `pip install -e .` ran as written (PyTorch & co. from the course's .venv)"
    venv = tmp_path_factory.mktemp('user')/'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
    py = venv/'bin'/'python'
    site = subprocess.run([str(py), '-c', "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    course_site = subprocess.run([str(REPO/'.venv'/'bin'/'python'), '-c',
                                  "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    # The dependencies (PyTorch is 2.5 GB) come from the course's virtualenv instead of a download.
    Path(site, '_course_deps.pth').write_text(course_site + '\n')
    env = {k: v for k, v in os.environ.items() if k not in ('VIRTUAL_ENV', 'PYTHONPATH')}
    env['PATH'] = f"{venv/'bin'}{os.pathsep}{env['PATH']}"
    cmds = [l for b in journey('Library user') for l in runnable(b)]
    assert any(c.startswith('pip install') for c, _ in cmds)
    sh(cmds, REPO, env)
    return py


def _expected(comment):
    "The value a README comment says an expression gives (`# (406, 'n01...')`, `# [1e-05, ...]: why`), or None"
    for text in (comment, comment.split(': ')[0]):
        try: return ast.literal_eval(text.strip())
        except (ValueError, SyntaxError): continue
    return None


# Runs each example (a file given on the command line) in a namespace of its own, in one interpreter (torch and
# fastai are imported once); prints, as JSON, whether each ran, its error, and the repr of its last expression.
RUNNER = textwrap.dedent('''
    import ast, json, sys, traceback
    res = []
    for path in sys.argv[1:]:
        body, g = ast.parse(open(path).read()).body, {'__name__': '__main__'}
        last = body.pop() if isinstance(body[-1], ast.Expr) else None
        try:
            exec(compile(ast.Module(body, []), path, 'exec'), g)
            val = eval(compile(ast.Expression(last.value), path, 'eval'), g) if last is not None else None
            res.append(dict(ok=True, result=repr(val)))
        except Exception: res.append(dict(ok=False, error=traceback.format_exc()[-3000:]))
    print('RESULTS=' + json.dumps(res))
''')


def library_examples():
    return blocks(sections()['Library user'], 'python') + blocks(sections().get('Instructor: running a class', ''), 'python')


def test_one_example_per_module():
    """Does the library user's section have an example importing each module of sotavision?"""
    mods = sorted(p.stem for p in (REPO/'sotavision').glob('*.py') if not p.stem.startswith('_'))
    text = '\n'.join(library_examples())
    missing = [m for m in mods if not re.search(rf'^(from|import) sotavision\.{m}\b', text, re.M)]
    assert not missing, f"no README example for: {missing}"


@pytest.fixture(scope='module')
def example_results(installed, tmp_path_factory):
    "What each README library example gave, run in the fresh install from a folder outside the repository"
    d = tmp_path_factory.mktemp('examples')
    files = []
    for i, src in enumerate(library_examples()):
        (d/f'example{i}.py').write_text(src)
        files.append(f'example{i}.py')
    (d/'run.py').write_text(RUNNER)
    env = {k: v for k, v in os.environ.items() if k not in ('SOTAVISION_SCALE', 'SOTAVISION_DATA', 'PYTHONPATH')}
    r = subprocess.run([str(installed), 'run.py', *files], cwd=d, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and 'RESULTS=' in r.stdout, r.stderr[-3000:]
    return json.loads(r.stdout.split('RESULTS=')[-1])


@pytest.mark.parametrize('i', range(len(library_examples())))
def test_library_example_runs(example_results, i):
    """Does the README's library example run in a fresh install, outside the repository, and give the value its
    comment shows?"""
    src, res = library_examples()[i], example_results[i]
    assert res['ok'], f"README example failed:\n{src}\n---\n{res.get('error')}"
    last = [l for l in src.strip().splitlines() if l.strip()][-1]
    want = _expected(last.partition('#')[2]) if '#' in last else None
    if want is not None:
        got = ast.literal_eval(res['result'])
        assert got == want, f"README says {want!r}, the example gives {got!r}:\n{src}"
