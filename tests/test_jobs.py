"""Background jobs' statuses: enum members in the code, the same strings in the database, and the
progress a page shows read from the job's row."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from courseware.accounts.models import RosterUpload
from courseware.db import db
from courseware.jobs import JobStatus
from courseware.reports.models import ExportJob


@pytest.mark.parametrize(
    ("done", "total", "percent"), [(0, 0, 0), (5, 0, 0), (1, 3, 33), (2, 3, 66), (3, 3, 100)]
)
def test_a_jobs_percent_is_whole_and_never_past_100(done, total, percent):
    assert ExportJob(done=done, total=total).percent == percent
    assert RosterUpload(done=done, total=total).percent == percent


def test_rows_done_past_the_total_read_as_100_percent():
    """A progress write may count rows a later recount does not: the bar stops at full."""
    assert ExportJob(done=7, total=5).percent == 100


@pytest.mark.parametrize(
    ("status", "under_way", "succeeded", "may_start"),
    [
        (None, False, False, True),
        (JobStatus.QUEUED, True, False, False),
        (JobStatus.RUNNING, True, False, False),
        (JobStatus.DONE, False, True, False),
        (JobStatus.FAILED, False, False, True),
    ],
)
def test_what_an_uploads_status_lets_the_page_do(status, under_way, succeeded, may_start):
    upload = RosterUpload(status=status)
    assert (upload.under_way, upload.succeeded, upload.may_start) == (
        under_way,
        succeeded,
        may_start,
    )


def test_statuses_are_stored_as_the_strings_they_always_were(app, make_user):
    user_id = make_user()
    with app.app_context():
        db.session.add(ExportJob(user_id=user_id, params={}, format="csv"))
        db.session.commit()
        assert db.session.execute(sa.text("SELECT status FROM export_job")).scalar() == "queued"
        db.session.execute(sa.text("UPDATE export_job SET status = 'done'"))
        db.session.commit()
        job = db.session.scalar(sa.select(ExportJob))
        assert job.status is JobStatus.DONE and job.succeeded
        job.status = "finished"  # not a job's status: refused rather than stored
        with pytest.raises(StatementError):
            db.session.commit()
        db.session.rollback()
