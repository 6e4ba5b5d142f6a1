"""A certificate for a completed course, with a public verification code."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.accounts.models import User
from courseware.courses.models import Course
from courseware.db import db
from courseware.timeutil import utcnow


class Certificate(db.Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    # One certificate per completion.
    completion_id: Mapped[int] = mapped_column(sa.ForeignKey("course_completion.id"), unique=True)
    # What anyone may type into the public page to check it; random, not guessable.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    # The facts printed on it, as they were when it was issued.
    name: Mapped[str] = mapped_column(sa.String(64))
    unit: Mapped[str] = mapped_column(sa.String(512), default="")
    course_title: Mapped[dict] = mapped_column(sa.JSON)
    credit_hours: Mapped[float]
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(500))
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def valid(self) -> bool:
        return self.revoked_at is None


class CertificateDesign(db.Model):
    """What every certificate prints besides its facts, set by the organisation's administrators:
    the organisation's name and the signature line, each in Chinese and English, and the seal (a
    PNG checked and re-encoded like lesson images). One row, id 1; certificates drawn before a
    change print the new design too, as the facts they certify are unchanged."""

    __tablename__ = "certificate_design"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {"zh": …, "en": …}
    signature: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {"zh": …, "en": …}
    seal_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
