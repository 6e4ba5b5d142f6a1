"""A checked roster imported by the job queue's worker, with its progress on the upload's row.

Almost all of an import's time goes on hashing the new accounts' initial passwords, so that is done
first, row by row, with the progress committed as it goes; the accounts are then written in one
transaction, all or none, as the preview promised. (SQLite lets one connection write at a time:
progress written during the long hashing would otherwise wait behind the import's own transaction.)
A worker that stops half-way has saved nothing: the next attempt starts afresh.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import current_app

from courseware import jobs
from courseware.accounts import operations, roster
from courseware.accounts.models import RosterUpload, User
from courseware.db import db
from courseware.i18n import force_locale
from courseware.jobs import JobStatus, set_state
from courseware.netutil import client_ip
from courseware.timeutil import utcnow

KIND = "roster-import"
# How often the progress is written while passwords are hashed, at most.
PROGRESS_SECONDS = 0.5


def start(upload: RosterUpload, total: int) -> bool:
    """Queue the import of a checked upload; False if it is queued, running or done already.

    The upload is claimed with a conditional UPDATE, so two clicks at once start one import."""
    claimed = db.session.execute(
        sa.update(RosterUpload)
        .where(
            RosterUpload.id == upload.id,
            sa.or_(RosterUpload.status.is_(None), RosterUpload.status == JobStatus.FAILED),
        )
        .values(
            status=JobStatus.QUEUED,
            done=0,
            total=total,
            error=None,
            attempts=0,
            heartbeat_at=None,
            queued_at=utcnow(),
            # The address the administrator started it from: the job's audit entry has no request.
            started_from=client_ip(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed:
        jobs.send(KIND, upload.id)
    return bool(claimed)


def run_import(app, upload_id: int) -> bool:
    """Run a queued import here and now (the worker does this for each message)."""
    return jobs.run(app, KIND, upload_id)


def import_upload(upload_id: int) -> None:
    """The work of an import job, in the worker's app context."""
    upload = db.session.get(RosterUpload, upload_id)
    actor = db.session.get(User, upload.uploaded_by_id)
    # The sheet of passwords and the audit speak the language of the one who imports.
    with force_locale(actor.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        _import(upload, actor)


def _import(upload: RosterUpload, actor: User) -> None:
    upload_id, filename = upload.id, upload.filename
    scope = roster.units_managed_by(actor)
    # Checked again: units or users may have changed since the preview.
    plan = roster.plan_import(roster.read_table(filename, upload.content), scope=scope)
    if not plan.ok:
        set_state(RosterUpload, upload_id, status=JobStatus.FAILED, error="problems")
        return
    set_state(
        RosterUpload,
        upload_id,
        status=JobStatus.RUNNING,
        total=len(plan.creates) + len(plan.updates),
    )
    prepared, written = [], time.monotonic()
    for _entry in plan.creates:
        prepared.append(operations.initial_password())
        if time.monotonic() - written >= PROGRESS_SECONDS:
            set_state(RosterUpload, upload_id, done=len(prepared))
            written = time.monotonic()
    db.session.expire_all()  # the plan's users are read again in the writing transaction
    plan = roster.plan_import(roster.read_table(filename, upload.content), scope=scope)
    if not plan.ok or len(plan.creates) != len(prepared):
        set_state(RosterUpload, upload_id, status=JobStatus.FAILED, error="problems")
        return
    result = roster.apply_plan(
        plan, filename, actor=actor, prepared=prepared, ip=upload.started_from or ""
    )
    finished = db.session.execute(
        sa.update(RosterUpload)
        .where(jobs.held(RosterUpload, upload_id))
        .values(
            status=JobStatus.DONE,
            done=len(plan.creates) + len(plan.updates),
            committed_at=utcnow(),
            summary={
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(plan.unchanged),
            },
            credentials_sheet=roster.credentials_sheet(result.created) if result.created else None,
        )
    ).rowcount
    if not finished:
        # Another attempt has the import now: these accounts are not written, its are.
        db.session.rollback()
        return
    db.session.commit()
