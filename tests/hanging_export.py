"""An app whose exports hang, for a job worker started as `flask --app tests.hanging_export`.

The export writes one row of progress, then waits on a call that never returns (here for
HANG_SECONDS), while its worker process, and the heartbeat's thread, live on. It hangs on the
attempts up to TEST_HANG_ATTEMPTS (from COURSEWARE_TEST_HANG_ATTEMPTS) and runs normally after.
"""

import threading

from flask import current_app, g

import courseware
from courseware.reports import export

HANG_SECONDS = 120
write_detail = export.write_detail


def hanging_write_detail(filters, fmt, target, progress):
    progress(1)
    if g.job_attempt <= int(current_app.config.get("TEST_HANG_ATTEMPTS", 0)):
        threading.Event().wait(HANG_SECONDS)
    return write_detail(filters, fmt, target, progress)


def create_app():
    export.write_detail = hanging_write_detail
    return courseware.create_app()
