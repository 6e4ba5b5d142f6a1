"""The home page and the language switch."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template
from flask_login import current_user

from courseware import i18n, permissions
from courseware.access import public
from courseware.accounts.models import Cohort
from courseware.accounts.views import safe_next
from courseware.db import db
from courseware.main.forms import LanguageForm
from courseware.progress.classes import assigned_to
from courseware.timeutil import local_today

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    """Introduce Courseware to visitors; show each signed-in user where to go next."""
    cohorts, assigned = [], []
    if current_user.is_authenticated:
        # A learner's classes are those they are in; staff see here the classes they teach.
        if permissions.is_learner(current_user):
            cohorts = permissions.member_cohorts(current_user)
            assigned = assigned_to(current_user.id)
        else:
            taught = permissions.taught_cohort_ids(current_user)
            stmt = sa.select(Cohort).where(Cohort.id.in_(taught)).order_by(Cohort.name)
            cohorts = db.session.scalars(stmt).all()
    return render_template(
        "main/index.html", cohorts=cohorts, assigned=assigned, today=local_today()
    )


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language and remember the choice."""
    form = LanguageForm()
    response = redirect(safe_next(form.next.data))
    if form.validate_on_submit():
        i18n.remember_locale(response, form.locale.data)
    for error in form.locale.errors:
        flash(str(error), "error")
    return response
