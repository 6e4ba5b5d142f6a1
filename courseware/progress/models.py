"""Reading progress: a log of visits and one summary row per learner and lesson (as Kolibri keeps
content session logs and summary logs)."""
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import db
from courseware.timeutil import utcnow


class LessonVisit(db.Model):
    """One opening of a lesson page: who, which revision, when, and active seconds on it."""

    __tablename__ = "lesson_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    revision_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson_revision.id"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_beat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Seconds the tab was visible, as heartbeats reported them (bounded by wall time).
    active_seconds: Mapped[int] = mapped_column(default=0)
    reached_end: Mapped[bool] = mapped_column(default=False)


class LessonProgress(db.Model):
    """A learner's standing on one lesson, summed over visits."""

    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="in_progress")  # in_progress | completed
    first_opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None]
    active_seconds: Mapped[int] = mapped_column(default=0)
    reached_end: Mapped[bool] = mapped_column(default=False)
    # How far down the page the learner was (0–1), to resume there.
    position: Mapped[float] = mapped_column(default=0.0)
