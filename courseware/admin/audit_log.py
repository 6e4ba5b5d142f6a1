"""The audit log: who did what, when, filtered; a unit administrator reads their units' part."""

import datetime as dt

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_login import current_user

from courseware import permissions
from courseware.accounts import audit
from courseware.accounts.credentials import normalise_username
from courseware.accounts.forms import AuditFilterForm
from courseware.accounts.models import AuditEvent, User
from courseware.admin.blueprint import admin_only, bp
from courseware.db import db


def visible_events(user) -> sa.ColumnElement[bool]:
    """The entries an administrator may read: everything for the province; for a unit
    administrator, what they or the people of their units did, and what was done to those people."""
    if permissions.is_province_admin(user):
        return sa.true()
    people = permissions.managed_users(user)
    return sa.or_(
        AuditEvent.actor_id == user.id,
        AuditEvent.actor_id.in_(people.with_only_columns(User.id)),
        AuditEvent.target.in_(people.with_only_columns(User.username)),
    )


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
    stmt = (
        sa.select(AuditEvent)
        .where(visible_events(current_user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
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
