"""Signing in and out, and one's own password."""

from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from courseware.access import public, signed_in
from courseware.accounts import auth
from courseware.accounts.audit import record
from courseware.accounts.forms import ChangePasswordForm, LoginForm, ReminderSettingsForm
from courseware.accounts.models import User
from courseware.db import db
from courseware.forms import ActionForm
from courseware.netutil import client_ip

bp = Blueprint("auth", __name__)


# Browsers drop ASCII tab and newlines anywhere in a URL and trim C0 controls and spaces at its
# ends (WHATWG URL standard), and read a backslash as a slash: "/\t/evil.example" and
# "/\\evil.example" both leave the site. Read `next` the way the browser will before judging it.
_DROPPED = dict.fromkeys(map(ord, "\t\n\r"))


def safe_next(target: str | None) -> str:
    """Follow a redirect only to a path on this site, read as the browser will read it."""
    home = url_for("main.index")
    if not target:
        return home
    target = target.translate(_DROPPED).strip("".join(map(chr, range(0x21)))).replace("\\", "/")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return home
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        try:
            user = auth.sign_in(form.username.data, form.password.data)
        except auth.Throttled as exc:
            flash(_throttled_message(exc.until, exc.address), "error")
            status = 429
        else:
            if isinstance(user, auth.Deactivated):
                form.password.errors.append(
                    _("This account has been deactivated. Ask your training administrator.")
                )
                status = 403
            elif user is not None:
                return redirect(safe_next(form.next.data))
            else:
                form.password.errors.append(_("Wrong username or password."))
                status = 401
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out and end the session on the server."""
    form = ActionForm()
    if form.validate_on_submit():
        auth.sign_out()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """Let users change their own password; required after a generated one."""
    form = ChangePasswordForm()
    if request.method == "POST":
        # Guessing the current password on an unattended PC is throttled like signing in.
        until = auth.password_guesses_locked(current_user)
        if until is not None:
            flash(_throttled_message(until), "error")
            return render_template(
                "auth/change_password.html", form=form, reminders=_reminder_form()
            ), 429
    if form.validate_on_submit():
        auth.change_password(current_user, form.new_password.data)
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("main.index"))
    if form.current_password.errors:
        auth.record_wrong_current_password(current_user)
    return render_template("auth/change_password.html", form=form, reminders=_reminder_form())


def _reminder_form(formdata=None) -> ReminderSettingsForm:
    if formdata is not None:
        return ReminderSettingsForm(formdata)
    return ReminderSettingsForm(
        formdata=None, email=current_user.email, email_reminders=current_user.email_reminders
    )


@bp.route("/password/reminders", methods=["POST"])
@signed_in
def reminder_settings():
    """Set one's email address and turn reminders by email on or off (in-app notices stay)."""
    reminders = _reminder_form(request.form)
    if not reminders.validate_on_submit():
        return render_template(
            "auth/change_password.html", form=ChangePasswordForm(formdata=None), reminders=reminders
        ), 400
    user = db.session.get(User, current_user.id)
    user.email = (reminders.email.data or "").strip()
    user.email_reminders = bool(reminders.email_reminders.data)
    record("account.email_reminders", f"user:{user.username}", {"on": user.email_reminders})
    db.session.commit()
    flash(_("Your email settings have been saved."), "success")
    return redirect(url_for(".change_password"))


def _throttled_message(until, address: bool = False) -> str:
    """Say what is locked: this account from this address, or every sign-in from the address."""
    if address:
        return _(
            "Too many failed sign-ins from this network address (%(address)s): every account is "
            "locked here until %(time)s. Ask your training administrator to lift the address lock.",
            address=client_ip(),
            time=format_datetime(until, "short"),
        )
    return _(
        "Too many failed attempts. Try again after %(time)s, or ask your training administrator to unlock "
        "the account.",
        time=format_datetime(until, "short"),
    )
