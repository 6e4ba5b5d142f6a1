"""A class's certificates as one PDF: started from the class's progress grid by its instructors or
the administrators of its unit, drawn by the job worker, its progress shown while it runs."""

from __future__ import annotations

from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from courseware import jobs, permissions
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.accounts.models import Cohort
from courseware.certificates import batch
from courseware.certificates.batch import ClassCertificatesJob
from courseware.db import db
from courseware.forms import ActionForm

bp = Blueprint("class_certificates", __name__, url_prefix="/teach")


def _taught(cohort_id: int) -> Cohort:
    """The class, if the user teaches or administers it; 404 otherwise, so ids leak nothing."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not permissions.may_teach(current_user, cohort):
        abort(404)
    return cohort


def _job(job_id: int) -> ClassCertificatesJob:
    """The job, if the user may teach its class now (whoever started it)."""
    job = db.session.get(ClassCertificatesJob, job_id)
    if job is None:
        abort(404)
    _taught(job.cohort_id)
    return job


@bp.route("/classes/<int:cohort_id>/certificates.pdf", methods=["POST"])
@roles(*permissions.STAFF)
def start(cohort_id):
    """Queue the class's certificates as one PDF and show its progress."""
    cohort = _taught(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = batch.count_of_class(cohort)
    if not count:
        flash(_("No one in this class holds a certificate yet."), "error")
        return redirect(url_for("teach_progress.grid", cohort_id=cohort.id))
    job = ClassCertificatesJob(
        user_id=current_user.id,
        cohort_id=cohort.id,
        locale=str(get_locale() or "zh"),
        base_url=request.url_root,
        total=count,
    )
    db.session.add(job)
    record("certificate.class_pdf", f"class:{cohort.name}", {"certificates": count})
    db.session.commit()
    batch.start(job)
    return redirect(url_for(".status", job_id=job.id))


@bp.route("/certificate-jobs/<int:job_id>")
@roles(*permissions.STAFF)
def status(job_id):
    """The job's progress; a job whose worker stopped is sent again (or failed) from here too."""
    jobs.reap_now_and_then()
    job = _job(job_id)
    cohort = db.session.get(Cohort, job.cohort_id)
    template = (
        "certificates/_class_job.html"
        if request.headers.get("HX-Request")
        else "certificates/class_job.html"
    )
    return render_template(template, job=job, cohort=cohort)


@bp.route("/certificate-jobs/<int:job_id>/download")
@roles(*permissions.STAFF)
def download(job_id):
    """Send the PDF from the database, chunk by chunk, whichever server drew it."""
    job = _job(job_id)
    if not job.succeeded:
        abort(404)
    stored = jobs.kept_file(job)
    if stored is None:
        cohort = db.session.get(Cohort, job.cohort_id)
        return render_template("certificates/class_job.html", job=job, cohort=cohort), 410
    record("certificate.class_pdf_download", f"class:{job.cohort_id}", {"pages": job.done})
    db.session.commit()
    return jobs.file_response(stored, "application/pdf", job.filename)
