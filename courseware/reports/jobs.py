"""A detailed export run by the job queue's worker, its progress written to the job's row and its
file kept in the database, so that every app server can send it."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from courseware import jobs
from courseware.accounts.models import User
from courseware.db import db
from courseware.i18n import force_locale
from courseware.jobs import JobStatus, set_state
from courseware.reports import export, queries
from courseware.reports.models import ExportJob
from courseware.timeutil import utcnow

KIND = "export"


def filters_from(params: dict) -> queries.Filters:
    def day(value):
        return dt.date.fromisoformat(value) if value else None

    return queries.Filters(
        by=params.get("by", "unit"),
        start=day(params.get("from")),
        end=day(params.get("to")),
        unit_id=params.get("unit"),
    )


def job_locale(job: ExportJob) -> str:
    """The language the export was asked for in: kept with the job, since the worker has no request.

    Jobs from before the language was kept fall back to their maker's chosen one."""
    if job.params.get("locale"):
        return job.params["locale"]
    maker = db.session.get(User, job.user_id)
    return (maker.locale if maker else None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def write_export(job_id: int) -> None:
    """Write the export into a temporary file, then keep it in the database with the job done.

    A worker that stops half-way leaves nothing behind: the next attempt starts afresh."""
    job = db.session.get(ExportJob, job_id)
    filters = filters_from(job.params)
    locale = job_locale(job)
    name = f"completions-{job.id}.{job.format}"
    set_state(
        ExportJob, job_id, status=JobStatus.RUNNING, done=0, total=queries.count_detail(filters)
    )
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        target = Path(folder) / name
        # Progress is written from a second connection: the export's own stays on its cursor.
        with db.engine.connect() as progress_conn, force_locale(locale):

            def progress(done):
                progress_conn.execute(
                    sa.update(ExportJob)
                    .where(ExportJob.id == job_id)
                    .values(done=done, heartbeat_at=utcnow())
                )
                progress_conn.commit()

            export.write_detail(filters, job.format, target, progress)
        db.session.rollback()  # the export's read transaction ends before the file is written
        jobs.finish_with_file(ExportJob, job_id, target, name, filename=name)


def run_job(app, job_id: int) -> bool:
    """Run a queued export here and now (the worker does this for each message)."""
    return jobs.run(app, KIND, job_id)


def start(job: ExportJob) -> None:
    """Send a committed, queued export to the worker."""
    jobs.send(KIND, job.id)
