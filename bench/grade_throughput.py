"""Autograding throughput: `sotavision-grade autograde --jobs N` against `nbgrader autograde`, same submissions.

Builds two scratch courses from grader/nbgrader_config.py, releases ASSIGNMENT in each, submits the same
N_SUBMISSIONS notebooks (copies of the solution, alternating with the untouched release) to both, then
times `nbgrader autograde ASSIGNMENT` (one submission after another, as nbgrader does) in one course and
`sotavision-grade autograde ASSIGNMENT --jobs JOBS` in the other. Prints both times, the throughput
ratio, and whether the two gave the same total score to every student.

    .venv/bin/python bench/grade_throughput.py [ASSIGNMENT] [--n 20] [--jobs 2]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def course(root:Path, assignment:str, n:int)->Path:
    "A scratch course in `root` with `assignment` released and `n` submissions"
    root.mkdir(parents=True)
    shutil.copy(REPO/'grader'/'nbgrader_config.py', root)
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    subprocess.run([BIN/'sotavision-grade', f'--course-dir={root}', f'--source-dir={REPO/"solutions"}', 'release', assignment],
                   check=True, capture_output=True, env=env)
    for i in range(n):
        src = REPO/'solutions'/assignment if i % 2 == 0 else root/'release'/assignment
        shutil.copytree(src, root/'submitted'/f'student{i:02d}'/assignment)
    return root

def totals(root:Path, assignment:str)->dict:
    "student -> total score in the course's gradebook"
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root/'gradebook.db'}", 'sotavision') as gb:
        return {s.student.id: round(s.score, 6) for s in gb.assignment_submissions(assignment)}

def timed(cmd, cwd)->float:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    t = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=env)
    if r.returncode: sys.exit(f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return time.perf_counter() - t

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('assignment', nargs='?', default='03_losses')
    p.add_argument('--n', type=int, default=20)
    p.add_argument('--jobs', type=int, default=os.cpu_count())
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix='sotavision-bench-') as d:
        nbg, sv = course(Path(d)/'nbgrader', a.assignment, a.n), course(Path(d)/'sotavision', a.assignment, a.n)
        t_nbg = timed([BIN/'nbgrader', 'autograde', a.assignment, '--force'], nbg)
        t_sv = timed([BIN/'sotavision-grade', f'--course-dir={sv}', f'--source-dir={REPO/"solutions"}', 'autograde', a.assignment,
                      '--jobs', a.jobs], REPO)
        same = totals(nbg, a.assignment) == totals(sv, a.assignment)
        rows = [json.loads(f.read_text()) for f in (sv/'results'/a.assignment).glob('*.json')]
    nb_secs = sum(r['seconds'] for r in rows) / len(rows)
    cell_secs = sum(r.get('cell_seconds', 0.) for r in rows) / len(rows)
    print(f"{a.assignment}, {a.n} submissions, {os.cpu_count()} CPU cores")
    print(f"nbgrader autograde (serial):            {t_nbg:7.1f} s  {a.n / t_nbg:6.2f} submissions/s")
    print(f"sotavision-grade autograde --jobs {a.jobs}:    {t_sv:7.1f} s  {a.n / t_sv:6.2f} submissions/s")
    print(f"throughput ratio: {t_nbg / t_sv:.2f}x (target: at least 10x)")
    print(f"per submission, in its sandbox: {nb_secs:.2f} s, of which its cells ran {cell_secs:.2f} s (overhead {nb_secs - cell_secs:.2f} s); "
          f"beyond that, {t_sv * a.jobs / a.n - nb_secs:.2f} s of a slot's time (slot start, the solution's reference run, planning, saving)")
    print(f"same total score for every student: {same}")

if __name__ == '__main__': main()
