"""A user's notifications, and the button that reminds everyone overdue in a class or a unit."""

from __future__ import annotations

from flask import abort, Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware import permissions
from courseware.access import roles, signed_in
from courseware.accounts.audit import record
from courseware.accounts.models import Cohort, Unit
from courseware.db import db
from courseware.forms import ActionForm
from courseware.notifications import mail, notify
from courseware.progress import classes
from courseware.roles import Role
from courseware.timeutil import local_today

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@signed_in
def index():
    items = notify.page_of(current_user.id)
    return render_template(
        "notifications/index.html",
        items=[(n, *mail.describe(n)) for n in items],
        form=ActionForm(),
        unread=sum(1 for n in items if n.read_at is None),
    )


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@signed_in
def mark_read(notification_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    # Only the user's own notice is touched: another's id changes nothing and says so.
    if not notify.mark_read(current_user.id, notification_id):
        db.session.rollback()
        abort(404)
    db.session.commit()
    return redirect(url_for(".index"))


@bp.route("/notifications/read-all", methods=["POST"])
@signed_in
def mark_all_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    notify.mark_read(current_user.id)
    db.session.commit()
    return redirect(url_for(".index"))


def _reminded(count: int) -> None:
    flash(
        ngettext("Reminded %(num)d overdue learner.", "Reminded %(num)d overdue learners.", count)
        if count
        else _("Nobody is overdue, or everyone overdue was reminded today already."),
        "success",
    )


@bp.route("/teach/classes/<int:cohort_id>/remind-overdue", methods=["POST"])
@roles(*permissions.STAFF)
def remind_class(cohort_id):
    """Remind everyone in the class whose assigned course is overdue (once a day at most)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not permissions.may_teach(current_user, cohort):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    today = local_today()
    pairs = notify.overdue_in_class(cohort, today)
    count = notify.remind(pairs, today)
    record("notification.remind_class", f"class:{cohort.name}", {"reminded": count})
    db.session.commit()
    _reminded(count)
    return redirect(url_for("teach_progress.grid", cohort_id=cohort.id))


@bp.route("/reports/units/<int:unit_id>/remind-overdue", methods=["POST"])
@roles(Role.ADMIN)
def remind_unit(unit_id):
    """Remind the overdue learners of a unit and its sub-units, in the classes of the
    administrator's units (the unit report is theirs, as its unit filter is)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not permissions.manages_unit(current_user, unit.id):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    today = local_today()
    units = classes.unit_and_below(unit.id)
    pairs = notify.overdue_in_unit(current_user, units, today)
    count = notify.remind(pairs, today)
    record("notification.remind_unit", f"unit:{unit.path()}", {"reminded": count})
    db.session.commit()
    _reminded(count)
    return redirect(url_for("reports.index", unit=unit.id))
