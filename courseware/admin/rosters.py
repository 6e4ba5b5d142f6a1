"""Roster import: upload, preview with every problem by row and column, background import, result.

A unit administrator's roster is checked against their units: a row for another unit is refused
in the preview, where it names the row and the column."""

import hashlib
import io

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from courseware import jobs
from courseware.accounts import import_job, roster
from courseware.accounts.forms import RosterUploadForm
from courseware.accounts.models import RosterUpload
from courseware.admin.blueprint import admin_only, bp, scope
from courseware.db import db
from courseware.forms import ActionForm
from courseware.jobs import JobStatus


@bp.route("/import", methods=["GET", "POST"])
@admin_only
def roster_upload():
    """Take a roster file and show what importing it would do."""
    form = RosterUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            roster.read_table(upload.filename, content)
        except roster.RosterFileError as exc:
            form.file.errors.append(str(exc))
        else:
            row = RosterUpload(
                uploaded_by_id=current_user.id, filename=upload.filename[:255], content=content
            )
            row.preview = roster.Preview.of(_plan(row)).to_json()
            db.session.add(row)
            db.session.commit()
            return redirect(url_for("admin.roster_preview", upload_id=row.id))
    return render_template("admin/import.html", form=form)


def _own_upload(upload_id) -> RosterUpload:
    upload = db.get_or_404(RosterUpload, upload_id)
    if upload.uploaded_by_id != current_user.id:
        abort(403)
    return upload


def _plan(upload: RosterUpload) -> roster.Plan:
    """Check the upload against the database and the administrator's units."""
    return roster.plan_import(roster.read_table(upload.filename, upload.content), scope=scope())


@bp.route("/import/<int:upload_id>")
@admin_only
def roster_preview(upload_id):
    """Show every row's fate and every problem, named by row and column."""
    upload = _own_upload(upload_id)
    if upload.preview is None or upload.status == JobStatus.FAILED:
        # Uploaded before previews were kept, or an import found the file out of date since.
        upload.preview = roster.Preview.of(_plan(upload)).to_json()
        db.session.commit()
    preview = roster.Preview(**upload.preview)
    page = min(request.args.get("page", 1, type=int) or 1, preview.pages())
    creates, updates = preview.page(max(page, 1))
    return render_template(
        "admin/import_preview.html",
        upload=upload,
        plan=preview,
        creates=creates,
        updates=updates,
        page=max(page, 1),
        pages=preview.pages(),
        action=ActionForm(),
        labels=roster.field_labels(),
        readable=roster.readable,
    )


@bp.route("/import/<int:upload_id>/commit", methods=["POST"])
@admin_only
def roster_commit(upload_id):
    """Start importing a checked roster in the background, all or nothing, and show its progress."""
    upload = _own_upload(upload_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not upload.may_start:
        # A second click, or the form sent again: the import under way is the only one.
        return redirect(url_for("admin.roster_progress", upload_id=upload.id))
    # Checked again: units or users may have changed since the preview.
    plan = _plan(upload)
    if not plan.ok:
        flash(_("The file has problems; nothing was imported."), "error")
        return redirect(url_for("admin.roster_preview", upload_id=upload.id))
    if not import_job.start(upload, len(plan.creates) + len(plan.updates)):
        flash(_("This file is being imported already."), "info")
    return redirect(url_for("admin.roster_progress", upload_id=upload.id))


@bp.route("/import/<int:upload_id>/progress")
@admin_only
def roster_progress(upload_id):
    """The import's progress; the page asks again every second, and moves on to the result when done
    (at once, when the import was done before the page was opened: a small file often is)."""
    jobs.reap_now_and_then()  # a job whose worker stopped is sent again (or failed) from here too
    upload = _own_upload(upload_id)
    done = url_for("admin.roster_done", upload_id=upload.id)
    if request.headers.get("HX-Request"):
        response = make_response(render_template("admin/_import_job.html", upload=upload))
        if upload.succeeded:
            response.headers["HX-Redirect"] = done
        return response
    if upload.succeeded:
        return redirect(done)
    return render_template("admin/import_progress.html", upload=upload)


@bp.route("/import/<int:upload_id>/done")
@admin_only
def roster_done(upload_id):
    """What the import did, and the new accounts' initial passwords until their sheet is downloaded."""
    upload = _own_upload(upload_id)
    if not upload.succeeded:
        return redirect(url_for("admin.roster_progress", upload_id=upload.id))
    credentials = (
        roster.read_credentials_sheet(upload.credentials_sheet) if upload.credentials_sheet else []
    )
    return render_template(
        "admin/import_done.html",
        upload=upload,
        summary=upload.summary or {},
        credentials=credentials,
        action=ActionForm(),
    )


@bp.route("/import/<int:upload_id>/passwords", methods=["POST"])
@admin_only
def roster_passwords(upload_id):
    """Download the sheet of initial passwords once; it is erased as it is sent."""
    upload = _own_upload(upload_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    sheet = upload.credentials_sheet
    if sheet is None:
        flash(
            _("The password sheet was downloaded already; reset a password to issue a new one."),
            "error",
        )
        return redirect(url_for("admin.users"))
    upload.credentials_sheet = None
    db.session.commit()
    digest = hashlib.sha256(sheet).hexdigest()[:8]
    return send_file(
        io.BytesIO(sheet),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"initial-passwords-{upload.id}-{digest}.xlsx",
    )
