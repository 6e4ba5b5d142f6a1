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
    # The queue's bookkeeping (courseware/jobs.py): when it was last sent, how often a worker took
    # it, and the running worker's last sign of life.
    queued_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    heartbeat_at: Mapped[dt.datetime | None]
    # The finished file, kept in the database until it expires (then None while the job is done).
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job_file.id", ondelete="SET NULL"))

    @property
    def expired(self) -> bool:
        """Done, but its file was deleted after its days."""
        return self.succeeded and self.file_id is None
