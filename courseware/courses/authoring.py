"""Changing a course in the browser: create it, edit its settings, change its outline, publish,
archive and restore it, add images to its media. Every change is audited and keeps a revision.

A save of the settings or of the whole outline names the revision the editor started from. When
someone else saved since, the save is refused, what the editor sent is kept as a "conflict"
revision, and the caller shows both. Changes that name their item (a new lesson after another,
a lesson taken out) apply to the course as it is now and are never refused.

The caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from courseware.accounts import audit
from courseware.content.files import course_settings, fingerprint
from courseware.courses.images import CleanImage
from courseware.courses.models import Course, CourseMedia, CourseRevision
from courseware.db import built_once, db
from courseware.timeutil import utcnow

SAVED, CONFLICT = "saved", "conflict"


@dataclass(frozen=True)
class CourseFields:
    """What the course form edits: texts as {"zh": …, "en": …}; the cover the course is to have
    (the name of one of its images), None for none."""

    title: dict
    summary: dict
    audience: dict
    credit_hours: float
    cover: str | None = None


@dataclass
class SaveResult:
    revision: CourseRevision
    conflict_with: CourseRevision | None = None  # the newer revision someone else saved


def settings_of(course: Course) -> dict:
    """The course's settings now, in the shape course.yaml gives them."""
    return course_settings(
        course.title,
        course.summary,
        course.audience,
        course.credit_hours,
        [list(item) for item in course.items],
        course.completion,
        course.cover,
        pages=course.pages,
        glossary=course.glossary,
    )


def edited_since_sync(course: Course) -> bool:
    """Whether the course's settings differ from what its files held at the last sync."""
    return course.file_hash is None or fingerprint(settings_of(course)) != course.file_hash


@built_once
def _newest_saved(*columns) -> sa.Select:
    """The newest saved revision of a course (conflict copies are nobody's), as `columns`."""
    return (
        sa.select(*columns)
        .where(
            CourseRevision.course_id == sa.bindparam("course_id"), CourseRevision.status == SAVED
        )
        .order_by(CourseRevision.number.desc())
        .limit(1)
    )


def latest_revision(course: Course) -> CourseRevision | None:
    """The newest saved revision: the base for the next change."""
    return db.session.scalar(_newest_saved(CourseRevision), {"course_id": course.id})


def latest_revision_id(course: Course) -> int | None:
    """The id of latest_revision(course), without loading its settings (the whole course's
    pages and glossary): the outline's move buttons need only the id."""
    return db.session.scalar(_newest_saved(CourseRevision.id), {"course_id": course.id})


def revisions_of(course: Course) -> list[CourseRevision]:
    """Every revision of a course, newest first."""
    return list(
        db.session.scalars(
            sa.select(CourseRevision)
            .where(CourseRevision.course_id == course.id)
            .order_by(CourseRevision.number.desc())
        )
    )


def add_revision(
    course: Course,
    change: str,
    *,
    source: str = "browser",
    status: str = SAVED,
    settings: dict | None = None,
    author=None,
    base: CourseRevision | None = None,
    note: str = "",
) -> CourseRevision:
    """Store the course's settings (or `settings`, for a conflict copy) as its next revision."""
    number = (
        db.session.scalar(
            sa.select(sa.func.max(CourseRevision.number)).where(
                CourseRevision.course_id == course.id
            )
        )
        or 0
    ) + 1
    revision = CourseRevision(
        course_id=course.id,
        number=number,
        status=status,
        source=source,
        settings=settings if settings is not None else settings_of(course),
        author=author,
        base_revision_id=base.id if base else None,
        change=change,
        note=(note or "")[:255],
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def apply_settings(course: Course, settings: dict) -> None:
    """Set a course's fields from a settings value (from the files or a revision)."""
    for key in ("title", "summary", "audience", "credit_hours", "items", "completion"):
        setattr(course, key, settings[key])
    course.cover = settings.get("cover")
    # Revisions kept before courses had pages and a glossary leave them as they are.
    if "pages" in settings:
        course.pages = settings["pages"]
    if "glossary" in settings:
        course.glossary = settings["glossary"]
    course.settings_hash = fingerprint(settings_of(course))
    course.updated_at = utcnow()


def _target(course: Course) -> str:
    return f"course:{course.slug}"


def _change(
    course: Course,
    settings: dict,
    change: str,
    *,
    author,
    base_id: int | None,
    note: str = "",
    check_base: bool = True,
) -> SaveResult:
    # Two saves of one course are made one after the other, the second seeing the first: an
    # update that changes nothing holds the row on PostgreSQL and takes SQLite's write lock
    # before anything is read.
    db.session.execute(sa.update(Course).where(Course.id == course.id).values(id=Course.id))
    latest = latest_revision(course)
    if (
        check_base
        and latest is not None
        and latest.id != base_id
        and settings != settings_of(course)
    ):
        kept = add_revision(
            course,
            change,
            status=CONFLICT,
            settings=settings,
            author=author,
            base=db.session.get(CourseRevision, base_id) if base_id else None,
            note=note,
        )
        audit.record("course.conflict", target=_target(course), detail={"kept": kept.number})
        return SaveResult(kept, conflict_with=latest)
    if latest is not None and settings == settings_of(course):
        return SaveResult(latest)  # nothing changed: no revision, nothing to refuse
    apply_settings(course, settings)
    revision = add_revision(course, change, author=author, base=latest, note=note)
    detail = {"revision": revision.number, "change": change}
    if change == "settings":
        audit.record("course.update", target=_target(course), detail=detail)
    else:
        audit.record("course.outline", target=_target(course), detail=detail)
    return SaveResult(revision)


def create_course(
    slug: str,
    fields: CourseFields,
    *,
    author,
    note: str = "",
    cover: tuple[CleanImage, str] | None = None,
) -> Course:
    """A new course with no items yet, its creator among its editors, not yet in the catalogue;
    `cover` is a checked image and its media name."""
    course = Course(
        slug=slug,
        title=fields.title,
        summary=fields.summary,
        audience=fields.audience,
        credit_hours=fields.credit_hours,
        items=[],
        completion={"lessons": "all"},
        cover=None,
        settings_hash="",
        file_hash=None,
        published_at=None,
    )
    db.session.add(course)
    if author is not None:
        course.editors.append(author)
    db.session.flush()
    if cover is not None:
        course.cover = add_image(course, *cover, author=author).name
    course.settings_hash = fingerprint(settings_of(course))
    revision = add_revision(course, "create", author=author, note=note)
    audit.record("course.create", target=_target(course), detail={"revision": revision.number})
    return course


def save_settings(
    course: Course, fields: CourseFields, *, author, base_id: int | None, note: str = ""
) -> SaveResult:
    """Save the course form, unless it started from a stale revision."""
    settings = settings_of(course) | {
        "title": fields.title,
        "summary": fields.summary,
        "audience": fields.audience,
        "credit_hours": fields.credit_hours,
    }
    settings.pop("cover", None)
    if fields.cover:
        settings["cover"] = fields.cover
    return _change(course, settings, "settings", author=author, base_id=base_id, note=note)


def save_outline(
    course: Course,
    items: list,
    change: str,
    *,
    author,
    base_id: int | None = None,
    note: str = "",
    check_base: bool = True,
) -> SaveResult:
    """Store a new outline (a move, a new order, an item added or taken out)."""
    settings = settings_of(course) | {"items": [list(item) for item in items]}
    return _change(
        course, settings, change, author=author, base_id=base_id, note=note, check_base=check_base
    )


def set_published(course: Course, published: bool, *, author) -> None:
    """Show the course in the catalogue, or take it out while it is reworked."""
    course.published_at = utcnow() if published else None
    course.updated_at = utcnow()
    add_revision(course, "publish" if published else "unpublish", author=author)
    audit.record(
        "course.publish" if published else "course.unpublish", target=_target(course), detail={}
    )


def set_archived(course: Course, archived: bool, *, author) -> None:
    """Archive a course (gone from every list, its records kept) or bring it back."""
    course.archived_at = utcnow() if archived else None
    course.updated_at = utcnow()
    add_revision(course, "archive" if archived else "restore", author=author)
    audit.record(
        "course.archive" if archived else "course.restore", target=_target(course), detail={}
    )


# --- media ------------------------------------------------------------------------------------


@built_once
def _media_of_course():
    return (
        sa.select(CourseMedia)
        .where(CourseMedia.course_id == sa.bindparam("course_id"))
        .order_by(CourseMedia.created_at.desc(), CourseMedia.id.desc())
    )


def media_of(course: Course) -> list[CourseMedia]:
    """The course's images, newest first (without their bytes)."""
    return list(db.session.scalars(_media_of_course(), {"course_id": course.id}))


@built_once
def _media_names_of_course():
    return _media_of_course().with_only_columns(CourseMedia.name)


def media_names_of(course: Course) -> list[sa.Row]:
    """The course's images as the lesson editors list them, newest first: rows of their names
    alone (images as ORM objects were a tenth of an editor's page)."""
    return db.session.execute(_media_names_of_course(), {"course_id": course.id}).all()


def find_media(course: Course, name: str) -> CourseMedia | None:
    return db.session.scalar(
        sa.select(CourseMedia).where(CourseMedia.course_id == course.id, CourseMedia.name == name)
    )


def remove_media(course: Course, media: CourseMedia, *, author) -> None:
    """Delete an image from the course's media (the caller has made sure nothing shows it)."""
    db.session.delete(media)
    course.updated_at = utcnow()
    audit.record(
        "course.media_delete",
        target=_target(course),
        detail={"name": media.name, "sha256": media.sha256},
    )


def add_image(course: Course, image: CleanImage, name: str, *, author) -> CourseMedia:
    """Store a checked image in the course's media; the same picture sent twice is stored once."""
    same = db.session.scalar(
        sa.select(CourseMedia).where(
            CourseMedia.course_id == course.id, CourseMedia.sha256 == image.sha256
        )
    )
    if same is not None:
        return same
    media = CourseMedia(
        course_id=course.id,
        name=name,
        content_type=image.content_type,
        data=image.data,
        size=len(image.data),
        sha256=image.sha256,
        width=image.width,
        height=image.height,
        source="browser",
        uploaded_by_id=author.id if author is not None else None,
    )
    db.session.add(media)
    db.session.flush()
    audit.record(
        "course.media",
        target=_target(course),
        detail={"name": name, "bytes": media.size, "sha256": image.sha256},
    )
    return media


def revert_to(
    course: Course,
    revision: CourseRevision,
    *,
    author,
    base_id: int | None,
    exists: Callable[[str, str], bool],
) -> SaveResult:
    """Make an earlier revision's settings and outline the course's again, as a new revision.

    Items of the outline that no longer exist (`exists(kind, slug)` says), and a cover image since
    deleted, are left out, so a revert never points the course at something missing. Refused like
    any stale save when someone saved after the page was loaded."""
    settings = dict(revision.settings)
    settings["items"] = [[kind, slug] for kind, slug in settings["items"] if exists(kind, slug)]
    if settings.get("cover") and find_media(course, settings["cover"]) is None:
        settings["cover"] = None
    return _change(
        course,
        settings,
        "revert",
        author=author,
        base_id=base_id,
        note=f"#{revision.number}",
    )
