"""Question banks in and out: import a GIFT or YAML file into a course, export a quiz's questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import sqlalchemy as sa

from courseware.content.files import Problem
from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes.files import parse_bank_yaml
from courseware.quizzes.gift import decode_gift, gift_unsupported, parse_gift, write_gift
from courseware.quizzes.models import QuestionRecord, Quiz
from courseware.quizzes.questions import make_names_unique, Question
from courseware.quizzes.sync import upsert_questions
from courseware.quizzes.yaml_io import write_bank_yaml


def read_bank(data: bytes, filename: str, shown: str) -> tuple[list[Question], list[Problem]]:
    """Parse an uploaded or named bank file; every problem named by line, nothing half-read."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".gift", ".txt"):
        text, problems = decode_gift(data, shown)
        if problems:
            return [], problems
        questions, problems = parse_gift(text, shown)
        make_names_unique(questions)
    elif suffix in (".yaml", ".yml"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [Problem(shown, 1, "the file must be saved as UTF-8")]
        questions, problems = parse_bank_yaml(text, shown)
    else:
        return [], [Problem(shown, 1, "a question file ends in .gift or .yaml")]
    if problems:
        return [], problems
    names = {}
    for question in questions:
        if question.name in names:
            problems.append(
                Problem(shown, 1, f"question name {question.name} is used twice in this file")
            )
        names[question.name] = question
    if not questions and not problems:
        problems.append(Problem(shown, 1, "the file holds no questions"))
    return (questions, []) if not problems else ([], problems)


def import_questions(course: Course, questions: list[Question]) -> list[str]:
    """Add the questions to the course's bank, updating those of the same name; the caller commits."""
    for question in questions:
        question.category = question.category or "imported"
    changes: list[str] = []
    upsert_questions(course.id, questions, archive_missing=False, changes=changes)
    return changes


@dataclass(frozen=True)
class Imported:
    """Where one imported question went: its record, its category, and what the import did."""

    name: str
    record_id: int
    category: str
    status: str  # "new", "updated" or "unchanged"


def import_with_report(course: Course, questions: list[Question]) -> list[Imported]:
    """Import the questions (import_questions) and say where each one went; the caller commits."""
    before = {
        name: (content_hash, archived is None)
        for name, content_hash, archived in db.session.execute(
            sa.select(
                QuestionRecord.name, QuestionRecord.content_hash, QuestionRecord.archived_at
            ).where(QuestionRecord.course_id == course.id)
        )
    }
    import_questions(course, questions)
    db.session.flush()
    ids = dict(
        db.session.execute(
            sa.select(QuestionRecord.name, QuestionRecord.id).where(
                QuestionRecord.course_id == course.id
            )
        ).all()
    )
    report = []
    for question in questions:
        old = before.get(question.name)
        status = (
            "new"
            if old is None
            else "unchanged"
            if old == (question.content_hash, True)
            else "updated"
        )
        report.append(Imported(question.name, ids[question.name], question.category, status))
    return report


def find_quiz(slug: str, course_slug: str | None) -> Quiz | None:
    query = sa.select(Quiz).join(Course, Course.id == Quiz.course_id).where(Quiz.slug == slug)
    if course_slug:
        query = query.where(Course.slug == course_slug)
    found = list(db.session.scalars(query))
    return found[0] if len(found) == 1 else None


def quiz_questions(quiz: Quiz) -> list[Question]:
    """Every question a quiz may show: its own and all of each category it draws from."""
    records = {
        r.name: r
        for r in db.session.scalars(
            sa.select(QuestionRecord).where(
                QuestionRecord.course_id == quiz.course_id, QuestionRecord.archived_at.is_(None)
            )
        )
    }
    chosen: dict[str, Question] = {}
    for slot in quiz.slots:
        if "question" in slot and slot["question"] in records:
            chosen.setdefault(slot["question"], records[slot["question"]].question)
        elif "draw" in slot:
            for record in sorted(records.values(), key=lambda r: r.name):
                if record.category == slot["category"]:
                    chosen.setdefault(record.name, record.question)
    return list(chosen.values())


def export_quiz(quiz: Quiz, fmt: str) -> tuple[str, list[tuple[str, str]]]:
    """The quiz's questions as GIFT or YAML text, and the questions GIFT cannot express."""
    questions = quiz_questions(quiz)
    if fmt == "gift":
        skipped = [(q.name, why) for q in questions if (why := gift_unsupported(q))]
        return write_gift([q for q in questions if not gift_unsupported(q)]), skipped
    # A bank file has one category; a quiz's own questions have none, so they take the quiz's name.
    categories = {q.category for q in questions}
    category = (categories.pop() if len(categories) == 1 else "") or quiz.slug
    return write_bank_yaml(questions, category), []
