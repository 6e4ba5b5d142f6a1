"""Which quiz records a teacher may read and act on, built from courseware.permissions."""

from __future__ import annotations

from courseware import permissions
from courseware.quizzes.models import Answer, Attempt, Quiz


def may_grade(user, answer: Answer) -> bool:
    """The user may grade this answer: they may see the learner who gave it."""
    return permissions.may_see_learner(user, answer.attempt.user_id)


def may_regrade(user, quiz: Quiz) -> bool:
    """Regrading touches every class's answers: only those who edit the quiz's course may."""
    return permissions.edits_course(user, quiz.course)


def visible_attempts(user, attempts: list[Attempt]) -> list[Attempt]:
    """The attempts of learners the user may see: an instructor's classes, an administrator's units."""
    visible = permissions.visible_learner_set(user)
    if visible is None:
        return attempts
    return [attempt for attempt in attempts if attempt.user_id in visible]
