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


def test_gpu_commands_name_real_scales_and_notebooks():
    """Are the GPU commands (not run here) made of a valid scale and lessons that have full-scale steps?"""
    from sotavision.data import get_scale
    gpu = [c for b in journey('Self-learner') for c, m in b if is_gpu(m)]
    assert gpu, "the self-learner's GPU commands should be marked `# gpu`"
    for c in gpu:
        scale = re.match(r'SOTAVISION_SCALE=(\w+) ', c)
        assert scale and get_scale(scale.group(1)) == 'full', c
        if 'nbconvert' in c:
            assert '--execute' in c, c
            nb = REPO/c.split()[-1]
            assert nb.exists() and 'at_full_scale(' in nb.read_text(), f"{nb.name} has no full-scale step"
        else:
            assert c.endswith('make lab')
            assert subprocess.run(['make', '-n', '-C', str(REPO), 'lab'], capture_output=True).returncode == 0


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """A fresh virtualenv, outside the repository, where the library user's plain install (`pip install .`, not
    editable) ran: the course's wheel installed into it. Its python."""
    cmds = [c for b in journey('Library user') for c, _ in runnable(b)]
    assert cmds == ['pip install .'], f"the library user's journey should be one plain install, `pip install .`: {cmds}"
    base = tmp_path_factory.mktemp('user')
    # `pip install .` builds the wheel and installs it. Here in two steps, offline: (1) the course's own pip builds the
    # wheel (no build isolation: setuptools comes from .venv, not from PyPI) from a copy of the clone's files (what git
    # tracks or would track), so that no build/ is left in the clone and the wheel holds only what a clone has...
    src = base/'clone'
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split('\0')
    for f in filter(None, files):
        if (REPO/f).is_file():
            (src/f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO/f, src/f)
    r = subprocess.run([str(REPO/'.venv'/'bin'/'python'), '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q',
                        '-w', str(base/'dist'), str(src)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"building the wheel failed:\n{r.stdout[-3000:]}{r.stderr[-3000:]}"
    wheel, = (base/'dist').glob('sotavision-*.whl')
    assert wheel.stat().st_size < 15e6, f"the wheel is {wheel.stat().st_size / 1e6:.1f} MB: it should stay small"
    # ... and (2) a fresh virtualenv gets the wheel with `pip install --no-deps`. Its dependencies (PyTorch is 2.5 GB)
    # come from the course's .venv through a .pth file that adds .venv's site-packages to the path. Only the editable
    # sotavision of .venv stays out: its finder is started by a .pth file of its own, and Python reads .pth files only
    # in the virtualenv's own site-packages, which comes first on the path; so `import sotavision` finds the wheel's.
    venv = base/'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
    py = venv/'bin'/'python'
    site = subprocess.run([str(py), '-c', "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    course_site = subprocess.run([str(REPO/'.venv'/'bin'/'python'), '-c',
                                  "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    Path(site, '_course_deps.pth').write_text(course_site + '\n')
    env = {k: v for k, v in os.environ.items() if k not in ('VIRTUAL_ENV', 'PYTHONPATH')}
    env['PATH'] = f"{venv/'bin'}{os.pathsep}{env['PATH']}"
    sh([(f'pip install --no-deps --force-reinstall -q {wheel}', '')], base, env)
    return py


def test_plain_install_carries_the_tiny_data(installed, tmp_path):
    """After a plain install, from a folder outside the clone, do get_pets() and get_imagenette() give the tiny datasets
    that came inside the installed package (not the clone's data/), with every image?"""
    env = {k: v for k, v in os.environ.items() if k not in ('SOTAVISION_SCALE', 'SOTAVISION_DATA', 'PYTHONPATH')}
    r = subprocess.run([str(installed), '-c', textwrap.dedent("""
        import json, sotavision
        from sotavision.data import get_pets, get_imagenette
        pets, nette = get_pets(), get_imagenette()
        print(json.dumps(dict(lib=sotavision.__file__, pets=str(pets), nette=str(nette), n_pets=len(list(pets.glob('*.jpg'))),
                              n_nette=len(list(nette.glob('*/*/*.JPEG'))))))
        """)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    venv = installed.parent.parent
    for k in ('lib', 'pets', 'nette'):
        assert Path(got[k]).is_relative_to(venv), f"{k} should come from the fresh install in {venv}, not {got[k]}"
    assert Path(got['pets']).parent.parent == Path(got['lib']).parent, got
    ours = dict(n_pets=len(list((REPO/'data'/'pets_tiny').glob('*.jpg'))),
                n_nette=len(list((REPO/'data'/'imagenette_tiny').glob('*/*/*.JPEG'))))
    assert {k: got[k] for k in ours} == ours, f"the installed datasets should hold every image of data/: {got} != {ours}"


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
