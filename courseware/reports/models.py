"""Long exports run in the background; their progress lives here so any worker can report it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import db, status_type
from courseware.jobs import JobProgress, JobStatus
from courseware.timeutil import utcnow


class ExportJob(JobProgress, db.Model):
    """A detailed export written in the background, with its progress for the page that polls it."""

    __tablename__ = "export_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict] = mapped_column(sa.JSON)
    format: Mapped[str] = mapped_column(sa.String(8))  # csv | xlsx
    status: Mapped[JobStatus] = mapped_column(status_type(JobStatus), default=JobStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
