"""Work that outlives its request: report exports and roster imports.

Each job keeps its state and progress in its own database row, so that whichever worker serves the
page that polls it can read them; the work itself runs in a thread of the worker that started it.
"""
from __future__ import annotations

import threading

from flask import current_app


def run_in_background(work, job_id: int, name: str) -> None:
    """Run work(app, job_id) in a thread, or at once where JOBS_INLINE says so (tests, one-shot
    scripts), so that the request returns before long work is done."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        work(app, job_id)
        return
    threading.Thread(target=work, args=(app, job_id), daemon=True, name=f"{name}-{job_id}").start()
