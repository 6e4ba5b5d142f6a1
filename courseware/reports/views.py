"""Completion reports for administrators (everything) and instructors (their own classes)."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from flask import (
    abort,
    Blueprint,
    redirect,
    render_template,
    request,
    Response,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.accounts.models import Role, Unit
from courseware.db import db
from courseware.reports import export, jobs, queries
from courseware.reports.models import ExportJob  # noqa: F401  (also the table, for migrations)
from courseware.timeutil import utcnow

bp = Blueprint("reports", __name__, url_prefix="/reports")
STAFF = permissions.STAFF
# Werkzeug adds "; charset=utf-8" to a text type itself: naming it here too sent it twice.
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_filters() -> tuple[queries.Filters, list[str]]:
    """The report's filters from the query string; bad dates are named, not guessed."""
    errors = []

    def day(name):
        value = request.args.get(name, "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            errors.append(
                _("%(field)s: %(value)s is not a date such as 2026-12-01.", field=name, value=value)
            )
            return None

    by = request.args.get("by", "unit")
    if not permissions.is_admin(current_user):
        by = "class"  # instructors report on their own classes only
    unit_id = request.args.get("unit", type=int)
    if permissions.is_unit_admin(current_user) and not permissions.manages_unit(
        current_user, unit_id
    ):
        # A unit administrator's figures are their units' learners, whatever the address asks.
        unit_id = current_user.admin_unit_id
    filters = queries.Filters(
        by=by if by in queries.GROUPINGS else "unit",
        start=day("from"),
        end=day("to"),
        unit_id=unit_id,
    )
    if filters.start and filters.end and filters.start > filters.end:
        errors.append(_("The start of the range comes after its end."))
    return filters, errors


def visible_lines(filters: queries.Filters) -> list[queries.Line]:
    """The report's lines the reader may see: an instructor's classes, an administrator's units."""
    lines = queries.report(filters, utcnow().date())
    if not permissions.is_admin(current_user):
        taught = set(db.session.scalars(permissions.taught_cohort_ids(current_user)))
        lines = [line for line in lines if line.key in taught]
    elif filters.by == "unit" and permissions.is_unit_admin(current_user):
        managed = permissions.managed_unit_set(current_user)
        lines = [line for line in lines if line.key in managed]
    return lines


def _params(filters: queries.Filters) -> dict:
    return {
        "by": filters.by,
        "from": filters.start.isoformat() if filters.start else "",
        "to": filters.end.isoformat() if filters.end else "",
        "unit": filters.unit_id,
    }


@bp.route("/")
@roles(*STAFF)
def index():
    filters, errors = read_filters()
    lines = [] if errors else visible_lines(filters)
    units = sorted(
        db.session.scalars(sa.select(Unit).where(permissions.unit_clause(current_user, Unit.id))),
        key=lambda u: u.path(),
    )
    months = (
        queries.monthly_completions(filters)
        if not errors and permissions.is_admin(current_user)
        else []
    )
    return render_template(
        "reports/index.html",
        filters=filters,
        errors=errors,
        lines=lines,
        units=units,
        months=months,
        params=_params(filters),
        top=max((m[1] for m in months), default=0),
    ), (400 if errors else 200)


def _filename(filters: queries.Filters, ext: str) -> str:
    return f"completion-by-{filters.by}-{utcnow():%Y%m%d}.{ext}"


@bp.route("/summary.<fmt>")
@roles(*STAFF)
def summary(fmt):
    """The page's table as a file: the same lines, the same numbers."""
    filters, errors = read_filters()
    if errors:
        abort(400)
    lines = visible_lines(filters)
    rows = queries.summary_rows(lines)
    overdue = [
        [line.label, user.username, user.name, course.slug, due]
        for line in lines
        for user, course, due in line.overdue
    ]
    record(
        "report.export",
        f"summary:{filters.by}",
        {**_params(filters), "format": fmt, "rows": len(rows)},
    )
    db.session.commit()
    columns = queries.summary_columns(filters.by)
    if fmt == "csv":
        return Response(
            stream_with_context(export.stream_csv(queries.header(columns), rows)),
            mimetype=CSV_TYPE,
            headers={"Content-Disposition": f"attachment; filename={_filename(filters, 'csv')}"},
        )
    if fmt == "xlsx":
        out = io.BytesIO()
        export.write_xlsx(
            out,
            [
                (_("summary"), columns, rows),
                (_("overdue"), queries.overdue_columns(filters.by), overdue),
            ],
        )
        out.seek(0)
        return send_file(
            out, mimetype=XLSX_TYPE, as_attachment=True, download_name=_filename(filters, "xlsx")
        )
    abort(404)


@bp.route("/exports", methods=["POST"])
@roles(Role.ADMIN)
def start_export():
    """Start the detailed export (one row per completion) in the background and show its progress."""
    filters, errors = read_filters()
    fmt = request.form.get("format", "csv")
    if errors or fmt not in ("csv", "xlsx"):
        abort(400)
    # The file is written in another thread, with no request to tell its language: the job keeps it.
    job = ExportJob(
        user_id=current_user.id,
        params={**_params(filters), "locale": str(get_locale())},
        format=fmt,
        status="queued",
    )
    db.session.add(job)
    record("report.export", f"detail:{filters.by}", {**_params(filters), "format": fmt})
    db.session.commit()
    jobs.start(job)
    return redirect(url_for(".export_status", job_id=job.id))


def own_job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


@bp.route("/exports/<int:job_id>")
@roles(Role.ADMIN)
def export_status(job_id):
    job = own_job(job_id)
    template = "reports/_job.html" if request.headers.get("HX-Request") else "reports/job.html"
    return render_template(template, job=job)


@bp.route("/exports/<int:job_id>/download")
@roles(Role.ADMIN)
def download(job_id):
    job = own_job(job_id)
    if job.status != "done" or not job.filename:
        abort(404)
    record("report.download", f"export:{job.id}", {"rows": job.done})
    db.session.commit()
    mimetype = CSV_TYPE if job.format == "csv" else XLSX_TYPE
    return send_file(
        jobs.export_folder() / job.filename,
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"completions-{job.id}.{job.format}",
    )
