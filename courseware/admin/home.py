"""The administrators' overview."""

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from courseware import permissions
from courseware.accounts.models import Cohort, Unit
from courseware.admin.blueprint import admin_only, bp
from courseware.db import db


@bp.route("/")
@admin_only
def index():
    """Overview with counts and links, of the administrator's units only."""
    return render_template(
        "admin/index.html",
        users=_count(permissions.managed_users(current_user)),
        units=_count(sa.select(Unit).where(permissions.unit_clause(current_user, Unit.id))),
        cohorts=_count(
            sa.select(Cohort).where(permissions.unit_clause(current_user, Cohort.unit_id))
        ),
    )


def _count(stmt: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
