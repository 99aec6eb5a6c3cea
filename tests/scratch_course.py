"""Scratch copies of the course for tests that write: the repository's layout (grader/ with its
nbgrader_config.py, solutions/, work/) in a temporary folder, so that the real grader/ is never touched."""
import json, os, shutil, subprocess, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO/'.venv'/'bin' if (REPO/'.venv'/'bin'/'nbgrader').exists() else Path(sys.executable).parent


def assignments():
    "Names of the source assignments in solutions/, sorted (each a folder holding notebooks)"
    return sorted(d.name for d in (REPO/'solutions').iterdir() if d.is_dir() and any(d.glob('*.ipynb')))


def make_course(root:Path, names=None)->Path:
    "Lay out a scratch course in `root` (grader/nbgrader_config.py, solutions/ with `names` or all); return `root`"
    (root/'grader').mkdir(parents=True, exist_ok=True)
    (root/'work').mkdir(exist_ok=True)   # c.Exchange.assignment_dir: the repository ships it (work/README.md)
    shutil.copy(REPO/'grader'/'nbgrader_config.py', root/'grader')
    for a in names or assignments():
        shutil.copytree(REPO/'solutions'/a, root/'solutions'/a, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
    return root


def course_env(root:Path, **extra)->dict:
    "The environment `make lab` gives its terminals: the course's tools on PATH, nbgrader finding `root`/grader"
    env = {k: v for k, v in os.environ.items() if k not in ('MPLBACKEND', 'SOTAVISION_SCALE')}
    env['PATH'] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env['JUPYTER_CONFIG_PATH'] = str(root/'grader')
    # nbgrader keeps a student's submissions in a per-user cache under Jupyter's data folder: keep it in the scratch course
    env['JUPYTER_DATA_DIR'] = str(root/'.jupyter-data')
    return env | extra


def run(cmd, cwd, env, timeout=600):
    "Run the shell command `cmd` in `cwd`; fail with its output when it exits non-zero; the CompletedProcess"
    r = subprocess.run(['bash', '-c', cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"`{cmd}` failed ({r.returncode}) in {cwd}:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return r


def nbgrader_meta(cell): return cell.get('metadata', {}).get('nbgrader', {})


def solution_code(assignment:str)->dict:
    "(notebook name, grade_id) -> the solution's code (without solution markers) of each autograded answer cell"
    res = {}
    for nb_path in sorted((REPO/'solutions'/assignment).glob('*.ipynb')):
        for c in json.loads(nb_path.read_text())['cells']:
            m = nbgrader_meta(c)
            if m.get('solution') and c['cell_type'] == 'code':
                src = ''.join(c['source'])
                res[nb_path.name, m['grade_id']] = '\n'.join(l for l in src.splitlines() if 'SOLUTION' not in l)
    return res


def fill_answers(folder:Path, answers:dict):
    "Put `answers` ((notebook name, grade_id) -> code) into the student's notebooks in `folder`, as a student would"
    for nb_path in sorted(Path(folder).glob('*.ipynb')):
        nb = json.loads(nb_path.read_text())
        for c in nb['cells']:
            key = (nb_path.name, nbgrader_meta(c).get('grade_id'))
            if key in answers: c['source'] = answers[key]
        nb_path.write_text(json.dumps(nb, indent=1))
