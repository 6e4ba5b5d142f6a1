"""Users: the list, new accounts, editing, (de)activation, unlocking and initial passwords."""

import hashlib
import io

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from courseware import caching, permissions
from courseware.accounts import audit, credentials, operations, roster
from courseware.accounts.forms import UserFilterForm, UserForm
from courseware.accounts.models import Role, unit_paths_of, User
from courseware.admin.blueprint import admin_only, bp, int_or_none, managed_user, scope
from courseware.db import db, paginate_rows
from courseware.forms import ActionForm
from courseware.templating import kept_part

# Hashing one password takes several milliseconds: a thousand is a few seconds' wait.
BULK_PASSWORDS_LIMIT = 1000

# Rows of the users list, rendered once per process for the values they show (rule 1 of
# courseware/caching.py: the values are the key): a page of fifty rows rendered each time was
# most of the list's cost.
_ROWS = caching.Cache("user_rows", max_size=4096)
# The filter form above the list, by the values set in it (rule 1): four fields with their labels
# rendered on every page of the list.
_FILTERS = caching.Cache("user_filters", max_size=256)
# The columns a row shows, read as columns: the list loads no others (password hashes, identity
# numbers …).
_LISTED = (
    User.username,
    User.name,
    User.role,
    User.unit_id,
    User.position,
    User.active,
    User.must_change_password,
    User.is_demo,
)


@bp.route("/users")
@admin_only
def users():
    """List users, filtered by name, role, whether they are active and whether they ever signed in."""
    form = UserFilterForm(request.args)
    stmt = _filtered_users(form)
    page = paginate_rows(
        stmt.with_only_columns(User.id, *_LISTED),
        # count(user.id) with the list's conditions, not the rows of the whole select.
        stmt.with_only_columns(sa.func.count(User.id)).order_by(None),
        per_page=current_app.config["USERS_PER_PAGE"],
    )
    paths = unit_paths_of(u.unit_id for u in page.items)
    return render_template(
        "admin/users.html",
        page=page,
        form=form,
        # Only the list of accounts that never signed in offers its button.
        action=ActionForm() if form.never_signed_in.data else None,
        bulk_limit=BULK_PASSWORDS_LIMIT,
        filters=user_filters(form),
        rows=[user_row(user, paths.get(user.unit_id, "")) for user in page.items],
    )


def user_filters(form: UserFilterForm):
    """The list's filters as set, kept by their values (the form is never validated, so it has
    no errors to show)."""
    key = (
        form.q.data or "",
        form.role.data or "",
        bool(form.show_inactive.data),
        bool(form.never_signed_in.data),
    )
    return kept_part(
        _FILTERS,
        key,
        lambda: get_template_attribute("admin/_user_filters.html", "user_filters")(form),
    )


def user_row(user: sa.Row, unit_path: str):
    """A user's row of the list, kept by every value it shows."""
    key = (
        user.id,
        user.username,
        user.name,
        user.role,
        unit_path,
        user.position,
        user.active,
        user.must_change_password,
        user.is_demo,
    )
    return kept_part(
        _ROWS,
        key,
        lambda: get_template_attribute("admin/_user_row.html", "user_row")(user, unit_path),
    )


def _filtered_users(form: UserFilterForm) -> sa.Select:
    """The accounts the administrator manages that match the list's filters."""
    stmt = permissions.managed_users(current_user).order_by(User.username)
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
    role = form.role.data
    return {
        "username": form.username.data,
        "name": form.name.data.strip(),
        "role": role,
        "unit_id": int_or_none(form.unit_id.data),
        # Only an administrator has a scope; the form's choices keep it inside the editor's own.
        "admin_unit_id": int_or_none(form.admin_unit_id.data) if role == Role.ADMIN.value else None,
        "position": (form.position.data or "").strip(),
        "rank_level": form.rank_level.data or None,
        "phone": form.phone.data or "",
        "employee_no": form.employee_no.data or None,
    } | ({"id_number": form.id_number.data} if form.id_number.data else {})


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def user_new():
    """Create an account and show its initial password once."""
    form = UserForm(scope=scope())
    if form.validate_on_submit():
        user, password = operations.create_user(_user_values(form))
        db.session.commit()
        return _show_password_once(user, password, created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user_edit(user_id):
    """Edit an account's details, role, unit and, for an administrator, the units they manage."""
    user = managed_user(user_id)
    form = UserForm(obj=user, user=user, scope=scope())
    if request.method == "GET":
        form.unit_id.data = str(user.unit_id or "")
        form.admin_unit_id.data = str(user.admin_unit_id or "")
        form.rank_level.data = user.rank_level or ""
        form.id_number.data = ""
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
    user = managed_user(user_id)
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
    user = managed_user(user_id)
    if ActionForm().validate_on_submit():
        operations.set_active(user, True)
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=user.name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@admin_only
def user_unlock(user_id):
    """Forget an account's failed sign-ins, from every address."""
    user = managed_user(user_id)
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
    user = managed_user(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = operations.reset_password(user)
    db.session.commit()
    return _show_password_once(user, password, created=False)


def _show_password_once(user, password, created):
    """Redirect to a page that shows the password once, so reloading it does not reset it again.

    The password is kept server-side for that one viewing; the session holds only its token.
    """
    token = credentials.keep_for_one_viewing(current_user.id, user.id, password, created)
    db.session.commit()
    session["password_once"] = token
    return redirect(url_for("admin.user_password", user_id=user.id))


@bp.route("/users/<int:user_id>/password")
@admin_only
def user_password(user_id):
    """Show a new initial password, once."""
    user = managed_user(user_id)
    shown = credentials.take_once(session.pop("password_once", None), current_user.id, user.id)
    if shown is None:
        flash(_("That password was shown already. Reset the password to issue a new one."), "info")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template(
        "admin/password_once.html", user=user, password=shown.secret, created=shown.created
    )
