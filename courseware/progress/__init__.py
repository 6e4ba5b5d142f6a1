"""Progress: visits, per-lesson summaries, completion, classes' assignments and the 学时 ledger."""

from courseware import signals
from courseware.progress import classes, completion, ledger


def init_app(app) -> None:
    """Check completion on every step a learner takes; credit 学时 for every completed course;
    give the demo class its courses."""
    signals.lesson_completed.connect(completion.on_lesson_completed)
    signals.attempt_graded.connect(completion.on_attempt_graded)
    signals.run_finished.connect(completion.on_run_finished)
    signals.course_completed.connect(ledger.on_course_completed)
    signals.demo_created.connect(classes.on_demo_created)
