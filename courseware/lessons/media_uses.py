"""What still shows an image of a course's media, so that deleting it never leaves a gap."""

from __future__ import annotations

import json

import sqlalchemy as sa

from courseware.courses.models import Course
from courseware.courses.outline import item_titles
from courseware.db import db
from courseware.lessons.models import Lesson, LessonRevision, RevisionStatus


def media_uses(course: Course, name: str) -> list:
    """ "cover", "pages" (the course's about and guide pages), and the title ({"zh", "en"}) of every
    lesson in the course whose published text or newest draft links to the image `name`.

    Older revisions do not count: they are history. Reverting to one that shows a deleted image
    leaves a gap, which the editor's sanitiser report names."""
    link = f"media/{name}"
    uses: list = []
    if course.cover == name:
        uses.append("cover")
    if link in json.dumps(course.pages or {}, ensure_ascii=False):
        uses.append("pages")
    newest = (
        sa.select(sa.func.max(LessonRevision.id))
        .where(LessonRevision.status != RevisionStatus.CONFLICT)
        .group_by(LessonRevision.lesson_id)
    )
    rows = db.session.execute(
        sa.select(Lesson.id, LessonRevision.title_zh, LessonRevision.title_en)
        .join(LessonRevision, LessonRevision.lesson_id == Lesson.id)
        .where(
            Lesson.course_id == course.id,
            Lesson.archived_at.is_(None),
            sa.or_(
                LessonRevision.id == Lesson.published_revision_id,
                LessonRevision.id.in_(newest),
            ),
            sa.or_(LessonRevision.body_zh.contains(link), LessonRevision.body_en.contains(link)),
        )
        .order_by(Lesson.position, LessonRevision.id.desc())
    )
    seen = set()
    for lesson_id, title_zh, title_en in rows:
        if lesson_id not in seen:
            seen.add(lesson_id)
            uses.append({"zh": title_zh, "en": title_en or title_zh})
    return uses


def item_exists(course: Course):
    """exists(kind, slug) for an outline's items: lessons of the course not taken out, and the
    quizzes and exercises their domains name."""
    found = {("lesson", lesson.slug) for lesson in course.lessons if lesson.archived_at is None}
    found |= set(item_titles(course))

    def exists(kind: str, slug: str) -> bool:
        return (kind, slug) in found

    return exists
