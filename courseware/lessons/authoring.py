"""Writing lessons in the browser: drafts, publishing, history, diffs and revert.

A save names the revision the author started from. When someone else saved since, the save is
refused, the author's text is kept as a "conflict" revision, and both texts are shown.
"""

import difflib
import re
from dataclasses import dataclass

import sqlalchemy as sa

from courseware.accounts import audit
from courseware.content.files import LessonSource
from courseware.courses.models import Course
from courseware.db import db
from courseware.lessons.export import lesson_file_text
from courseware.lessons.models import Lesson, LessonRevision
from courseware.lessons.revisions import add_revision, latest_revision, set_published, source_of


@dataclass
class SaveResult:
    revision: LessonRevision
    conflict_with: LessonRevision | None = None  # the newer revision someone else saved


def save_lesson(
    lesson: Lesson,
    source: LessonSource,
    *,
    author,
    base_id: int | None,
    publish: bool,
    note: str = "",
) -> SaveResult:
    """Save an edit as a draft or published revision, unless the edit started from a stale base."""
    latest = latest_revision(lesson)
    if latest is not None and latest.id != base_id:
        kept = add_revision(
            lesson,
            source,
            status="conflict",
            origin="browser",
            author=author,
            base=db.session.get(LessonRevision, base_id) if base_id else None,
            note=note or "refused: another save came first",
        )
        audit.record(
            "lesson.conflict",
            target=f"{lesson.course.slug}/{lesson.slug}",
            detail={"kept": kept.number},
        )
        return SaveResult(kept, conflict_with=latest)
    revision = add_revision(
        lesson,
        source,
        status="published" if publish else "draft",
        origin="browser",
        author=author,
        base=latest,
        note=note,
    )
    audit.record(
        "lesson.publish" if publish else "lesson.draft",
        target=f"{lesson.course.slug}/{lesson.slug}",
        detail={"revision": revision.number},
    )
    return SaveResult(revision)


def create_lesson(
    course: Course, slug: str, source: LessonSource, *, author, publish: bool
) -> Lesson:
    """Add a lesson written in the browser at the end of the course."""
    position = max((lesson.position for lesson in course.lessons), default=-1) + 1
    number = max((lesson.number for lesson in course.lessons), default=0) + 1
    lesson = Lesson(course=course, slug=slug, position=position, number=number)
    db.session.add(lesson)
    db.session.flush()
    save_lesson(
        lesson, source, author=author, base_id=None, publish=publish, note="created in the browser"
    )
    return lesson


def publish_revision(lesson: Lesson, revision: LessonRevision) -> None:
    """Make an existing draft the revision learners read."""
    set_published(lesson, revision)
    audit.record(
        "lesson.publish",
        target=f"{lesson.course.slug}/{lesson.slug}",
        detail={"revision": revision.number},
    )


def revert_to(lesson: Lesson, old: LessonRevision, *, author) -> LessonRevision:
    """Publish a copy of an old revision as the newest one; history is never rewritten."""
    source = source_of(old, lesson.slug, lesson.number)
    revision = add_revision(
        lesson,
        source,
        status="published",
        origin="revert",
        author=author,
        base=latest_revision(lesson),
        note=f"revert to revision {old.number}",
    )
    audit.record(
        "lesson.revert", target=f"{lesson.course.slug}/{lesson.slug}", detail={"to": old.number}
    )
    return revision


def note_text(revision: LessonRevision) -> str:
    """A revision's note; notes the system wrote are shown in the reader's language."""
    from flask_babel import gettext as _

    system = {
        "content sync": _("from the files (content sync)"),
        "created in the browser": _("created in the browser"),
        "refused: another save came first": _("refused: another save came first"),
    }
    if revision.note in system:
        return system[revision.note]
    match = re.fullmatch(r"revert to revision (\d+)", revision.note)
    if match:
        return _("copy of revision %(n)d", n=int(match.group(1)))
    return revision.note


def revisions_of(lesson: Lesson) -> list[LessonRevision]:
    return list(
        db.session.scalars(
            sa.select(LessonRevision)
            .where(LessonRevision.lesson_id == lesson.id)
            .order_by(LessonRevision.number.desc())
        )
    )


def revision_text(revision: LessonRevision) -> list[str]:
    """A revision as the lines a diff compares: both languages with their front matter."""
    source = source_of(revision, revision.lesson.slug, revision.lesson.number)
    text = lesson_file_text(source, "zh")
    if source.en:
        text += "\n\n" + lesson_file_text(source, "en")
    return text.splitlines()


def diff_lines(old: LessonRevision, new: LessonRevision) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs: kind is add, remove, context or header."""
    kinds = {"+": "add", "-": "remove", " ": "context", "@": "header"}
    lines = difflib.unified_diff(
        revision_text(old), revision_text(new), f"#{old.number}", f"#{new.number}", lineterm="", n=3
    )
    return [(kinds.get(line[:1], "header"), line) for line in lines][2:]
