"""Outside training records from units' sheets: upload, a preview that names bad rows by row and
column, apply all at once, and the queue of rows that matched no cadre (match or discard)."""

from __future__ import annotations

from flask import abort, Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from courseware import permissions
from courseware.access import roles
from courseware.accounts import roster
from courseware.accounts.credentials import normalise_username
from courseware.accounts.models import Role, User
from courseware.db import db
from courseware.progress import ledger, training_import
from courseware.progress.forms import (
    DiscardForm,
    MatchForm,
    TRAINING_KIND_LABELS,
    TrainingSheetForm,
)
from courseware.progress.models import TrainingImport, UnmatchedTraining
from courseware.timeutil import local_today

bp = Blueprint("training_import", __name__, url_prefix="/admin/credits")

KEY_LABELS = {
    "employee_no": _l("employee number (工号)"),
    "username": _l("username"),
    "id_number": _l("ID number (身份证号)"),
}


def _today():
    return local_today()


def _own_import(import_id: int) -> TrainingImport:
    """The importer's own batch; 404 for anyone else's, so ids leak nothing."""
    batch = db.session.get(TrainingImport, import_id)
    if batch is None or batch.imported_by_id != current_user.id:
        abort(404)
    return batch


def _plan(batch: TrainingImport) -> training_import.Plan:
    table = roster.read_table(batch.filename, batch.content)
    return training_import.plan_import(table, current_user, _today())


@bp.route("/import", methods=["GET", "POST"])
@roles(Role.ADMIN)
def training_upload():
    form = TrainingSheetForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            roster.read_table(upload.filename, content)
        except roster.RosterFileError as exc:
            form.file.errors.append(str(exc))
        else:
            batch = training_import.store_preview(upload.filename, content, current_user)
            db.session.commit()
            return redirect(url_for(".training_preview", import_id=batch.id))
    return render_template(
        "progress/admin/training_upload.html",
        form=form,
        key_label=KEY_LABELS[training_import.key_field()],
    ), (400 if form.errors else 200)


@bp.route("/import/<int:import_id>")
@roles(Role.ADMIN)
def training_preview(import_id):
    batch = _own_import(import_id)
    plan = _plan(batch) if batch.status == "preview" else None
    return render_template(
        "progress/admin/training_preview.html",
        batch=batch,
        plan=plan,
        kinds=TRAINING_KIND_LABELS,
        key_label=KEY_LABELS[batch.key_field],
    )


@bp.route("/import/<int:import_id>/apply", methods=["POST"])
@roles(Role.ADMIN)
def training_apply(import_id):
    """Apply the sheet as it checks now (the database may have changed since the preview)."""
    batch = _own_import(import_id)
    form = DiscardForm()  # only its CSRF token is used here
    if not form.validate_on_submit() or batch.status != "preview":
        return redirect(url_for(".training_preview", import_id=batch.id))
    plan = _plan(batch)
    if not plan.ok:
        flash(_("The file has problems; nothing was imported."), "error")
        return redirect(url_for(".training_preview", import_id=batch.id))
    try:
        training_import.apply_plan(batch, plan, current_user, _today())
        db.session.commit()
    except IntegrityError:
        # The same rows were applied at the same moment from another request: keep theirs.
        db.session.rollback()
        flash(_("These rows were imported meanwhile; nothing was changed."), "error")
        return redirect(url_for(".training_preview", import_id=import_id))
    flash(
        _(
            "Imported: %(credited)d credited, %(queued)d waiting to be matched, %(already)d imported before.",
            credited=batch.credited,
            queued=batch.queued,
            already=batch.already,
        ),
        "success",
    )
    return redirect(url_for(".training_preview", import_id=batch.id))


@bp.route("/unmatched")
@roles(Role.ADMIN)
def unmatched(forms: dict | None = None, status: int = 200):
    forms = forms or {}
    return render_template(
        "progress/admin/unmatched.html",
        rows=training_import.open_rows(current_user),
        kinds=TRAINING_KIND_LABELS,
        forms=forms,
    ), status


def _queued_row(row_id: int) -> UnmatchedTraining:
    row = db.session.get(UnmatchedTraining, row_id)
    if row is None or not training_import.may_resolve(current_user, row):
        abort(404)
    return row


@bp.route("/unmatched/<int:row_id>/match", methods=["POST"])
@roles(Role.ADMIN)
def unmatched_match(row_id):
    row = _queued_row(row_id)
    form = MatchForm()
    if form.validate_on_submit() and row.status == "open":
        name = normalise_username(form.username.data or "")
        user = db.session.scalar(db.select(User).where(User.username == name)) if name else None
        if user is None or not permissions.manages_user(current_user, user):
            form.username.errors.append(
                _("No account with the username %(name)s.", name=form.username.data or "")
            )
        else:
            try:
                training_import.match(row, user, current_user, _today())
            except ledger.LedgerError as error:
                form.username.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The row is credited to %(name)s.", name=user.name), "success")
                return redirect(url_for(".unmatched"))
    if row.status != "open":
        return redirect(url_for(".unmatched"))
    return unmatched({row.id: ("match", form)}, 400)


@bp.route("/unmatched/<int:row_id>/discard", methods=["POST"])
@roles(Role.ADMIN)
def unmatched_discard(row_id):
    row = _queued_row(row_id)
    form = DiscardForm()
    if form.validate_on_submit() and row.status == "open":
        try:
            training_import.discard(row, form.reason.data or "", current_user)
        except training_import.ImportRefused:
            form.reason.errors.append(_("Say why the row is discarded."))
        else:
            db.session.commit()
            flash(_("The row is discarded."), "success")
            return redirect(url_for(".unmatched"))
    if row.status != "open":
        return redirect(url_for(".unmatched"))
    return unmatched({row.id: ("discard", form)}, 400)
