# JupyterHub for a class of the sotavision course, on one machine (hub/README.md). `make hub` runs
# `jupyterhub -f hub/jupyterhub_config.py` as root after hub/setup_class.py prepared the machine.
# Settings come from the environment (make hub sets them):
#   SOTAVISION_HUB_ROOT      the class's folder (default /srv/sotavision)
#   SOTAVISION_HUB_ROSTER    the roster CSV (username,name,email,role,...): who may log in, who is an instructor
#   SOTAVISION_HUB_PORT      the port the Hub serves on (default 8000); SOTAVISION_HUB_IP (default 127.0.0.1)
#   SOTAVISION_HUB_PASSWORD  set: JupyterHub's DummyAuthenticator with this shared password (tests, a demo);
#                            unset: PAM, the machine's own passwords (or put an OAuthenticator here, see README)
#   SOTAVISION_HUB_API_TOKEN set: a service `sotavision-admin` with this token and the admin role (automation, tests)
import os, shutil, socket, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from sotavision.classroom import read_roster, roster_instructors, roster_students  # noqa: E402

c = get_config()  # noqa: F821
COURSE = 'sotavision'
HUB = Path(os.environ.get('SOTAVISION_HUB_ROOT', '/srv/sotavision'))
roster = read_roster(os.environ.get('SOTAVISION_HUB_ROSTER', REPO/'hub'/'roster.csv'))
students = [r['username'] for r in roster_students(roster)]
instructors = [r['username'] for r in roster_instructors(roster)]
PY = str(HUB/'venv'/'bin'/'python')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


c.JupyterHub.ip = os.environ.get('SOTAVISION_HUB_IP', '127.0.0.1')
c.JupyterHub.port = int(os.environ.get('SOTAVISION_HUB_PORT', '8000'))
c.JupyterHub.hub_port = free_port()
c.ConfigurableHTTPProxy.api_url = f'http://127.0.0.1:{free_port()}'
proxy = REPO/'.venv'/'hub-proxy'/'node_modules'/'.bin'/'configurable-http-proxy'
c.ConfigurableHTTPProxy.command = [str(proxy) if proxy.exists() else 'configurable-http-proxy']
c.JupyterHub.cookie_secret_file = str(HUB/'hub'/'jupyterhub_cookie_secret')
c.JupyterHub.db_url = f"sqlite:///{HUB/'hub'/'jupyterhub.sqlite'}"
c.JupyterHub.pid_file = str(HUB/'hub'/'jupyterhub.pid')

# Who logs in
if os.environ.get('SOTAVISION_HUB_PASSWORD'):
    c.JupyterHub.authenticator_class = 'dummy'
    c.DummyAuthenticator.password = os.environ['SOTAVISION_HUB_PASSWORD']
else:
    c.JupyterHub.authenticator_class = 'pam'
c.Authenticator.allowed_users = set(students + instructors)
c.Authenticator.admin_users = set(instructors)

# Each user's JupyterLab runs as their own Unix user, in their home, with the class's Python
c.JupyterHub.spawner_class = 'localprocess'
c.Spawner.cmd = [PY, '-m', 'jupyterhub.singleuser']
c.Spawner.default_url = '/lab'
c.Spawner.notebook_dir = '~'
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 90
c.Spawner.environment = {'PATH': f"{HUB/'venv'/'bin'}:/usr/local/bin:/usr/bin:/bin", 'SOTAVISION_DATA': str(HUB/'class'/'data')}


def lessons_at_home(spawner):
    "Each user gets their own copy of the lessons in ~/lessons the first time their server starts"
    import pwd
    user = pwd.getpwnam(spawner.user.name)
    dest = Path(user.pw_dir)/'lessons'
    if not dest.exists():
        shutil.copytree(HUB/'class'/'nbs', dest, ignore=shutil.ignore_patterns('*.yml', '*.css', '_*'))
        for d, dirs, files in os.walk(dest):
            os.chown(d, user.pw_uid, user.pw_gid)
            for f in files: os.chown(Path(d)/f, user.pw_uid, user.pw_gid)


c.Spawner.pre_spawn_hook = lessons_at_home

# nbgrader: the formgrader as a Hub-managed service, run as the first instructor in the course folder; the groups
# nbgrader reads the course from; only the instructors' group may reach the service.
FORMGRADER_PORT = free_port()
c.JupyterHub.services = [{
    'name': COURSE,
    'url': f'http://127.0.0.1:{FORMGRADER_PORT}',
    'command': [PY, '-m', 'jupyterhub.singleuser', f'--ServerApp.root_dir={HUB / "course"}'],
    'user': instructors[0],
    'cwd': str(HUB/'course'),
    'oauth_no_confirm': True,
    'environment': {'JUPYTERHUB_DEFAULT_URL': '/formgrader', 'PATH': f"{HUB/'venv'/'bin'}:/usr/local/bin:/usr/bin:/bin",
                    'JUPYTER_CONFIG_PATH': f"{HUB/'formgrader'}:{HUB/'course'}", 'SOTAVISION_DATA': str(HUB/'class'/'data'),
                    'HOME': str(HUB/'course')},
}]
c.JupyterHub.load_groups = {f'formgrade-{COURSE}': {'users': instructors}, f'nbgrader-{COURSE}': {'users': students}}
c.JupyterHub.load_roles = [
    {'name': f'formgrade-{COURSE}', 'groups': [f'formgrade-{COURSE}'],
     'scopes': [f'access:services!service={COURSE}', 'list:services', f'read:services!service={COURSE}']},
    {'name': f'nbgrader-{COURSE}', 'groups': [f'nbgrader-{COURSE}'], 'scopes': ['list:services', f'read:services!service={COURSE}']},
    {'name': 'server', 'scopes': ['inherit']},
]
if os.environ.get('SOTAVISION_HUB_API_TOKEN'):
    c.JupyterHub.services.append({'name': 'sotavision-admin', 'api_token': os.environ['SOTAVISION_HUB_API_TOKEN']})
    c.JupyterHub.load_roles.append({'name': 'admin', 'services': ['sotavision-admin']})
