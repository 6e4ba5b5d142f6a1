"""The course: settings synced from lessons/<slug>/course.yaml or written in the browser, its ordered
outline of items, its revisions and its media (images)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware import caching
from courseware.accounts.models import User
from courseware.db import db
from courseware.timeutil import utcnow

# Who may change a course's content in the browser besides the province's administrators: its
# editors (instructors, usually), assigned by an administrator.
course_editor = sa.Table(
    "course_editor",
    db.metadata,
    sa.Column("course_id", sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


@dataclass(frozen=True)
class CourseContent:
    """A course's pages and glossary, as read from its row (never changed in place)."""

    pages: dict
    glossary: list


# Courses' pages and glossaries by course id and settings hash, per process. The pages are large
# (an introduction and an instructor's guide in two languages: some 80 KB of JSON for the first
# course), so the columns are deferred and most pages that show a course never read them. Rule 1
# of courseware/caching.py: settings_hash is the fingerprint of the settings, pages and glossary
# included, and apply_settings() (their only writer) sets it with them.
_CONTENT = caching.Cache("course_content", max_size=256)


class Course(db.Model):
    """A course (课程) such as 微博与领导工作, synced from lessons/<slug>/course.yaml or created in
    the browser.

    Its lessons, quizzes and exercises point at it; `course.lessons` is declared by the lesson.
    `items` is the outline learners follow: every lesson not archived is in it, and the catalogue
    counts exactly the lessons it lists.
    """

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # {"zh": ..., "en": ...} for title, summary and audience.
    title: Mapped[dict] = mapped_column(sa.JSON)
    summary: Mapped[dict] = mapped_column(sa.JSON)
    audience: Mapped[dict] = mapped_column(sa.JSON)
    credit_hours: Mapped[float]  # 学时 credited on completion
    # True: the 学时 come from the lessons' minutes by the COURSE_CREDIT rule, not credit_hours.
    credit_from_minutes: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Ordered [kind, slug] pairs: lessons, quizzes and exercises.
    items: Mapped[list] = mapped_column(sa.JSON)
    completion: Mapped[dict] = mapped_column(sa.JSON)
    # The course's pages from intro.md and guide.md: {"intro": {"zh": …, "en": …}, "guide": …}.
    # The guide (教学指导) is for those who teach the course, never for its learners.
    pages: Mapped[dict] = mapped_column(
        sa.JSON, default=dict, deferred=True, deferred_group="content"
    )
    # The glossary (术语表) from glossary.yaml: [{"zh", "en", "note": {"zh", "en"}, "avoid"}].
    glossary: Mapped[list] = mapped_column(
        sa.JSON, default=list, deferred=True, deferred_group="content"
    )
    # The name of an image in the course's media shown with it in the catalogue (封面), if any.
    cover: Mapped[str | None] = mapped_column(sa.String(120))
    settings_hash: Mapped[str] = mapped_column(sa.String(64))
    # Fingerprint of course.yaml at the last sync; None for a course written in the browser (or
    # gone from the files). Settings that differ from it were changed in the browser since.
    file_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # A course created in the browser stays out of the catalogue until its editors publish it.
    published_at: Mapped[dt.datetime | None]
    archived_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    editors: Mapped[list[User]] = relationship(secondary=course_editor, order_by="User.username")

    @property
    def content(self) -> CourseContent:
        """The pages and glossary, from the per-process cache when this process has read them for
        the same settings hash; else read from the row (one query, both columns)."""

        def read() -> CourseContent:
            return CourseContent(self.pages or {}, self.glossary or [])

        if not self.settings_hash or self.id is None:
            return read()
        return _CONTENT.get_or_build((self.id, self.settings_hash), read)

    def item_slugs(self, kind: str) -> list[str]:
        """The slugs of the outline's items of one kind ("lesson", "quiz", "exercise"), in order."""
        return [slug for item_kind, slug in self.items if item_kind == kind]


class CourseRevision(db.Model):
    """A saved state of a course's settings and outline: every change made in the browser or by a
    sync adds one; a save refused because someone else saved first is kept as a conflict copy."""

    __tablename__ = "course_revision"
    __table_args__ = (sa.UniqueConstraint("course_id", "number", name="uq_course_revision_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]  # 1, 2, 3 … within the course
    status: Mapped[str] = mapped_column(sa.String(16))  # saved | conflict
    source: Mapped[str] = mapped_column(sa.String(16))  # file | browser
    # The course's settings as course.yaml holds them (title … completion, cover).
    settings: Mapped[dict] = mapped_column(sa.JSON)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    base_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_revision.id", ondelete="SET NULL")
    )
    # What the change was, as a code the history page words in the reader's language.
    change: Mapped[str] = mapped_column(sa.String(32), default="")
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class CourseMedia(db.Model):
    """An image in a course's media folder (lessons/<course>/media/NAME), kept in the database so
    that every app server serves it and an export writes it back byte for byte."""

    __tablename__ = "course_media"
    __table_args__ = (sa.UniqueConstraint("course_id", "name", name="uq_course_media_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    content_type: Mapped[str] = mapped_column(sa.String(32))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    source: Mapped[str] = mapped_column(sa.String(16))  # file | browser
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --- the course version --------------------------------------------------------------------------

# `course.updated_at` is the course's version: it changes whenever the course's settings or any of
# its lessons, quizzes, questions or exercises change, in the same transaction. Pages keep what
# they read of a course's content per process under (course id, version) (rule 1 of
# courseware/caching.py), and every request reads the course's row, so a change counts on every
# worker at once.
#
# The models of that content set `changes_course_version = True` (and have a course_id): the
# session bumps the version whenever it writes one of them, so no writer has to remember to; a
# Core statement that writes them calls new_course_version itself.


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _bump_course_versions(session, flush_context, instances) -> None:
    changed = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not getattr(obj, "changes_course_version", False):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        changed.add(_course_id_of(obj))
    changed.discard(None)
    with session.no_autoflush:
        for course_id in changed:
            new_course_version(session, course_id)


def new_course_version(session, course_id: int) -> None:
    """Give the course a new version, for a change the session's flush does not see (a Core
    statement that writes its content)."""
    course = session.get(Course, course_id)
    if course is not None:
        # Always a new value, even when the clock has not moved since the last one.
        now = utcnow()
        last = course.updated_at or now
        course.updated_at = max(now, last + dt.timedelta(microseconds=1))


def _course_id_of(obj) -> int | None:
    """The course of a content row, also when it was given its course as an object not yet
    flushed (quiz.course = course)."""
    if obj.course_id is not None:
        return obj.course_id
    if "course" not in sa.inspect(obj).unloaded and getattr(obj, "course", None) is not None:
        return obj.course.id
    return None


def learner_rows_in_course(columns, rows: sa.Table, items: sa.Table, item_key: str) -> sa.Select:
    """A statement for one learner's rows (`user_id`) about a course's items (`course_id`): their
    progress in its lessons, their attempts at its quizzes. By the course, not by a list of the
    items: a list of values is rendered again on every execution, which took twice as long as
    running the statement."""
    return (
        sa.select(*columns)
        .join(items, items.c.id == rows.c[item_key])
        .where(
            rows.c.user_id == sa.bindparam("user_id"),
            items.c.course_id == sa.bindparam("course_id"),
        )
    )


def kept_content(cache: caching.Cache, course: Course, read):
    """What read() gives for this version of the course, read once per process (see above).
    Changes still pending in the session are flushed first, so they make the new version before
    it is read."""
    db.session.flush()
    return cache.get_or_build((course.id, course.updated_at), read)
