"""Administrators' pages: users, units, classes (班次), roster import and the audit log."""

import datetime as dt
import hashlib
import io

import sqlalchemy as sa
from flask import (
    abort,
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware import jobs
from courseware.access import roles
from courseware.accounts import audit, import_job, operations, roster
from courseware.accounts.credentials import normalise_username
from courseware.accounts.forms import (
    ActionForm,
    AddMembersForm,
    AuditFilterForm,
    CohortForm,
    RosterUploadForm,
    UnitForm,
    UserFilterForm,
    UserForm,
)
from courseware.accounts.models import AuditEvent, Cohort, Role, RosterUpload, Unit, User
from courseware.db import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Every page here is for administrators only.
admin_only = roles(Role.ADMIN)


def _int_or_none(value):
    return int(value) if value else None


@bp.route("/")
@admin_only
def index():
    """Overview with counts and links."""
    return render_template(
        "admin/index.html", users=_count(User), units=_count(Unit), cohorts=_count(Cohort)
    )


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- users ------------------------------------------------------------------------------------


@bp.route("/users")
@admin_only
def users():
    """List users, filtered by name, role, whether they are active and whether they ever signed in."""
    form = UserFilterForm(request.args)
    page = db.paginate(
        _filtered_users(form), per_page=current_app.config["USERS_PER_PAGE"], error_out=False
    )
    return render_template(
        "admin/users.html",
        page=page,
        form=form,
        action=ActionForm(),
        bulk_limit=BULK_PASSWORDS_LIMIT,
    )


def _filtered_users(form: UserFilterForm) -> sa.Select:
    stmt = sa.select(User).order_by(User.username)
    if form.q.data:
        like = f"%{form.q.data.strip()}%"
        stmt = stmt.where(sa.or_(User.username.ilike(like), User.name.ilike(like)))
    if form.role.data:
        stmt = stmt.where(User.role == form.role.data)
    if not form.show_inactive.data:
        stmt = stmt.where(User.active.is_(True))
    if form.never_signed_in.data:
        stmt = stmt.where(User.last_login_at.is_(None))
    return stmt


# Hashing one password takes several milliseconds: a thousand is a few seconds' wait.
BULK_PASSWORDS_LIMIT = 1000


@bp.route("/users/initial-passwords", methods=["POST"])
@admin_only
def users_initial_passwords():
    """New initial passwords, as a spreadsheet, for the listed accounts that have never signed in.

    For accounts whose first password was never handed out: those the API created (it returns no
    passwords), or a roster's whose sheet was lost. Administrators and demo accounts are left alone,
    and so is anyone who has signed in since the list was shown."""
    if not ActionForm().validate_on_submit():
        abort(400)
    form = UserFilterForm(request.form)
    stmt = _filtered_users(form).where(
        User.last_login_at.is_(None),
        User.active.is_(True),
        User.role != Role.ADMIN.value,
        User.is_demo.is_(False),
    )
    targets = list(db.session.scalars(stmt.limit(BULK_PASSWORDS_LIMIT + 1)))
    back = redirect(
        url_for("admin.users", **{k: v for k, v in request.form.items() if k in form.data and v})
    )
    if not targets:
        flash(_("No account in this list is waiting for its first sign-in."), "info")
        return back
    if len(targets) > BULK_PASSWORDS_LIMIT:
        flash(
            _(
                "More than %(n)d accounts: narrow the list, by role or by a search, and issue them in parts.",
                n=BULK_PASSWORDS_LIMIT,
            ),
            "error",
        )
        return back
    created = [(user, operations.reset_password(user)) for user in targets]
    audit.record("users.initial_passwords", detail={"accounts": len(created)})
    sheet = roster.credentials_sheet(created)
    db.session.commit()
    digest = hashlib.sha256(sheet).hexdigest()[:8]
    return send_file(
        io.BytesIO(sheet),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"initial-passwords-{digest}.xlsx",
    )


def _user_values(form: UserForm) -> dict:
    return {
        "username": form.username.data,
        "name": form.name.data.strip(),
        "role": form.role.data,
        "unit_id": _int_or_none(form.unit_id.data),
        "position": (form.position.data or "").strip(),
        "rank_level": form.rank_level.data or None,
        "phone": form.phone.data or "",
    }


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def user_new():
    """Create an account and show its initial password once."""
    form = UserForm()
    if form.validate_on_submit():
        user, password = operations.create_user(_user_values(form))
        db.session.commit()
        return _show_password_once(user, password, created=True)
    return render_template("admin/user_form.html", form=form, user=None)


def _get_user(user_id) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user_edit(user_id):
    """Edit an account's details, role and unit."""
    user = _get_user(user_id)
    form = UserForm(obj=user, user=user)
    if request.method == "GET":
        form.unit_id.data = str(user.unit_id or "")
        form.rank_level.data = user.rank_level or ""
    if form.validate_on_submit():
        values = _user_values(form)
        if user.id == current_user.id and values["role"] != Role.ADMIN.value:
            flash(_("You cannot take the administrator role from your own account."), "error")
        else:
            operations.update_user(user, values)
            db.session.commit()
            flash(_("The account has been saved."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user, action=ActionForm())


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_only
def user_deactivate(user_id):
    """Deactivate an account and end its sessions everywhere."""
    user = _get_user(user_id)
    if ActionForm().validate_on_submit():
        if user.id == current_user.id:
            flash(_("You cannot deactivate your own account."), "error")
        else:
            operations.set_active(user, False)
            db.session.commit()
            flash(_("%(name)s can no longer sign in.", name=user.name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@admin_only
def user_activate(user_id):
    """Let a deactivated account sign in again."""
    user = _get_user(user_id)
    if ActionForm().validate_on_submit():
        operations.set_active(user, True)
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=user.name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@admin_only
def user_unlock(user_id):
    """Forget an account's failed sign-ins, from every address."""
    user = _get_user(user_id)
    if ActionForm().validate_on_submit():
        operations.clear_sign_in_failures(user)
        db.session.commit()
        flash(
            _("Failed sign-ins of %(name)s cleared; they can sign in again.", name=user.name),
            "success",
        )
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@admin_only
def user_reset_password(user_id):
    """Give an account a new generated password and show it once."""
    user = _get_user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = operations.reset_password(user)
    db.session.commit()
    return _show_password_once(user, password, created=False)


def _show_password_once(user, password, created):
    """Redirect to a page that shows the password once, so reloading it does not reset it again.

    The password rides in the administrator's own session until that page takes it out.
    """
    session["password_once"] = {"user_id": user.id, "password": password, "created": created}
    return redirect(url_for("admin.user_password", user_id=user.id))


@bp.route("/users/<int:user_id>/password")
@admin_only
def user_password(user_id):
    """Show a new initial password, once."""
    user = _get_user(user_id)
    shown = session.get("password_once")
    if not shown or shown.get("user_id") != user.id:
        flash(_("That password was shown already. Reset the password to issue a new one."), "info")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    session.pop("password_once")
    return render_template(
        "admin/password_once.html", user=user, password=shown["password"], created=shown["created"]
    )


# --- units ------------------------------------------------------------------------------------


@bp.route("/units", methods=["GET", "POST"])
@admin_only
def units():
    """Show the unit tree and add units to it."""
    form = UnitForm()
    if form.validate_on_submit():
        unit = operations.save_unit(None, form.name.data.strip(), _int_or_none(form.parent_id.data))
        db.session.commit()
        flash(_("Unit “%(name)s” added.", name=unit.path()), "success")
        return redirect(url_for("admin.units"))
    roots = db.session.scalars(
        sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.name)
    ).all()
    return render_template("admin/units.html", roots=roots, form=form)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def unit_edit(unit_id):
    """Rename or move a unit."""
    unit = db.get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit, unit=unit)
    if request.method == "GET":
        form.parent_id.data = str(unit.parent_id or "")
    if form.validate_on_submit():
        operations.save_unit(unit, form.name.data.strip(), _int_or_none(form.parent_id.data))
        db.session.commit()
        flash(_("Unit saved."), "success")
        return redirect(url_for("admin.units"))
    return render_template(
        "admin/unit_form.html", form=form, unit=unit, in_use=operations.unit_in_use(unit)
    )


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@admin_only
def unit_delete(unit_id):
    """Delete a unit that has no sub-units and no people."""
    unit = db.get_or_404(Unit, unit_id)
    if ActionForm().validate_on_submit():
        if operations.unit_in_use(unit):
            flash(
                _("“%(name)s” still has sub-units or people; move them first.", name=unit.name),
                "error",
            )
            return redirect(url_for("admin.unit_edit", unit_id=unit.id))
        operations.delete_unit(unit)
        db.session.commit()
        flash(_("Unit deleted."), "success")
    return redirect(url_for("admin.units"))


# --- classes (班次) ---------------------------------------------------------------------------


@bp.route("/classes")
@admin_only
def cohorts():
    """List every class."""
    rows = db.session.scalars(
        sa.select(Cohort).order_by(Cohort.start_date.desc(), Cohort.name)
    ).all()
    return render_template("admin/cohorts.html", cohorts=rows)


@bp.route("/classes/new", methods=["GET", "POST"])
@bp.route("/classes/<int:cohort_id>", methods=["GET", "POST"])
@admin_only
def cohort_edit(cohort_id=None):
    """Create or edit a class; its page also manages its learners."""
    cohort = db.get_or_404(Cohort, cohort_id) if cohort_id else None
    form = CohortForm(obj=cohort, cohort=cohort)
    if request.method == "GET" and cohort:
        form.instructor_ids.data = [str(u.id) for u in cohort.instructors]
    if form.validate_on_submit():
        cohort = operations.save_cohort(
            cohort,
            form.name.data.strip(),
            form.start_date.data,
            form.end_date.data,
            [int(i) for i in form.instructor_ids.data or []],
        )
        db.session.commit()
        flash(_("Class saved."), "success")
        return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))
    return render_template(
        "admin/cohort_form.html",
        form=form,
        cohort=cohort,
        members_form=AddMembersForm(),
        action=ActionForm(),
    )


@bp.route("/classes/<int:cohort_id>/members", methods=["POST"])
@admin_only
def cohort_add_members(cohort_id):
    """Add learners to a class by username or by unit."""
    cohort = db.get_or_404(Cohort, cohort_id)
    form = AddMembersForm()
    if form.validate_on_submit():
        names = [
            normalise_username(n)
            for n in form.usernames.data.replace(",", " ").replace("，", " ").split()
        ]
        learners, unknown = operations.find_learners(names)
        if form.unit_id.data:
            learners += operations.learners_of_unit(int(form.unit_id.data))
        if unknown:
            flash(
                _(
                    "No learner has these usernames: %(names)s. Nobody was added.",
                    names=", ".join(unknown),
                ),
                "error",
            )
        else:
            added = operations.add_members(cohort, learners)
            db.session.commit()
            flash(
                ngettext("%(num)d learner added.", "%(num)d learners added.", len(added)), "success"
            )
    return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))


@bp.route("/classes/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
@admin_only
def cohort_remove_member(cohort_id, user_id):
    """Take a learner out of a class."""
    cohort = db.get_or_404(Cohort, cohort_id)
    user = db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        operations.remove_member(cohort, user)
        db.session.commit()
        flash(_("%(name)s removed from the class.", name=user.name), "success")
    return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))


# --- roster import ----------------------------------------------------------------------------


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
            db.session.add(row)
            db.session.commit()
            return redirect(url_for("admin.roster_preview", upload_id=row.id))
    return render_template("admin/import.html", form=form)


def _own_upload(upload_id) -> RosterUpload:
    upload = db.get_or_404(RosterUpload, upload_id)
    if upload.uploaded_by_id != current_user.id:
        abort(403)
    return upload


@bp.route("/import/<int:upload_id>")
@admin_only
def roster_preview(upload_id):
    """Show every row's fate and every problem, named by row and column."""
    upload = _own_upload(upload_id)
    plan = roster.plan_import(roster.read_table(upload.filename, upload.content))
    return render_template(
        "admin/import_preview.html",
        upload=upload,
        plan=plan,
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
    plan = roster.plan_import(roster.read_table(upload.filename, upload.content))
    if not plan.ok:
        flash(_("The file has problems; nothing was imported."), "error")
        return redirect(url_for("admin.roster_preview", upload_id=upload.id))
    if not import_job.start(upload, len(plan.creates) + len(plan.updates)):
        flash(_("This file is being imported already."), "info")
    return redirect(url_for("admin.roster_progress", upload_id=upload.id))


@bp.route("/import/<int:upload_id>/progress")
@admin_only
def roster_progress(upload_id):
    """The import's progress; the page asks again every second, and moves on to the result when done."""
    jobs.reap_now_and_then()  # a job whose worker stopped is sent again (or failed) from here too
    upload = _own_upload(upload_id)
    if request.headers.get("HX-Request"):
        response = make_response(render_template("admin/_import_job.html", upload=upload))
        if upload.succeeded:
            response.headers["HX-Redirect"] = url_for("admin.roster_done", upload_id=upload.id)
        return response
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


# --- audit log --------------------------------------------------------------------------------


@bp.route("/audit")
@admin_only
def audit_log():
    """Read the audit log, newest first, filtered by action, person and date."""
    form = AuditFilterForm(request.args)
    if not form.validate():
        # A filter that cannot be applied (a reversed range, a date that is not one) is named next to
        # its field; entries filtered by the rest of it would look like the answer and are not.
        return render_template(
            "admin/audit.html", page=None, form=form, action_label=audit.action_label
        )
    stmt = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if form.action.data:
        stmt = stmt.where(AuditEvent.action.startswith(form.action.data.strip(), autoescape=True))
    if form.actor.data:
        who = form.actor.data.strip()
        stmt = stmt.where(
            sa.or_(AuditEvent.actor_username == normalise_username(who), AuditEvent.target == who)
        )
    if form.date_from.data:
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(form.date_from.data, dt.time()))
    if form.date_to.data:
        stmt = stmt.where(
            AuditEvent.at < dt.datetime.combine(form.date_to.data + dt.timedelta(days=1), dt.time())
        )
    page = db.paginate(stmt, per_page=current_app.config["AUDIT_PER_PAGE"], error_out=False)
    return render_template(
        "admin/audit.html", page=page, form=form, action_label=audit.action_label
    )
