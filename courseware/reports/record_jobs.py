"""A unit's training records as one workbook, written by the job queue's worker: a unit may hold
thousands of cadres, too many to gather in a request. Its progress is written to the job's row and
its file kept in the database, so that every app server can report it and send it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from courseware import exports, jobs
from courseware.db import db
from courseware.i18n import force_locale
from courseware.jobs import FileJob, set_state
from courseware.reports import record_files, records
from courseware.timeutil import utcnow

KIND = "unit_records"


class UnitRecordsJob(FileJob, db.Model):
    """A unit's records for a year, written in the background; done counts the cadres gathered."""

    __tablename__ = "unit_records_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    # The worker has no request: the headers are written in the language the job was asked in.
    locale: Mapped[str] = mapped_column(sa.String(16))

    @property
    def filename(self) -> str:
        return f"training-records-unit-{self.unit_id}-{self.year}.xlsx"


def write_workbook(job_id: int) -> None:
    """Gather every cadre's record, counting them on the job's row, write the workbook to a
    temporary file and keep it in the database with the job done. A worker that stops half-way
    leaves nothing behind."""
    job = db.session.get(UnitRecordsJob, job_id)
    year, name, locale = job.year, job.filename, job.locale
    learners = records.unit_learners(job.unit_id)
    set_state(UnitRecordsJob, job_id, done=0, total=len(learners))
    with tempfile.TemporaryDirectory(prefix="records-") as folder:
        target = Path(folder) / name
        # Progress is written from a second connection: the session keeps the learners it read.
        with db.engine.connect() as progress_conn, force_locale(locale):

            def gathered():
                for done, user in enumerate(learners, start=1):
                    yield records.record_of(user, year)
                    progress_conn.execute(
                        sa.update(UnitRecordsJob)
                        .where(UnitRecordsJob.id == job_id)
                        .values(done=done, heartbeat_at=utcnow())
                    )
                    progress_conn.commit()

            exports.write_xlsx(target, record_files.unit_sheets(gathered()))
        db.session.rollback()
        jobs.finish_with_file(UnitRecordsJob, job_id, target, name)


def start(job: UnitRecordsJob) -> None:
    """Send a committed, queued job to the worker."""
    jobs.send(KIND, job.id)
