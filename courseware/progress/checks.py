"""Questions inside lessons (随堂测验): answering them in place, and what they hold back.

A lesson's text places bank questions with `!!! check NAME` (content/checks.py). A reader answers
each where it stands; the question's own type grades the answer (quizzes/grading.py), as in a quiz.

Rules, which reading (tracking.py) keeps too:
- a lesson with checks is completed only when every check is settled: answered (the lesson's
  check_tries is 0), or answered right (check_tries is N ≥ 1) with at most N tries in a visit —
  a reader who used them up reads the lesson again: the next visit gives N more;
- reading time after a check the reader has reached and not settled does not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from courseware.db import db
from courseware.lessons.models import Lesson
from courseware.progress.models import LessonCheckAnswer, LessonVisit
from courseware.quizzes.grading import feedback_for, grade_response
from courseware.quizzes.models import AnswerState, QuestionRecord
from courseware.quizzes.questions import Question
from courseware.quizzes.types import question_type
from courseware.timeutil import utcnow


class CheckNotFound(Exception):
    """No such check in the lesson, or its question is gone from the bank."""


@dataclass(frozen=True)
class Check:
    """One check of a lesson as a reader meets it: its place, its question and their answers."""

    index: int  # 1, 2, … in the lesson's order; the placeholder's id is check-<index>
    name: str
    record_id: int
    question: Question
    tries_rule: int  # the lesson's check_tries
    answer: LessonCheckAnswer | None

    @property
    def settled(self) -> bool:
        return is_settled(self.answer, self.tries_rule)

    @property
    def correct(self) -> bool:
        return bool(self.answer and self.answer.correct)

    def tries_left(self, visit_id: int | None) -> int | None:
        """Tries left in this visit; None when they are not counted (answering is enough)."""
        if not self.tries_rule:
            return None
        used = self.answer.tries if self.answer and self.answer.visit_id == visit_id else 0
        return max(0, self.tries_rule - used)

    def may_answer(self, visit_id: int | None) -> bool:
        """Whether the reader may answer (again): not once it is right, nor with no tries left."""
        if self.correct:
            return False
        left = self.tries_left(visit_id)
        return left is None or left > 0


def is_settled(answer: LessonCheckAnswer | None, tries_rule: int) -> bool:
    """A check counts as done: answered at all, or answered right when the lesson counts tries."""
    if answer is None:
        return False
    return answer.correct if tries_rule else answer.total_tries > 0


def unsettled(user_id: int, lesson_id: int, names: list[str], tries_rule: int) -> list[int]:
    """The positions (0-based) of the checks the learner has not settled, in order, in one query.

    A check whose question the bank no longer has (archived, renamed, or a type no computer
    grades) cannot be answered: it holds nobody back."""
    if not names:
        return []
    answer = aliased(LessonCheckAnswer)
    rows = db.session.execute(
        sa.select(QuestionRecord.name, QuestionRecord.type, answer)
        .join(Lesson, Lesson.course_id == QuestionRecord.course_id)
        .outerjoin(
            answer,
            sa.and_(
                answer.user_id == user_id,
                answer.lesson_id == lesson_id,
                answer.name == QuestionRecord.name,
            ),
        )
        .where(
            Lesson.id == lesson_id,
            QuestionRecord.name.in_(set(names)),
            QuestionRecord.archived_at.is_(None),
        )
    )
    askable = {name: row for name, kind, row in rows if _answerable(kind)}
    return [
        i
        for i, name in enumerate(names)
        if name in askable and not is_settled(askable[name], tries_rule)
    ]


def _answerable(kind_name: str) -> bool:
    kind = question_type(kind_name)
    return kind is not None and kind.scored and not kind.manual


def find_check(lesson: Lesson, index: int, user_id: int) -> Check:
    """The published revision's check at `index` (1-based), with the learner's answer to it."""
    revision = lesson.published
    names = list(revision.checks or []) if revision else []
    if not 1 <= index <= len(names):
        raise CheckNotFound(index)
    name = names[index - 1]
    record = db.session.scalar(
        sa.select(QuestionRecord).where(
            QuestionRecord.course_id == lesson.course_id,
            QuestionRecord.name == name,
            QuestionRecord.archived_at.is_(None),
        )
    )
    if record is None or not _answerable(record.type):
        raise CheckNotFound(name)
    answer = db.session.scalar(
        sa.select(LessonCheckAnswer).where(
            LessonCheckAnswer.user_id == user_id,
            LessonCheckAnswer.lesson_id == lesson.id,
            LessonCheckAnswer.name == name,
        )
    )
    return Check(index, name, record.id, record.question, revision.check_tries or 0, answer)


def own_visit(user_id: int, lesson_id: int, visit_id) -> int | None:
    """The visit the page says it is, if it is the learner's visit of this lesson; else None."""
    try:
        visit_id = int(visit_id)
    except (TypeError, ValueError):
        return None
    found = db.session.scalar(
        sa.select(LessonVisit.id).where(
            LessonVisit.id == visit_id,
            LessonVisit.user_id == user_id,
            LessonVisit.lesson_id == lesson_id,
        )
    )
    return found


@dataclass(frozen=True)
class Outcome:
    """What one answer to a check came to."""

    state: str  # AnswerState: correct, partial, wrong, unanswered
    counted: bool  # False: refused (no tries left, already right, or blank)
    feedback: list


def answer_check(
    user_id: int, lesson_id: int, check: Check, response, visit_id: int | None
) -> Outcome:
    """Grade a response to a check with its question's type and keep it; a blank response, or
    one past the tries the visit allows, changes nothing."""
    grade = grade_response(check.question, response)
    if grade.state == AnswerState.UNANSWERED or not check.may_answer(visit_id):
        return Outcome(grade.state, False, [])
    correct = grade.state == AnswerState.CORRECT
    now = utcnow()
    row = check.answer
    if row is None:
        row = LessonCheckAnswer(
            user_id=user_id,
            lesson_id=lesson_id,
            name=check.name,
            question_id=check.record_id,
            tries=0,
            total_tries=0,
            correct=False,
            first_answered_at=now,
        )
        db.session.add(row)
    if row.visit_id != visit_id:
        row.visit_id, row.tries = visit_id, 0
    row.question_id = check.record_id
    row.response = response
    row.tries += 1
    row.total_tries += 1
    row.correct = row.correct or correct
    row.answered_at = now
    db.session.flush()
    return Outcome(grade.state, True, feedback_for(check.question, response))
