"""A course's outline as the lessons see it: lessons follow the outline's order, and the author's
view of the outline names every item with its state."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from courseware.courses.models import Course
from courseware.courses.outline import item_titles
from courseware.db import built_once, db
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
    published_number: int | None = None  # the revision learners read; None: not published

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.slug}"


@built_once
def _revision_titles():
    return (
        sa.select(
            LessonRevision.id,
            LessonRevision.lesson_id,
            LessonRevision.title_zh,
            LessonRevision.title_en,
            LessonRevision.number,
        )
        .where(
            LessonRevision.lesson_id.in_(sa.bindparam("lesson_ids", expanding=True)),
            LessonRevision.status != RevisionStatus.CONFLICT,
        )
        .order_by(LessonRevision.number)
    )


def _lesson_titles(lessons: list[Lesson]) -> dict[int, tuple[dict, int | None]]:
    """Each lesson's title (from its published revision, else its newest draft) and the number of
    its published revision, read in one query of the revisions' short columns: loading whole
    revisions, with their texts and HTML, cost more than the rest of an outline page."""
    found: dict[int, tuple[dict, int | None]] = {}
    if not lessons:
        return found
    published = {lesson.published_revision_id for lesson in lessons}
    rows = db.session.execute(_revision_titles(), {"lesson_ids": [lesson.id for lesson in lessons]})
    for revision_id, lesson_id, title_zh, title_en, number in rows:
        if lesson_id in found and found[lesson_id][1] is not None:
            continue  # the published revision names the lesson
        title = {"zh": title_zh, "en": title_en or ""}
        found[lesson_id] = (title, number if revision_id in published else None)
    return found


def outline_rows(course: Course) -> list[OutlineRow]:
    """The outline's items in order with their titles (a lesson never published is named by its
    newest draft)."""
    lessons = {lesson.slug: lesson for lesson in course.lessons if lesson.archived_at is None}
    heads = _lesson_titles(list(lessons.values()))
    titles = item_titles(course)
    rows = []
    for kind, slug in course.items:
        if kind == "lesson":
            lesson = lessons.get(slug)
            if lesson is None:
                continue
            title, number = heads.get(lesson.id, ({"zh": slug, "en": slug}, None))
            rows.append(OutlineRow(kind, slug, title, lesson, number))
        else:
            rows.append(OutlineRow(kind, slug, titles.get((kind, slug)) or {"zh": slug, "en": ""}))
    return rows


def archived_lessons(course: Course) -> list[Lesson]:
    """Lessons taken out of the course, which may be put back."""
    return [lesson for lesson in course.lessons if lesson.archived_at is not None]
