# nbgrader configuration of the sotavision course. nbgrader reads this file when it runs in this folder
# (`cd grader && nbgrader ...`, or formgrader in a Jupyter server started here); `sotavision-grade`
# reads it from `--course-dir` (default `grader`). See grader/README.md.
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, GetGrades

from sotavision.grading.preprocessors import HideHiddenTracebacks, ProtectStudentText, RemoveGraderCells, ScrubFeedbackOutputs

c = get_config()  # noqa: F821 (traitlets provides get_config)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "sotavision"
# The course root is this folder wherever the repository lives, so release/, submitted/,
# autograded/, feedback/ and gradebook.db always land next to this file.
c.CourseDirectory.root = here
# The instructor versions of the assignments (solutions and hidden tests) live outside the course
# folder, in the repository's solutions/; nbgrader resolves this against the root above.
c.CourseDirectory.source_directory = "../solutions"

# A one-machine exchange inside the course (git-ignored). With the default
# /usr/local/share/nbgrader/exchange missing, formgrader disables Release and Collect.
# `sotavision-grade` creates the folder when it is missing.
c.Exchange.root = os.path.join(here, "exchange")
# Where a student's fetched assignments go (JupyterLab's Assignments tab, `nbgrader fetch_assignment`)
# and where `nbgrader submit` takes them from, whatever the current folder: work/ beside this folder
# (git-ignored). nbgrader's default, the current folder, would put them in the repository's root.
c.Exchange.assignment_dir = os.path.join(here, "..", "work")

# Seconds a single cell may run while autograding. Every assignment runs in a few seconds on a
# 2-core CPU; the limit is there for student code that loops forever.
c.Execute.timeout = 30

# Feedback goes to students: remove hidden tests (nbgrader restores them into the autograded notebook)
# and any mark scheme from the feedback HTML, and shorten the tracebacks of hidden-test cells so that
# they show the failure message but not the hidden code around it. Marker-like text in a student's own
# cells stays plain text (ProtectStudentText), and of each code cell's outputs feedback keeps only the
# error name and message line, never printed output nor a line quoting a hidden test (ScrubFeedbackOutputs).
c.GenerateFeedback.preprocessors = [
    GetGrades,
    RemoveGraderCells,
    ProtectStudentText,
    HideHiddenTracebacks,
    ScrubFeedbackOutputs,
    ClearHiddenTests,
    ClearMarkScheme,
    CSSHTMLHeaderPreprocessor,
]

# Late work (sotavision-grade autograde): due dates per assignment and the late policy.
# 'none' (the default) takes nothing off; 'zero' takes everything off late work; 'per_day' takes
# late_penalty_per_day of the score per started day late, at most late_penalty_cap of it.
# A submission's time is the timestamp.txt that nbgrader's submit/collect write beside it.
# c.SotavisionGrade.due_dates = {"01_regex_labelling": "2026-12-04 23:59:00 Europe/Paris"}
# c.SotavisionGrade.late_policy = "per_day"
# c.SotavisionGrade.late_penalty_per_day = 0.1
# c.SotavisionGrade.late_penalty_cap = 0.5

# sotavision-grade check: the folder of wrong-answer fixtures, <folder>/<assignment>/<case>.py (relative to this
# folder; default: tests/wrong_answers beside the source folder). --fixtures-dir overrides it.
# c.SotavisionGrade.wrong_answers_dir = "../tests/wrong_answers"
