"""A course's outline as the lessons see it: lessons follow the outline's order, and the author's
view of the outline names every item with its state."""

from __future__ import annotations

from dataclasses import dataclass

from courseware.courses.models import Course
from courseware.courses.outline import item_titles
from courseware.lessons.models import Lesson


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

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.slug}"


def _lesson_title(lesson: Lesson, latest) -> dict:
    revision = lesson.published or latest
    if revision is None:
        return {"zh": lesson.slug, "en": lesson.slug}
    return {"zh": revision.title_zh, "en": revision.title_en or ""}


def outline_rows(course: Course, latest_of) -> list[OutlineRow]:
    """The outline's items in order with their titles; `latest_of(lesson)` gives a lesson's
    newest revision (a lesson never published is named by its draft)."""
    lessons = {lesson.slug: lesson for lesson in course.lessons if lesson.archived_at is None}
    titles = item_titles(course.id)
    rows = []
    for kind, slug in course.items:
        if kind == "lesson":
            lesson = lessons.get(slug)
            if lesson is None:
                continue
            rows.append(OutlineRow(kind, slug, _lesson_title(lesson, latest_of(lesson)), lesson))
        else:
            rows.append(OutlineRow(kind, slug, titles.get((kind, slug)) or {"zh": slug, "en": ""}))
    return rows


def archived_lessons(course: Course) -> list[Lesson]:
    """Lessons taken out of the course, which may be put back."""
    return [lesson for lesson in course.lessons if lesson.archived_at is not None]
