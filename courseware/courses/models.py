"""The course: settings synced from lessons/<slug>/course.yaml and its ordered outline of items."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class Course(db.Model):
    """A course (课程) such as 微博与领导工作, synced from lessons/<slug>/course.yaml.

    Its lessons, quizzes and exercises point at it; `course.lessons` is declared by the lesson.
    """

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # {"zh": ..., "en": ...} for title, summary and audience.
    title: Mapped[dict] = mapped_column(sa.JSON)
    summary: Mapped[dict] = mapped_column(sa.JSON)
    audience: Mapped[dict] = mapped_column(sa.JSON)
    credit_hours: Mapped[float]  # 学时 credited on completion
    # Ordered [kind, slug] pairs: lessons, quizzes and exercises.
    items: Mapped[list] = mapped_column(sa.JSON)
    completion: Mapped[dict] = mapped_column(sa.JSON)
    # The course's pages from intro.md and guide.md: {"intro": {"zh": …, "en": …}, "guide": …}.
    # The guide (教学指导) is for those who teach the course, never for its learners.
    pages: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The glossary (术语表) from glossary.yaml: [{"zh", "en", "note": {"zh", "en"}, "avoid"}].
    glossary: Mapped[list] = mapped_column(sa.JSON, default=list)
    settings_hash: Mapped[str] = mapped_column(sa.String(64))
    archived_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    editors: Mapped[list[User]] = relationship(secondary=course_editor, order_by="User.username")

    def item_slugs(self, kind: str) -> list[str]:
        """The slugs of the outline's items of one kind ("lesson", "quiz", "exercise"), in order."""
        return [slug for item_kind, slug in self.items if item_kind == kind]
