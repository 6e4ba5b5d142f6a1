"""Lessons and lesson revisions. Content lives in files; the database keeps revisions."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import backref, Mapped, mapped_column, relationship

from courseware.courses.models import Course
from courseware.db import db, status_type
from courseware.timeutil import utcnow


class Lesson(db.Model):
    """A lesson of a course; what learners read is its published revision."""

    __tablename__ = "lesson"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug", name="uq_lesson_course_slug"),)
    # Writing one makes a new course version (courses/models.py), which pages' kept content follows.
    changes_course_version = True

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    # File number NN of NN-slug.md, kept so an export writes the same file names.
    number: Mapped[int] = mapped_column(default=0)
    published_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lesson_revision.id", use_alter=True, name="fk_lesson_published_revision")
    )
    # Fingerprint of the files at the last sync; tells a file change from a browser edit.
    file_hash: Mapped[str | None] = mapped_column(sa.String(64))
    archived_at: Mapped[dt.datetime | None]

    # A course lists its lessons in order; the course package knows nothing of lessons.
    course: Mapped[Course] = relationship(backref=backref("lessons", order_by="Lesson.position"))
    published: Mapped[LessonRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )


class RevisionStatus(enum.StrEnum):
    """A draft waits to be published; a conflict copy keeps an edit refused for a stale base."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CONFLICT = "conflict"


class LessonRevision(db.Model):
    """One saved version of a lesson, in Chinese and (optionally) English. Never changed after saving
    except for its cached HTML and its status."""

    __tablename__ = "lesson_revision"
    __table_args__ = (sa.UniqueConstraint("lesson_id", "number", name="uq_lesson_revision_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    number: Mapped[int]  # 1, 2, 3 … within the lesson
    status: Mapped[RevisionStatus] = mapped_column(status_type(RevisionStatus))
    source: Mapped[str] = mapped_column(sa.String(16))  # file | browser | revert
    minutes: Mapped[int]
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    objectives_zh: Mapped[list] = mapped_column(sa.JSON)
    objectives_en: Mapped[list | None] = mapped_column(sa.JSON)
    body_zh: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str | None] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # The bank questions the text asks inside the lesson (`!!! check NAME`, 随堂测验), in order,
    # and how many tries a reader has to answer each right (0: answering is enough).
    checks: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    check_tries: Mapped[int] = mapped_column(default=0, server_default="0")
    # Rendered HTML, cached by the hash of the text and the renderer's version (render_key).
    html_zh: Mapped[str] = mapped_column(sa.Text, default="")
    toc_zh: Mapped[str] = mapped_column(sa.Text, default="")
    html_en: Mapped[str | None] = mapped_column(sa.Text)
    toc_en: Mapped[str | None] = mapped_column(sa.Text)
    render_key: Mapped[str] = mapped_column(sa.String(64), default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The revision the author started from; a save on a stale base is a conflict.
    base_revision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lesson_revision.id"))
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    lesson: Mapped[Lesson] = relationship(foreign_keys=[lesson_id])

    @property
    def is_draft(self) -> bool:
        return self.status == RevisionStatus.DRAFT

    author = relationship("User")

    def has_english(self) -> bool:
        return bool(self.title_en)
