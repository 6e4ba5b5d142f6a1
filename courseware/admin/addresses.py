"""Network addresses locked after too many failed sign-ins, and lifting such a lock."""

from flask import flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from courseware.accounts import audit, throttle
from courseware.admin.blueprint import admin_only, bp
from courseware.admin.forms import LiftAddressLockForm
from courseware.db import db


@bp.route("/locked-addresses")
@admin_only
def locked_addresses(form=None):
    """List the addresses where every sign-in is refused for now, newest lock first."""
    return render_template(
        "admin/locked_addresses.html",
        locks=[(ip, format_datetime(until, "short")) for ip, until in throttle.locked_addresses()],
        form=form or LiftAddressLockForm(),
    ), (400 if form is not None and form.errors else 200)


@bp.route("/locked-addresses/lift", methods=["POST"])
@admin_only
def lift_address_lock():
    """Forget the failed sign-ins from one address, so everyone there may sign in again."""
    form = LiftAddressLockForm()
    if not form.validate_on_submit():
        return locked_addresses(form)
    address = form.address.data.strip()
    forgotten = throttle.lift_address_lock(address)
    if not forgotten:
        form.address.errors.append(
            _("No failed sign-ins are recorded from %(address)s.", address=address)
        )
        return locked_addresses(form)
    audit.record("login.address_unlocked", address, {"failures": forgotten})
    db.session.commit()
    flash(_("Sign-ins from %(address)s are allowed again.", address=address), "success")
    return redirect(url_for(".locked_addresses"))
