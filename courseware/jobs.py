"""Work that outlives its request: report exports and roster imports.

Each job keeps its state and progress in its own database row, so that whichever worker serves the
page that polls it can read them; the work itself runs in a thread of the worker that started it.
"""

from __future__ import annotations

import enum
import threading
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app

from courseware.db import db
from courseware.timeutil import utcnow


class JobStatus(enum.StrEnum):
    """Where a background job stands; a job's row starts queued."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobProgress:
    """What a job's row tells the page that polls it; for models with status, done and total."""

    @property
    def under_way(self) -> bool:
        """Queued or running: the page keeps asking."""
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def succeeded(self) -> bool:
        return self.status == JobStatus.DONE

    @property
    def percent(self) -> int:
        """How much of the work is done, 0–100, for the progress bar."""
        if not self.total:
            return 0
        return min(100, max(0, 100 * self.done // self.total))


def run_in_background(work, job_id: int, name: str) -> None:
    """Run work(app, job_id) in a thread, or at once where JOBS_INLINE says so (tests, one-shot
    scripts), so that the request returns before long work is done."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        work(app, job_id)
        return
    threading.Thread(target=work, args=(app, job_id), daemon=True, name=f"{name}-{job_id}").start()


def set_state(model, row_id: int, **values) -> None:
    """Write a job's state in a commit of its own, for the page that polls it."""
    db.session.execute(sa.update(model).where(model.id == row_id).values(**values))
    db.session.commit()


@contextmanager
def job_context(app, model, row_id: int):
    """The app context a job runs in. When the work raises, its row says it failed, so that the
    page polling it stops waiting (a row that keeps when it finished gets that too)."""
    with app.app_context():
        try:
            yield
        except Exception as error:
            db.session.rollback()
            finished = {"finished_at": utcnow()} if hasattr(model, "finished_at") else {}
            set_state(model, row_id, status=JobStatus.FAILED, error=str(error)[:500], **finished)
            raise
        finally:
            db.session.remove()
