"""A course's outline as the lessons see it: lessons follow the outline's order, and the author's
view of the outline names every item with its state."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from courseware.courses.models import Course
from courseware.courses.outline import item_titles
from courseware.db import db
from courseware.lessons.models import Lesson, LessonRevision, RevisionStatus


def follow_outline(course: Course) -> None:
    """Number the lessons' positions in the outline's order (pages and queries sort by them)."""
    order = [slug for kind, slug in course.items if kind == "lesson"]
    by_slug = {lesson.slug: lesson for lesson in course.lessons}
    for position, slug in enumerate(order):
        lesson = by_slug.get(slug)
        if lesson is not None and lesson.position != position:
            lesson.position = position


@dataclass(frozen=True)
class OutlineRow:
    """One item of the outline as its editor sees it."""

    kind: str  # lesson | quiz | exercise
    slug: str
    title: dict  # {"zh": …, "en": …}
    lesson: Lesson | None = None  # for a lesson
    published_number: int | None = None  # the number of the lesson's published revision

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.slug}"


def _lesson_titles(lessons: list[Lesson]) -> dict[int, tuple[dict, int | None]]:
    """Each lesson's title and published revision number, by lesson id: the published
    revision's title, else the newest draft's (conflict copies name nothing). Two queries of
    titles, none of the texts."""
    ids = [lesson.id for lesson in lessons]
    found: dict[int, tuple[dict, int | None]] = {}
    if not ids:
        return found
    published = db.session.execute(
        sa.select(
            Lesson.id, LessonRevision.title_zh, LessonRevision.title_en, LessonRevision.number
        )
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .where(Lesson.id.in_(ids))
    )
    for lesson_id, title_zh, title_en, number in published:
        found[lesson_id] = ({"zh": title_zh, "en": title_en or ""}, number)
    drafts = [lesson_id for lesson_id in ids if lesson_id not in found]
    if drafts:
        newest = db.session.execute(
            sa.select(LessonRevision.lesson_id, LessonRevision.title_zh, LessonRevision.title_en)
            .where(
                LessonRevision.lesson_id.in_(drafts),
                LessonRevision.status != RevisionStatus.CONFLICT,
            )
            .order_by(LessonRevision.lesson_id, LessonRevision.number)
        )
        for lesson_id, title_zh, title_en in newest:  # the last one of each lesson stays
            found[lesson_id] = ({"zh": title_zh, "en": title_en or ""}, None)
    return found


def outline_rows(course: Course) -> list[OutlineRow]:
    """The outline's items in order with their titles (a lesson never published is named by its
    newest draft)."""
    lessons = {lesson.slug: lesson for lesson in course.lessons if lesson.archived_at is None}
    lesson_titles = _lesson_titles(list(lessons.values()))
    titles = item_titles(course.id)
    rows = []
    for kind, slug in course.items:
        if kind == "lesson":
            lesson = lessons.get(slug)
            if lesson is None:
                continue
            title, number = lesson_titles.get(lesson.id, ({"zh": slug, "en": slug}, None))
            rows.append(OutlineRow(kind, slug, title, lesson, number))
        else:
            rows.append(OutlineRow(kind, slug, titles.get((kind, slug)) or {"zh": slug, "en": ""}))
    return rows


def archived_lessons(course: Course) -> list[Lesson]:
    """Lessons taken out of the course, which may be put back."""
    return [lesson for lesson in course.lessons if lesson.archived_at is not None]
