"""`content check` for the questions inside lessons: each `!!! check NAME` must name a question of
the course's bank that a computer grades, which the lessons' step alone cannot know (the quizzes
step reads the banks after it)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from courseware.content.files import Problem
from courseware.content.steps import ContentStep, SyncReport
from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes.models import QuestionRecord
from courseware.quizzes.types import question_type


def _graded(kind_name: str) -> bool:
    kind = question_type(kind_name)
    return kind is not None and kind.scored and not kind.manual


def _browser_questions(course_slug: str) -> dict[str, str]:
    """Questions written in the browser (not in the files): names and types, from the database
    when there is one to read."""
    try:
        rows = db.session.execute(
            sa.select(QuestionRecord.name, QuestionRecord.type)
            .join(Course, Course.id == QuestionRecord.course_id)
            .where(
                Course.slug == course_slug,
                QuestionRecord.file_hash.is_(None),
                QuestionRecord.archived_at.is_(None),
            )
        )
        return {name: kind for name, kind in rows}
    except sa.exc.SQLAlchemyError:  # no database yet: the files are all there is
        db.session.rollback()
        current_app.logger.info("content check: no database to read questions from")
        return {}


def check_lesson_checks(found: dict) -> tuple[None, list[Problem]]:
    """Name each check whose question the course does not have, or that no computer grades."""
    questions = {
        course.course: {q.name: q.type for q in course.questions}
        for course in found.get("quizzes") or []
    }
    problems = []
    for course in found.get("lessons") or []:
        refs = [ref for lesson in course.lessons for ref in lesson.check_refs]
        if not refs:
            continue
        known = {**_browser_questions(course.slug), **questions.get(course.slug, {})}
        for ref in refs:
            if ref.name not in known:
                problems.append(
                    Problem(
                        ref.path,
                        ref.line,
                        f"the check asks for question {ref.name}, which the course's bank "
                        f"(quizzes/{course.slug}/) does not have",
                    )
                )
            elif not _graded(known[ref.name]):
                problems.append(
                    Problem(
                        ref.path,
                        ref.line,
                        f"the check asks for question {ref.name}, of type {known[ref.name]}: "
                        "a check needs a question the computer grades",
                    )
                )
    return None, problems


def _count(_found) -> list[str]:
    return []


def _sync(_found, _report: SyncReport, _take_files: bool) -> None:
    """Nothing to write: lessons keep their checks with their revisions."""


CONTENT_STEP = ContentStep("lesson-checks", check_lesson_checks, _count, _sync)
