"""An instructor's own grade for one answer, and a learner's extra time and attempts on a quiz."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from courseware import signals
from courseware.accounts.audit import record
from courseware.accounts.models import User
from courseware.db import db
from courseware.quizzes.attempts import total
from courseware.quizzes.models import Answer, Quiz, QuizOverride
from courseware.timeutil import utcnow


def grade_manually(
    answer: Answer, points: float, comment: str, grader: User, now: dt.datetime | None = None
) -> None:
    """Give an answer points out of its question's points, total the attempt again and audit it.

    The caller checks that 0 <= points <= answer.points and commits."""
    now = now or utcnow()
    before = answer.final_fraction
    answer.manual_fraction = points / answer.points if answer.points else 0.0
    answer.comment = comment or None
    answer.graded_by_id, answer.graded_at = grader.id, now
    total(answer.attempt)
    signals.attempt_graded.send(answer.attempt, now=now)
    record(
        "quiz.grade",
        f"attempt:{answer.attempt_id}",
        {
            "question": answer.question.name,
            "before": before,
            "after": answer.manual_fraction,
            "comment": comment,
        },
    )


def set_override(
    quiz: Quiz, user: User, minutes: int, attempts: int, by: User, now: dt.datetime
) -> QuizOverride:
    """Give one learner extra minutes and extra attempts on a quiz, replacing any given before."""
    override = db.session.scalar(
        sa.select(QuizOverride).where(
            QuizOverride.quiz_id == quiz.id, QuizOverride.user_id == user.id
        )
    )
    if override is None:
        override = QuizOverride(quiz_id=quiz.id, user_id=user.id)
        db.session.add(override)
    override.extra_minutes, override.extra_attempts = minutes, attempts
    override.set_by_id, override.set_at = by.id, now
    record(
        "quiz.override",
        f"quiz:{quiz.slug}",
        {"user": user.username, "extra_minutes": minutes, "extra_attempts": attempts},
    )
    return override
