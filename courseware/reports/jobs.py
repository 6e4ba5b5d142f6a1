"""Running a detailed export in a background thread, writing its progress to the database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from courseware.accounts.models import User
from courseware.db import db
from courseware.jobs import job_context, JobStatus, run_in_background, set_state
from courseware.reports import export, queries
from courseware.reports.models import ExportJob
from courseware.timeutil import utcnow


def export_folder() -> Path:
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
    """The language the export was asked for in: kept with the job, since the thread has no request.

    Jobs from before the language was kept fall back to their maker's chosen one."""
    if job.params.get("locale"):
        return job.params["locale"]
    maker = db.session.get(User, job.user_id)
    return (maker.locale if maker else None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def run_job(app, job_id: int) -> None:
    with job_context(app, ExportJob, job_id):
        job = db.session.get(ExportJob, job_id)
        filters = filters_from(job.params)
        target = export_folder() / f"export-{job.id}.{job.format}"
        locale = job_locale(job)
        set_state(ExportJob, job_id, status=JobStatus.RUNNING, total=queries.count_detail(filters))
        # Progress is written from a second session: the export's own stays on its cursor.
        with db.engine.connect() as progress_conn, force_locale(locale):

            def progress(done):
                progress_conn.execute(
                    sa.update(ExportJob).where(ExportJob.id == job_id).values(done=done)
                )
                progress_conn.commit()

            export.write_detail(filters, job.format, target, progress)
        set_state(
            ExportJob, job_id, status=JobStatus.DONE, filename=target.name, finished_at=utcnow()
        )


def start(job: ExportJob) -> None:
    run_in_background(run_job, job.id, "export")
