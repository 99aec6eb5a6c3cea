"""Run lessons as a student's Run All does: a real Jupyter kernel (nbclient, as JupyterLab uses), tiny scale, offline.

    python tests/run_lessons.py                 # run every lesson, print each one's time, write nothing
    python tests/run_lessons.py --save          # ... and save the outputs into nbs/ (what `make outputs` does)
    python tests/run_lessons.py nbs/10_tta.ipynb

With `--save` the outputs are made fit to commit: no execution counts or timings (nbdev-clean), no machine
paths, plots as PNG. tests/test_lessons.py imports `run_lesson` and runs every lesson this way.
"""
import argparse, os, re, sys, tempfile, time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p for p in (ROOT/'nbs').glob('[0-9][0-9]_*.ipynb') if int(p.name[:2]) < 80)
CELL_TIMEOUT = 600   # seconds a cell may run before nbclient stops it; no tiny-scale cell comes near it


def lesson_env(scale='tiny'):
    "Environment of a student's kernel at `scale`; at tiny scale offline: any download fails at once instead of hanging"
    env = {k: v for k, v in os.environ.items() if k not in ('MPLBACKEND', 'SOTAVISION_SCALE', 'SOTAVISION_DATA')}
    env.update(SOTAVISION_SCALE=scale, PYTHONHASHSEED='0')
    if scale == 'tiny':
        dead = 'http://127.0.0.1:9'   # nothing listens there: offline, quickly
        for k in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'): env[k] = dead
        env['NO_PROXY'] = env['no_proxy'] = ''
    return env


def errors(nb):
    "Every error output of `nb`, as (cell index, 'Name: value') pairs"
    return [(i, f"{o.get('ename')}: {o.get('evalue')}") for i, c in enumerate(nb.cells) if c.cell_type == 'code'
            for o in c.get('outputs', []) if o.get('output_type') == 'error']


def run_lesson(path, scale='tiny', timeout=CELL_TIMEOUT):
    "Execute the notebook at `path` top to bottom in a fresh kernel, from its folder; (executed notebook, seconds)"
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', record_timing=False,
                            resources={'metadata': {'path': str(path.parent)}})
    t0 = time.perf_counter()
    try: client.execute(env=lesson_env(scale))   # the kernel's environment; this process's own is left alone
    except CellExecutionError as e:
        raise AssertionError(f"{path.name}: Run All stopped with an error ({scale} scale):\n{str(e)[-3000:]}") from None
    return nb, time.perf_counter() - t0


# Paths of this machine that must not land in committed outputs, longest first, with what replaces them.
def _path_subs():
    home = str(Path.home())
    return [(str(ROOT), '.'), (home, '~')] if home not in ('/', '') else [(str(ROOT), '.')]


# A scratch folder made by tempfile (`/tmp/tmpk2j3x9`, `/tmp/sotavision_qhlhok0c`): a new name every run.
SCRATCH = re.compile(re.escape(tempfile.gettempdir()) + r'/[\w.-]+')


def scrub(nb):
    "Replace machine paths in `nb`'s text outputs with paths relative to the course, scratch folders with `<scratch>` (in place); `nb`"
    subs = _path_subs()
    def fix(s):
        for a, b in subs: s = s.replace(a, b)
        return SCRATCH.sub('<scratch>', s)
    for c in nb.cells:
        for o in c.get('outputs', []):
            if 'text' in o: o['text'] = fix(''.join(o['text']))
            for k, v in o.get('data', {}).items():
                if k.startswith('text/') or k == 'application/javascript': o['data'][k] = fix(''.join(v))
            if o.get('output_type') == 'error': o['traceback'] = [fix(t) for t in o['traceback']]
    return nb


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('lessons', nargs='*', help='notebooks to run (default: every lesson in nbs/)')
    ap.add_argument('--save', action='store_true', help='save the outputs into the notebooks, cleaned for a commit')
    ap.add_argument('--scale', default='tiny', choices=['tiny', 'full'])
    args = ap.parse_args(argv)
    paths = [Path(p).resolve() for p in args.lessons] or LESSONS
    failed, total = [], 0.0
    for p in paths:
        print(f'{p.name:32s}', end=' ', flush=True)
        try: nb, secs = run_lesson(p, args.scale)
        except AssertionError as e:
            print('FAILED'); print(e); failed.append(p.name); continue
        total += secs
        print(f'{secs:6.1f} s')
        if args.save: nbformat.write(scrub(nb), p)
    if args.save and paths:
        import subprocess
        subprocess.run([str(Path(sys.executable).parent/'nbdev-clean'), *(['--fname', str(p)] if len(paths) == 1 else [])],
                       cwd=ROOT, check=True)
    print(f'{len(paths) - len(failed)} of {len(paths)} lessons ran without an error in {total:.0f} s')
    return 1 if failed else 0


if __name__ == '__main__': sys.exit(main())
