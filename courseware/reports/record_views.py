"""Training records (个人培训档案): a learner's own, any cadre's for the administrators of their
unit and the instructors of their classes, and a unit's as one workbook for its administrators."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, Blueprint, redirect, render_template, request, Response, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from courseware import exports, jobs, permissions
from courseware.access import roles, signed_in
from courseware.accounts.audit import record as audit
from courseware.accounts.models import Role, Unit, User
from courseware.db import db
from courseware.forms import ActionForm
from courseware.reports import record_files, record_jobs, records
from courseware.reports.record_jobs import UnitRecordsJob
from courseware.timeutil import utcnow

bp = Blueprint("records", __name__)

FIRST_YEAR = 2000


def _year() -> tuple[int, str | None]:
    """The year asked for (this year when none is), or this year and a message naming the field."""
    this_year = utcnow().year
    raw = request.args.get("year", "").strip()
    if not raw:
        return this_year, None
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= this_year:
        return int(raw), None
    return this_year, _(
        "year: enter a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=this_year
    )


def _file(record: records.TrainingRecord, fmt: str) -> Response:
    if fmt == "pdf":
        from courseware.reports import record_pdf  # ReportLab loads when a record is printed

        body, mimetype = record_pdf.record_pdf(record), "application/pdf"
    else:
        body, mimetype = record_files.record_xlsx(record), exports.XLSX_TYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f"attachment; filename={record_files.filename(record, fmt)}"
        },
    )


def _show(user: User, own: bool, fmt: str | None):
    year, error = _year()
    if error and fmt:
        return Response(error, status=400, mimetype="text/plain")
    record = records.record_of(user, year)
    if fmt:
        if not own:
            audit(f"record.export_{fmt}", f"user:{user.username}", {"year": year})
            db.session.commit()
        return _file(record, fmt)
    return render_template(
        "records/record.html",
        record=record,
        own=own,
        error=error,
        years=range(utcnow().year, FIRST_YEAR - 1, -1),
        kinds=records.KINDS,
        kind_labels=records.KIND_LABELS,
        split_note=record_files.split_note(),
    )


@bp.route("/my-learning/record")
@signed_in
def mine():
    """The learner's own training record."""
    return _show(current_user, True, None)


@bp.route("/my-learning/record.pdf")
@signed_in
def mine_pdf():
    return _show(current_user, True, "pdf")


@bp.route("/my-learning/record.xlsx")
@signed_in
def mine_xlsx():
    return _show(current_user, True, "xlsx")


def _visible_learner(user_id: int) -> User:
    """The cadre, if the reader administers their unit or teaches a class of theirs; 404 otherwise."""
    user = db.session.get(User, user_id)
    if user is None or not permissions.may_see_learner(current_user, user):
        abort(404)
    return user


@bp.route("/records/users/<int:user_id>")
@roles(Role.ADMIN, Role.INSTRUCTOR)
def learner(user_id):
    """A cadre's training record for those who administer or teach them."""
    return _show(_visible_learner(user_id), False, None)


@bp.route("/records/users/<int:user_id>.pdf")
@roles(Role.ADMIN, Role.INSTRUCTOR)
def learner_pdf(user_id):
    return _show(_visible_learner(user_id), False, "pdf")


@bp.route("/records/users/<int:user_id>.xlsx")
@roles(Role.ADMIN, Role.INSTRUCTOR)
def learner_xlsx(user_id):
    return _show(_visible_learner(user_id), False, "xlsx")


@bp.route("/records")
@roles(Role.ADMIN, Role.INSTRUCTOR)
def index():
    """Find a cadre's record by username; administrators also download their units' records."""
    query = request.args.get("q", "").strip()
    found, error = None, None
    if query:
        user = db.session.scalar(sa.select(User).where(User.username == query.lower()))
        if user is not None and permissions.may_see_learner(current_user, user):
            found = user
        else:
            error = _("No account with the username %(name)s.", name=query)
    units = []
    if permissions.is_admin(current_user):
        scope = permissions.managed_unit_set(current_user)
        statement = sa.select(Unit).order_by(Unit.id)
        if scope is not None:
            statement = statement.where(Unit.id.in_(scope))
        units = list(db.session.scalars(statement))
    return render_template(
        "records/index.html",
        query=query,
        found=found,
        error=error,
        units=units,
        this_year=utcnow().year,
    )


def _managed_unit(unit_id: int) -> Unit:
    """The unit, if the administrator manages it; 404 otherwise, so ids leak nothing."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not permissions.manages_unit(current_user, unit_id):
        abort(404)
    return unit


def _unit_job(job_id: int) -> UnitRecordsJob:
    """The job, if the administrator manages its unit now (whoever started it)."""
    job = db.session.get(UnitRecordsJob, job_id)
    if job is None:
        abort(404)
    _managed_unit(job.unit_id)
    return job


@bp.route("/records/units/<int:unit_id>/exports", methods=["POST"])
@roles(Role.ADMIN)
def start_unit(unit_id):
    """Have the job worker write every active learner's record in a unit and the units under it
    as one workbook, and show its progress."""
    unit = _managed_unit(unit_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    year, error = _year()
    if error:
        return Response(error, status=400, mimetype="text/plain")
    job = UnitRecordsJob(
        user_id=current_user.id, unit_id=unit.id, year=year, locale=str(get_locale() or "zh")
    )
    db.session.add(job)
    audit("record.export_unit_started", f"unit:{unit_id}", {"year": year})
    db.session.commit()
    record_jobs.start(job)
    return redirect(url_for(".unit_status", job_id=job.id))


@bp.route("/records/exports/<int:job_id>")
@roles(Role.ADMIN)
def unit_status(job_id):
    """The workbook's progress; a job whose worker stopped is sent again (or failed) from here too."""
    jobs.reap_now_and_then()
    job = _unit_job(job_id)
    template = (
        "records/_unit_job.html" if request.headers.get("HX-Request") else "records/unit_job.html"
    )
    return render_template(template, job=job, unit=db.session.get(Unit, job.unit_id))


@bp.route("/records/exports/<int:job_id>/download")
@roles(Role.ADMIN)
def unit_download(job_id):
    """Send the workbook from the database, chunk by chunk, whichever server wrote it."""
    job = _unit_job(job_id)
    if not job.succeeded:
        abort(404)
    stored = jobs.kept_file(job)
    if stored is None:
        unit = db.session.get(Unit, job.unit_id)
        return render_template("records/unit_job.html", job=job, unit=unit), 410
    audit("record.export_unit", f"unit:{job.unit_id}", {"year": job.year, "learners": job.done})
    db.session.commit()
    return jobs.file_response(stored, exports.XLSX_TYPE, job.filename)
