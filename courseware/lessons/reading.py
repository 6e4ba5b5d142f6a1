"""What a reader sees: courses, their lessons and the text in the reader's language."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort
from flask_babel import get_locale

from courseware.db import db
from courseware.lessons.models import Course, Lesson, LessonRevision


def active_courses() -> list[Course]:
    return list(db.session.scalars(sa.select(Course).where(Course.archived_at.is_(None)).order_by(Course.slug)))


def get_course(slug: str) -> Course:
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug, Course.archived_at.is_(None)))
    if course is None:
        abort(404)
    return course


def readable_lessons(course: Course) -> list[Lesson]:
    """Lessons a learner can open: not archived and published, in course order."""
    return [lesson for lesson in course.lessons if lesson.archived_at is None and lesson.published_revision_id]


def get_lesson(course: Course, slug: str) -> Lesson:
    lesson = db.session.scalar(
        sa.select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug, Lesson.archived_at.is_(None))
    )
    if lesson is None or lesson.published_revision_id is None:
        abort(404)
    return lesson


def language() -> str:
    return "en" if get_locale().language == "en" else "zh"


def text(pair: dict) -> str:
    """A {"zh", "en"} text in the reader's language, falling back to Chinese."""
    return (pair or {}).get(language()) or (pair or {}).get("zh", "")


@dataclass(frozen=True)
class LessonView:
    """A revision as shown to one reader."""

    title: str
    objectives: list
    html: str
    toc: str
    minutes: int
    language: str
    fallback: bool  # English was asked for but the lesson has no translation


def lesson_view(revision: LessonRevision) -> LessonView:
    wanted = language()
    if wanted == "en" and revision.has_english():
        return LessonView(revision.title_en, revision.objectives_en or [], revision.html_en or "",
                          revision.toc_en or "", revision.minutes, "en", False)
    return LessonView(revision.title_zh, revision.objectives_zh, revision.html_zh, revision.toc_zh,
                      revision.minutes, "zh", wanted == "en")


def lesson_title(revision: LessonRevision) -> str:
    return revision.title_en if language() == "en" and revision.title_en else revision.title_zh
