"""Writing lessons in the browser: new lessons placed in the outline, drafts, publishing, history,
readable diffs, revert, and taking a lesson out of its course.

A save names the revision the author started from. When someone else saved since, the save is
refused, the author's text is kept as a "conflict" revision (with the author's note), and both
texts are shown. Publishing a draft publishes that very revision; saving text that did not change
adds no revision.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from courseware.accounts import audit
from courseware.content.files import LessonSource
from courseware.content.textdiff import Block, diff_text
from courseware.courses import authoring as course_authoring
from courseware.courses import outline
from courseware.courses.models import Course
from courseware.db import db
from courseware.lessons.models import Lesson, LessonRevision, RevisionStatus
from courseware.lessons.outline import follow_outline
from courseware.lessons.revisions import (
    add_revision,
    course_changed,
    latest_revision,
    lock,
    set_published,
    source_of,
)
from courseware.timeutil import utcnow

CREATED_NOTE = "created in the browser"


@dataclass
class SaveResult:
    revision: LessonRevision
    conflict_with: LessonRevision | None = None  # the newer revision someone else saved
    unchanged: bool = False  # the text was the newest revision's: nothing was added


def save_lesson(
    lesson: Lesson,
    source: LessonSource,
    *,
    author,
    base_id: int | None,
    publish: bool,
    note: str = "",
) -> SaveResult:
    """Save an edit as a draft or published revision, unless the edit started from a stale base.

    Publishing text that is the newest draft's publishes that draft; saving the newest
    revision's text again adds nothing. Two saves sent at the same moment are made in turn, so
    the second finds the first and is kept as a conflict copy."""
    lock(lesson)
    latest = latest_revision(lesson)
    if latest is not None and latest.id != base_id:
        kept = add_revision(
            lesson,
            source,
            status=RevisionStatus.CONFLICT,
            origin="browser",
            author=author,
            base=db.session.get(LessonRevision, base_id) if base_id else None,
            note=note,
        )
        audit.record(
            "lesson.conflict",
            target=f"{lesson.course.slug}/{lesson.slug}",
            detail={"kept": kept.number},
        )
        return SaveResult(kept, conflict_with=latest)
    if latest is not None and latest.content_hash == source.content_hash:
        if publish and latest.is_draft:
            if note and not latest.note:
                latest.note = note[:255]
            publish_revision(lesson, latest)
            return SaveResult(latest)
        if not publish or lesson.published_revision_id == latest.id:
            return SaveResult(latest, unchanged=True)
    revision = add_revision(
        lesson,
        source,
        status=RevisionStatus.PUBLISHED if publish else RevisionStatus.DRAFT,
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
    course: Course,
    slug: str,
    source: LessonSource,
    *,
    author,
    publish: bool,
    note: str = "",
    after: tuple[str, str] | None = None,
    at_start: bool = False,
) -> Lesson:
    """Add a lesson written in the browser to the course's outline: after the item `after`, at
    the start, or (neither) at the end. Its first revision keeps the author's note."""
    number = max((lesson.number for lesson in course.lessons), default=0) + 1
    lesson = Lesson(course=course, slug=slug, position=len(course.items), number=number)
    db.session.add(lesson)
    db.session.flush()
    if after is not None or at_start:
        items = outline.insert(course.items, "lesson", slug, after)
    else:
        items = outline.append(course.items, "lesson", slug)
    course_authoring.save_outline(
        course, items, "lesson_added", author=author, note=slug, check_base=False
    )
    follow_outline(course)
    course_changed(course)
    save_lesson(
        lesson,
        source,
        author=author,
        base_id=None,
        publish=publish,
        note=note or CREATED_NOTE,
    )
    return lesson


def take_out(lesson: Lesson, *, author) -> None:
    """Take a lesson out of its course: archived, gone from the outline, its revisions and its
    learners' progress kept; it can be put back."""
    course = lesson.course
    lesson.archived_at = utcnow()
    if ("lesson", lesson.slug) in map(tuple, course.items):
        items = outline.remove(course.items, "lesson", lesson.slug)
        course_authoring.save_outline(
            course, items, "lesson_removed", author=author, note=lesson.slug, check_base=False
        )
    course_changed(course)
    audit.record("lesson.archive", target=f"{course.slug}/{lesson.slug}", detail={})


def lessons_linking_to(lesson: Lesson) -> list[LessonRevision]:
    """The published revisions of the course's other lessons that link to this one."""
    pattern = re.compile(rf"\]\(\s*<?(?:\./)?\d\d-{re.escape(lesson.slug)}(?:\.en)?\.md")
    found = []
    for other in lesson.course.lessons:
        revision = other.published
        if other.id == lesson.id or other.archived_at is not None or revision is None:
            continue
        if pattern.search(revision.body_zh) or pattern.search(revision.body_en or ""):
            found.append(revision)
    return found


def put_back(lesson: Lesson, *, author) -> None:
    """Put a lesson taken out back at the end of its course's outline."""
    course = lesson.course
    lesson.archived_at = None
    items = outline.append(course.items, "lesson", lesson.slug)
    course_authoring.save_outline(
        course, items, "lesson_restored", author=author, note=lesson.slug, check_base=False
    )
    follow_outline(course)
    course_changed(course)
    audit.record("lesson.restore", target=f"{course.slug}/{lesson.slug}", detail={})


def may_publish(lesson: Lesson, revision: LessonRevision) -> bool:
    """Only a draft newer than what learners read is published as it is; an older revision is
    reverted to (copied), so history reads forward."""
    published = lesson.published
    return revision.is_draft and (published is None or revision.number > published.number)


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
        status=RevisionStatus.PUBLISHED,
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
        CREATED_NOTE: _("created in the browser"),
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


@dataclass(frozen=True)
class FieldChange:
    """What changed in one field of one language between two revisions."""

    language: str  # zh | en
    field: str  # title | minutes | objectives | text
    blocks: list[Block]


def _fields(revision: LessonRevision) -> dict[tuple[str, str], str]:
    return {
        ("zh", "title"): revision.title_zh,
        ("zh", "minutes"): str(revision.minutes),
        ("zh", "objectives"): "\n".join(revision.objectives_zh or []),
        ("zh", "text"): revision.body_zh.rstrip("\n"),
        ("en", "title"): revision.title_en or "",
        ("en", "objectives"): "\n".join(revision.objectives_en or []),
        ("en", "text"): (revision.body_en or "").rstrip("\n"),
    }


def revision_changes(old: LessonRevision, new: LessonRevision) -> list[FieldChange]:
    """Every field that differs between two revisions, Chinese first, with its words marked."""
    before, after = _fields(old), _fields(new)
    changes = []
    for key in before:
        blocks = diff_text(before[key], after[key])
        if blocks:
            changes.append(FieldChange(key[0], key[1], blocks))
    return changes
