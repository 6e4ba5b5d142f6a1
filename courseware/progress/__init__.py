"""Progress: visits, per-lesson summaries, completion, classes' assignments and the 学时 ledger."""

from courseware import jobs, signals
from courseware.content import steps
from courseware.progress import check_files, classes, cli, completion, ledger, rechecks
from courseware.progress.models import CompletionRecheck


def init_app(app) -> None:
    """Check completion on every step a learner takes; credit 学时 for every completed course;
    give the demo class its courses; check the questions lessons ask against the banks (after
    the lessons' and quizzes' steps); recheck completions on the job queue."""
    signals.lesson_completed.connect(completion.on_lesson_completed)
    signals.attempt_graded.connect(completion.on_attempt_graded)
    signals.run_finished.connect(completion.on_run_finished)
    signals.course_completed.connect(ledger.on_course_completed)
    signals.demo_created.connect(classes.on_demo_created)
    steps.register_step(app, check_files.CONTENT_STEP)
    jobs.register(app, rechecks.KIND, model=CompletionRecheck, work=rechecks.run_recheck)
    app.cli.add_command(cli.credits_cli)
    # Pages show a course's 学时 as a completion is credited (by hand, or from its minutes).
    app.jinja_env.globals["course_hours"] = ledger.course_credit
    app.jinja_env.globals["minutes_hours"] = ledger.minutes_credit
