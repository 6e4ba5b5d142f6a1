"""The administrators' blueprint, and what every one of its pages shares."""

from flask import abort, Blueprint
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.accounts.models import Cohort, Role, Unit, User
from courseware.db import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Every page here is for administrators only; a unit administrator's pages keep to their units.
admin_only = roles(Role.ADMIN)


def int_or_none(value):
    return int(value) if value else None


def scope() -> set[int] | None:
    """The unit ids the signed-in administrator manages; None for the province's."""
    return permissions.managed_unit_set(current_user)


def managed_user(user_id: int) -> User:
    """The account, if the administrator manages it; 404 otherwise, so ids leak nothing."""
    user = db.session.get(User, user_id)
    if user is None or not permissions.manages_user(current_user, user):
        abort(404)
    return user


def managed_unit(unit_id: int) -> Unit:
    """The unit, if the administrator manages it; 404 otherwise."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not permissions.manages_unit(current_user, unit.id):
        abort(404)
    return unit


def managed_cohort(cohort_id: int) -> Cohort:
    """The class, if the administrator manages it; 404 otherwise."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not permissions.manages_cohort(current_user, cohort):
        abort(404)
    return cohort
