"""Completion reports for administrators (everything) and instructors (their own classes)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from babel.dates import format_skeleton
from flask import (
    abort,
    Blueprint,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from courseware import exports, permissions
from courseware import jobs as job_queue
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.accounts.models import Role
from courseware.db import db
from courseware.reports import export, jobs, queries
from courseware.reports.forms import ExportForm, ReportFilterForm
from courseware.reports.models import ExportJob  # noqa: F401  (also the table, for migrations)
from courseware.timeutil import local_today, utcnow

bp = Blueprint("reports", __name__, url_prefix="/reports")


def read_filters(form: ReportFilterForm | None = None) -> tuple[queries.Filters, list[str]]:
    """The report's filters from the query string; bad dates are named, not guessed."""
    form = form or ReportFilterForm(request.args)
    if not permissions.is_admin(current_user):
        form.by.data = "class"  # instructors report on their own classes only
    form.validate()
    filters = form.filters()
    if permissions.is_unit_admin(current_user) and not permissions.manages_unit(
        current_user, filters.unit_id
    ):
        # A unit administrator's figures are their units' learners, whatever the address asks.
        filters = dataclasses.replace(filters, unit_id=current_user.admin_unit_id)
    return filters, [str(e) for errors in form.errors.values() for e in errors]


def visible_lines(filters: queries.Filters, tree: tuple | None = None) -> list[queries.Line]:
    """The report's lines the reader may see: an instructor's classes, an administrator's units."""
    tree = tree or queries.unit_tree()
    lines = queries.report(filters, local_today(), tree)
    if not permissions.is_admin(current_user):
        taught = set(db.session.scalars(permissions.taught_cohort_ids(current_user)))
        lines = [line for line in lines if line.key in taught]
    elif filters.by == "unit" and permissions.is_unit_admin(current_user):
        managed = queries.subtree(current_user.admin_unit_id, tree[1])
        lines = [line for line in lines if line.key in managed]
    return lines


def _params(filters: queries.Filters) -> dict:
    return {
        "by": filters.by,
        "from": filters.start.isoformat() if filters.start else "",
        "to": filters.end.isoformat() if filters.end else "",
        "unit": filters.unit_id,
    }


def every_month(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The months from the first to the last with a completion, those without one counted 0: a time
    axis with no gaps."""
    if not counts:
        return []
    known = dict(counts)
    year, month = (int(part) for part in counts[0][0].split("-"))
    series = []
    while not series or series[-1][0] != counts[-1][0]:
        key = f"{year:04d}-{month:02d}"
        series.append((key, known.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


def month_label(month: str) -> str:
    """A month such as "2026-02" as the reader's language writes it with its year: 2026年2月, Feb 2026."""
    year, number = (int(part) for part in month.split("-"))
    return format_skeleton("yMMM", dt.date(year, number, 1), locale=get_locale())


def unit_choices(tree: tuple) -> list[tuple[int, str]]:
    """The units the reader may pick, as (id, path) by path, from the unit rows already read."""
    units, children = tree
    if permissions.is_province_admin(current_user):
        ids = units.keys()
    elif permissions.is_admin(current_user):
        ids = queries.subtree(current_user.admin_unit_id, children)
    else:
        return []
    return sorted(queries.paths_of_units(units, ids).items(), key=lambda unit: unit[1])


@bp.route("/")
@roles(*permissions.STAFF)
def index(export_form=None):
    form = ReportFilterForm(request.args)
    filters, errors = read_filters(form)
    tree = queries.unit_tree()
    lines = [] if errors else visible_lines(filters, tree)
    months = (
        queries.monthly_completions(filters, tree)
        if not errors and permissions.is_admin(current_user)
        else []
    )
    return render_template(
        "reports/index.html",
        filters=filters,
        form=form,
        export_form=export_form or ExportForm(formdata=None),
        errors=errors,
        lines=lines,
        units=unit_choices(tree),
        months=[(month_label(month), count) for month, count in every_month(months)],
        params=_params(filters),
        top=max((m[1] for m in months), default=0),
    ), (400 if errors or (export_form and export_form.errors) else 200)


@bp.route("/summary.<fmt>")
@roles(*permissions.STAFF)
def summary(fmt):
    """The page's table as a file: the same lines, the same numbers."""
    filters, errors = read_filters()
    if errors:
        abort(400)
    lines = visible_lines(filters)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    record(
        "report.export",
        f"summary:{filters.by}",
        {**_params(filters), "format": fmt, "rows": len(lines)},
    )
    db.session.commit()
    name = f"completion-by-{filters.by}-{utcnow():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(name, *export.summary_table(filters.by, lines))
    return exports.xlsx_response(name, export.summary_sheets(filters.by, lines))


@bp.route("/exports", methods=["POST"])
@roles(Role.ADMIN)
def start_export():
    """Start the detailed export (one row per completion) in the background and show its progress."""
    filters, errors = read_filters()
    form = ExportForm()
    if errors or not form.validate_on_submit():
        return index(export_form=form)
    fmt = form.format.data
    # The file is written by the job worker, with no request to tell its language: the job keeps it.
    job = ExportJob(
        user_id=current_user.id,
        params={**_params(filters), "locale": str(get_locale())},
        format=fmt,
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
    """The export's progress; a job whose worker stopped is sent again (or failed) from here too."""
    job_queue.reap_now_and_then()
    job = own_job(job_id)
    template = "reports/_job.html" if request.headers.get("HX-Request") else "reports/job.html"
    return render_template(template, job=job)


@bp.route("/exports/<int:job_id>/download")
@roles(Role.ADMIN)
def download(job_id):
    """Send the export's file from the database, chunk by chunk, whichever server wrote it."""
    job = own_job(job_id)
    if not job.succeeded:
        abort(404)
    stored = job_queue.kept_file(job)
    if stored is None:
        return render_template("reports/job.html", job=job, expired=True), 410
    record("report.download", f"export:{job.id}", {"rows": job.done})
    db.session.commit()
    mimetype = exports.CSV_TYPE if job.format == "csv" else exports.XLSX_TYPE
    return job_queue.file_response(stored, mimetype, f"completions-{job.id}.{job.format}")
