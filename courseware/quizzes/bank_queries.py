"""What the question bank page asks: a course's questions found by text, type, category and
lesson; which quizzes use a question; how it performed."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from courseware.db import db
from courseware.quizzes import analysis, categories
from courseware.quizzes.models import Answer, Attempt, AttemptStatus, QuestionRecord, Quiz
from courseware.quizzes.questions import normalise_answer


@dataclass(frozen=True)
class BankFilter:
    """What the bank page shows: words to find, a type, a category (a tree node), a lesson."""

    words: str = ""
    type: str = ""
    category: str = ""
    lesson: str = ""
    archived: bool = False


def course_questions(course_id: int, archived: bool = False) -> list[QuestionRecord]:
    query = sa.select(QuestionRecord).where(QuestionRecord.course_id == course_id)
    query = query.where(
        QuestionRecord.archived_at.is_not(None)
        if archived
        else QuestionRecord.archived_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(QuestionRecord.position, QuestionRecord.name)))


def course_quizzes(course_id: int) -> list[Quiz]:
    return list(
        db.session.scalars(
            sa.select(Quiz)
            .where(Quiz.course_id == course_id, Quiz.archived_at.is_(None))
            .order_by(Quiz.slug)
        )
    )


def _searchable(record: QuestionRecord) -> str:
    """Every text of a question, for finding it by words in either language."""
    words: list[str] = [record.name]

    def walk(value):
        if isinstance(value, str):
            words.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    data = dict(record.data)
    data.pop("type", None)
    data.pop("format", None)
    walk(data)
    return normalise_answer(" ".join(words))


def uses(quiz: Quiz, record: QuestionRecord) -> bool:
    return any(
        slot.get("question") == record.name or slot.get("category") == record.category
        for slot in quiz.slots
    )


def find_questions(course_id: int, wanted: BankFilter) -> list[QuestionRecord]:
    """The course's questions that match every part of the filter, in the banks' order."""
    found = course_questions(course_id, wanted.archived)
    if wanted.type:
        found = [r for r in found if r.type == wanted.type]
    if wanted.category:
        found = [r for r in found if categories.under(wanted.category, r.category)]
    if wanted.lesson:
        quizzes = [q for q in course_quizzes(course_id) if q.lesson_slug == wanted.lesson]
        found = [r for r in found if any(uses(q, r) for q in quizzes)]
    words = normalise_answer(wanted.words).split()
    if words:
        found = [r for r in found if all(w in _searchable(r) for w in words)]
    return found


def category_counts(course_id: int) -> dict[str, int]:
    return dict(
        db.session.execute(
            sa.select(QuestionRecord.category, sa.func.count())
            .where(QuestionRecord.course_id == course_id, QuestionRecord.archived_at.is_(None))
            .group_by(QuestionRecord.category)
        ).all()
    )


@dataclass(frozen=True)
class Use:
    """A quiz that shows a question: as a fixed question, or in a random draw of its category."""

    quiz: Quiz
    fixed: bool
    draw: int = 0  # how many the draw takes from the category
    pool: int = 0  # how many questions the category holds


def usage(record: QuestionRecord) -> list[Use]:
    found = []
    pool = category_counts(record.course_id).get(record.category, 0)
    for quiz in course_quizzes(record.course_id):
        for slot in quiz.slots:
            if slot.get("question") == record.name:
                found.append(Use(quiz, True))
            elif slot.get("draw") and slot.get("category") == record.category:
                found.append(Use(quiz, False, slot["draw"], pool))
    return found


def question_stats(record: QuestionRecord) -> analysis.ItemStats | None:
    """Facility and discrimination over every handed-in attempt that showed the question, in
    every quiz; None before anyone answered it."""
    attempt_ids = sa.select(Answer.attempt_id).where(Answer.question_id == record.id)
    attempts = list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.id.in_(attempt_ids), Attempt.status == AttemptStatus.SUBMITTED)
            .options(selectinload(Attempt.answers).selectinload(Answer.question))
        )
    )
    if not attempts:
        return None
    return next((s for s in analysis.item_analysis(attempts) if s.name == record.name), None)
