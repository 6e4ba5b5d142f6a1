"""Long exports run in the background; their progress lives here so any worker can report it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import db
from courseware.jobs import FileJob


class ExportJob(FileJob, db.Model):
    """A detailed export written in the background, with its progress for the page that polls it."""

    __tablename__ = "export_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict] = mapped_column(sa.JSON)
    format: Mapped[str] = mapped_column(sa.String(8))  # csv | xlsx
    filename: Mapped[str | None] = mapped_column(sa.String(255))
