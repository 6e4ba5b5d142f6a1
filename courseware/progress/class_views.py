"""Instructors' view of their classes: the list, and a class's members."""

from flask import abort, Blueprint, render_template
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.accounts.models import Cohort
from courseware.db import db
from courseware.progress.classes import class_people

bp = Blueprint("classes", __name__)


@permissions.built_per_viewer
def _classes_by_date(user):
    return permissions.visible_cohorts(user).order_by(Cohort.start_date.desc(), Cohort.name)


@bp.route("/classes")
@roles(*permissions.STAFF)
def my_classes():
    """List the classes an instructor teaches (administrators: every class of their units)."""
    cohorts = db.session.scalars(_classes_by_date(current_user)).all()
    return render_template("progress/teach/classes.html", cohorts=cohorts)


@bp.route("/classes/<int:cohort_id>")
@roles(*permissions.STAFF)
def class_detail(cohort_id):
    """Show a class's members to its instructors and to the administrators of its unit."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not permissions.may_teach(current_user, cohort):
        abort(404)
    return render_template(
        "progress/teach/class_detail.html", cohort=cohort, people=class_people(cohort.id)
    )
