"""People and organisation: users, units (单位), classes (班次), sign-in, roster import, audit log."""

from courseware import jobs as job_queue


def init_app(app) -> None:
    """Let the job queue's worker run roster imports."""
    from courseware.accounts import import_job
    from courseware.accounts.models import RosterUpload

    job_queue.register(app, import_job.KIND, model=RosterUpload, work=import_job.import_upload)
    from courseware.accounts.identity import masked_id_number

    # A 身份证号 is shown on pages by its last four characters only.
    app.jinja_env.globals["masked_id_number"] = masked_id_number
