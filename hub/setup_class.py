"""Prepare this machine for the class's JupyterHub (run as root by `make hub`; see hub/README.md).

    python hub/setup_class.py ROSTER.csv HUB_ROOT

Creates the roster's Unix accounts and groups, and under HUB_ROOT (default /srv/sotavision):
  class/     the lessons (nbs/), the library (sotavision/) and the tiny data: read-only for everyone
  venv/      the class's Python, made from /usr/bin/python3 (every user can run it; a venv made from a Python under
             /root cannot), with the course's installed packages (.venv) on its path and Jupyter's config for the
             students' servers (nbgrader's Assignment List and Validate on, formgrader off)
  exchange/  nbgrader's exchange, writable by all as nbgrader documents; nbgrader sets the modes inside it
  course/    the nbgrader course (nbgrader_config.py, the source assignments, the gradebook): the instructors' group
             only (2770); the formgrader service runs here as the first instructor
  formgrader/ Jupyter config for the formgrader service
  hub/       the Hub's own state (cookie secret, database): root only
"""
import json, os, shutil, stat, subprocess, sys, sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from sotavision.classroom import INSTRUCTORS_GROUP, add_accounts, read_roster, roster_instructors  # noqa: E402

COURSE_ID = 'sotavision'
STUDENT_EXTENSIONS = {'jupyterlab': True, 'jupyter_server_terminals': True, 'notebook_shim': True,
                      'nbgrader.server_extensions.assignment_list': True, 'nbgrader.server_extensions.validate_assignment': True,
                      'nbgrader.server_extensions.formgrader': False, 'nbgrader.server_extensions.course_list': False}
# The lab side of formgrader, Create Assignment and the course list: off in the students' JupyterLab
LAB_OFF = {'@jupyter/nbgrader:formgrader': True, '@jupyter/nbgrader:create-assignment': True, '@jupyter/nbgrader:course-list': True}
WRAPPED = {'sotavision-grade': 'from sotavision.grading.cli import main', 'nbgrader': 'from nbgrader.apps.nbgraderapp import main',
           'alembic': 'from alembic.config import main'}


def write(path:Path, text:str, mode=0o644):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def readable_tree(root:Path):
    "Everyone may read `root` and enter its folders; nobody but root writes it"
    for d, dirs, files in os.walk(root):
        os.chmod(d, 0o755)
        for f in files: os.chmod(Path(d)/f, 0o644)


def class_venv(hub:Path):
    "A venv of /usr/bin/python3 with the course's packages and the class's copy of the library on its path"
    venv = hub/'venv'
    if not (venv/'bin'/'python').exists():
        subprocess.run(['/usr/bin/python3', '-m', 'venv', '--without-pip', str(venv)], check=True)
    site = Path(subprocess.run([str(venv/'bin'/'python'), '-c', "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # the class's library first (a copy without solutions/ or grader/ around it), then what .venv installed
    write(site/'00-sotavision-class.pth', f"{hub/'class'}\n{sysconfig.get_paths()['purelib']}\n")
    # Debian 12's Python 3.11.2 mis-compiles the possessive patterns of soupsieve >= 2.6 (nbconvert's HTML export, so
    # nbgrader's feedback, fails with "Invalid character"): the class gets an older soupsieve of its own.
    probe = [str(venv/'bin'/'python'), '-c', "import soupsieve; soupsieve.compile('img:not([alt])')"]
    if subprocess.run(probe, capture_output=True).returncode:
        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--target', str(site), 'soupsieve>=2.4,<2.6'], check=True)
    share = venv/'share'/'jupyter'
    if not share.exists():
        share.parent.mkdir(parents=True, exist_ok=True)
        share.symlink_to(Path(sys.prefix)/'share'/'jupyter')   # JupyterLab's assets, kernels, nbgrader's lab extension
    for name, imp in WRAPPED.items():
        write(venv/'bin'/name, f"#!{venv/'bin'/'python'}\nimport sys\n{imp}\nsys.exit(main())\n", 0o755)
    etc = venv/'etc'/'jupyter'
    write(etc/'jupyter_server_config.json', json.dumps({'ServerApp': {'jpserver_extensions': STUDENT_EXTENSIONS}}, indent=1))
    write(etc/'labconfig'/'page_config.json', json.dumps({'disabledExtensions': LAB_OFF}, indent=1))
    write(etc/'nbgrader_config.py', f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
          f"c.Exchange.root = {str(hub/'exchange')!r}\n")


def class_files(hub:Path):
    "The lessons, the library and the tiny data, read-only for everyone"
    cls = hub/'class'
    shutil.rmtree(cls, ignore_errors=True)
    shutil.copytree(REPO/'sotavision', cls/'sotavision', ignore=shutil.ignore_patterns('__pycache__'))
    shutil.copytree(REPO/'data', cls/'data', ignore=shutil.ignore_patterns('full', '__pycache__'))
    shutil.copytree(REPO/'nbs', cls/'nbs', ignore=shutil.ignore_patterns('.ipynb_checkpoints', '9*.ipynb', '85_*.ipynb'))
    readable_tree(cls)


def course(hub:Path, owner:str):
    "The instructors' nbgrader course: config, source assignments; group-owned by the instructors, closed to others"
    c = hub/'course'
    (c/'source').mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO/'solutions', c/'source', dirs_exist_ok=True, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
    cfg = (REPO/'grader'/'nbgrader_config.py').read_text()
    write(c/'nbgrader_config.py', cfg + f"\n# The class's JupyterHub (hub/setup_class.py): the shared exchange, the source assignments here\n"
          f"c.CourseDirectory.source_directory = 'source'\nc.Exchange.root = {str(hub/'exchange')!r}\n"
          "c.Exchange.assignment_dir = '.'\n"
          "# a submission folder not owned by the student it names is left out (nbgrader's own collect only warns)\n"
          "c.ExchangeFactory.collect = 'sotavision.classroom.OwnerCheckedCollect'\n")
    subprocess.run(['chown', '-R', f'{owner}:{INSTRUCTORS_GROUP}', str(c)], check=True)
    for d, dirs, files in os.walk(c):
        os.chmod(d, 0o2770)
        for f in files: os.chmod(Path(d)/f, 0o660)
    fg = hub/'formgrader'
    write(fg/'jupyter_server_config.json', json.dumps({'ServerApp': {'jpserver_extensions': {
        'nbgrader.server_extensions.formgrader': True, 'nbgrader.server_extensions.assignment_list': False}}}, indent=1))
    write(fg/'labconfig'/'page_config.json', json.dumps({'disabledExtensions': {}}, indent=1))


def closed_to_others(path:Path)->list:
    "The folders on the way to `path` (itself included) that other users cannot enter: no execute bit for others"
    path = Path(path).resolve()
    return [str(p) for p in [*reversed(path.parents), path] if p.is_dir() and not p.stat().st_mode & 0o001]


def main(roster_path, hub):
    if os.geteuid() != 0: sys.exit("hub/setup_class.py makes accounts and folders owned by them: run it as root (make hub).")
    closed = closed_to_others(sys.prefix)
    if closed:
        sys.exit(f"The students' and instructors' servers run the course's packages from {sys.prefix}, but other users "
                 f"cannot enter {', '.join(closed)}. Let them pass through (`chmod o+x {' '.join(closed)}`: no listing, "
                 f"only passing), or clone and install the course (make install) under a folder everyone can enter, "
                 f"such as /opt or /srv, then run make hub again.")
    hub = Path(hub).resolve()
    roster = read_roster(roster_path)
    instructors = roster_instructors(roster)
    if not instructors: sys.exit(f"{roster_path} has no instructor: the formgrader service runs as the first one.")
    for c in add_accounts(roster): print(' '.join(c))
    hub.mkdir(parents=True, exist_ok=True)
    hub.chmod(0o755)
    class_files(hub)
    class_venv(hub)
    ex = hub/'exchange'
    ex.mkdir(exist_ok=True)
    ex.chmod(0o777)                      # nbgrader's docs: "chmod ugo+rw"; it sets inbound/outbound/feedback itself
    course(hub, instructors[0]['username'])
    (hub/'hub').mkdir(mode=0o700, exist_ok=True)
    # The repository itself holds solutions/ and the one-machine gradebook: keep students out of it
    for d in ('solutions', 'grader', 'tests'):
        if (REPO/d).exists(): (REPO/d).chmod((REPO/d).stat().st_mode & ~0o007)
    print(f"Class ready in {hub}: {len(roster)} accounts, course {COURSE_ID}, exchange {ex}")


if __name__ == '__main__':
    main(*sys.argv[1:3])
