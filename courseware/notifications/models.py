"""Notifications: what a learner is told in the app, and whether it went out by email."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import db
from courseware.timeutil import utcnow


class Kind(enum.StrEnum):
    ASSIGNED = "assigned"  # a course was assigned to one of the learner's classes
    DUE_SOON = "due_soon"  # an assigned course is due within three days
    OVERDUE = "overdue"  # an assigned course is past its due date
    REMINDER = "reminder"  # an instructor or administrator reminded the overdue
    CERTIFICATE = "certificate"  # a certificate was issued


class MailState(enum.StrEnum):
    NONE = "none"  # no mail server was configured when the notice was written
    PENDING = "pending"  # waiting for the job worker
    SENDING = "sending"  # claimed by a worker; left so when it stopped mid-send (never sent twice)
    SENT = "sent"
    SKIPPED = "skipped"  # the learner turned email off, or has no address
    FAILED = "failed"  # the server refused it


class Notification(db.Model):
    """One notice to one user. `key` names what it is about, so a notice is written once: the
    same reminder for the same assignment and kind is never written (nor mailed) twice."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    key: Mapped[str] = mapped_column(sa.String(80))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    due_on: Mapped[dt.date | None]
    certificate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certificate.id", ondelete="CASCADE")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]
    mail_state: Mapped[str] = mapped_column(sa.String(10), default=MailState.NONE)
    mailed_at: Mapped[dt.datetime | None]

    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", name="uq_notification_user_key"),
        sa.Index("ix_notification_user_unread", "user_id", "read_at"),
        sa.Index("ix_notification_mail_state", "mail_state"),
    )
