"""Domain events: each step a learner takes is announced, and a completed course once, to the ledger
and the certificates; content steps run in the order their packages registered them."""

import sqlalchemy as sa

from courseware import signals
from courseware.certificates.models import Certificate
from courseware.content.steps import steps
from courseware.db import db
from courseware.progress.models import CourseCompletion, CreditEntry
from tests.progress.test_completion import complete_lessons, IDEAL, pass_quiz, play_exercise


def test_steps_are_announced_and_a_completed_course_once(app, make_user, full_course):
    user_id = make_user(username="zhang")
    heard = []

    def graded(attempt, **kwargs):
        heard.append(("graded", attempt.user_id, attempt.passed))

    def finished(run, user_ids, **kwargs):
        heard.append(("finished", user_ids, run.status))

    def completed(completion, course, **kwargs):
        heard.append(("completed", completion.user_id, course.id == completion.course_id))

    with (
        signals.attempt_graded.connected_to(graded),
        signals.run_finished.connected_to(finished),
        signals.course_completed.connected_to(completed),
    ):
        complete_lessons(app, user_id)
        assert pass_quiz(app, user_id) is True
        assert heard == [("graded", user_id, True)]
        play_exercise(app, user_id, IDEAL)
        play_exercise(app, user_id, IDEAL)  # a second run cannot complete the course again
    # Progress hears a finished run before this test does, so the completion comes first.
    assert heard[1:] == [
        ("completed", user_id, True),
        ("finished", [user_id], "finished"),
        ("finished", [user_id], "finished"),
    ]
    with app.app_context():
        # The ledger and the certificates answered the one announcement.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)) == 1
        credits = db.session.scalars(sa.select(CreditEntry).where(CreditEntry.kind == "course"))
        assert [c.user_id for c in credits] == [user_id]
        certificates = db.session.scalars(sa.select(Certificate)).all()
        assert [c.user_id for c in certificates] == [user_id]


def test_content_steps_run_lessons_first(app):
    # Lessons first; the questions inside lessons are checked once the banks they name are read.
    with app.app_context():
        assert [step.name for step in steps()] == [
            "lessons",
            "quizzes",
            "exercises",
            "lesson-checks",
        ]
