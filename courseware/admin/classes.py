"""Classes (班次): the list, creating and editing one, its instructors and its learners."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware import permissions
from courseware.accounts import operations
from courseware.accounts.forms import AddMembersForm, CohortForm
from courseware.accounts.models import Cohort, unit_paths_of
from courseware.admin.blueprint import (
    admin_only,
    bp,
    int_or_none,
    managed_cohort,
    managed_user,
    scope,
)
from courseware.db import db
from courseware.forms import ActionForm


@permissions.built_per_viewer
def _managed_classes(user):
    return (
        sa.select(Cohort)
        .where(permissions.unit_clause(user, Cohort.unit_id))
        .order_by(Cohort.start_date.desc(), Cohort.name)
    )


@bp.route("/classes")
@admin_only
def cohorts():
    """List every class the administrator manages."""
    rows = db.session.scalars(_managed_classes(current_user)).all()
    return render_template("admin/cohorts.html", cohorts=rows)


@bp.route("/classes/new", methods=["GET", "POST"])
@bp.route("/classes/<int:cohort_id>", methods=["GET", "POST"])
@admin_only
def cohort_edit(cohort_id=None):
    """Create or edit a class; its page also manages its learners."""
    return _cohort_page(managed_cohort(cohort_id) if cohort_id else None)


def _cohort_page(cohort, members_form=None):
    """The class's page: its own form, and the form that adds learners (kept as typed after an
    error, with the error beside it)."""
    # After the learners' form was sent, the class's own form shows the class as it is.
    shown_as_is = request.method == "GET" or members_form is not None
    if members_form is not None:
        form = CohortForm(formdata=None, obj=cohort, cohort=cohort, scope=scope())
    else:
        form = CohortForm(obj=cohort, cohort=cohort, scope=scope())
    if shown_as_is and cohort:
        form.unit_id.data = str(cohort.unit_id or "")
        form.instructor_ids.data = [str(u.id) for u in cohort.instructors]
    if members_form is None and form.validate_on_submit():
        cohort = operations.save_cohort(
            cohort,
            form.name.data.strip(),
            form.start_date.data,
            form.end_date.data,
            [int(i) for i in form.instructor_ids.data or []],
            unit_id=int_or_none(form.unit_id.data),
        )
        db.session.commit()
        flash(_("Class saved."), "success")
        return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))
    return render_template(
        "admin/cohort_form.html",
        form=form,
        cohort=cohort,
        members_form=members_form or AddMembersForm(formdata=None, scope=scope()),
        action=ActionForm(),
        unit_paths=unit_paths_of(u.unit_id for u in cohort.members) if cohort else {},
    ), (400 if members_form is not None else 200)


@bp.route("/classes/<int:cohort_id>/members", methods=["POST"])
@admin_only
def cohort_add_members(cohort_id):
    """Add learners to a class by username or by unit."""
    cohort = managed_cohort(cohort_id)
    units = scope()
    form = AddMembersForm(scope=units)
    if not form.validate_on_submit():
        return _cohort_page(cohort, members_form=form)
    learners, unknown = operations.find_learners(form.names(), units)
    if form.unit_id.data:
        learners += operations.learners_of_unit(int(form.unit_id.data))
    if unknown:
        form.usernames.errors.append(
            _(
                "No learner has these usernames: %(names)s. Nobody was added.",
                names=", ".join(unknown),
            )
        )
        return _cohort_page(cohort, members_form=form)
    added = operations.add_members(cohort, learners)
    db.session.commit()
    flash(ngettext("%(num)d learner added.", "%(num)d learners added.", len(added)), "success")
    return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))


@bp.route("/classes/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
@admin_only
def cohort_remove_member(cohort_id, user_id):
    """Take a learner out of a class."""
    cohort = managed_cohort(cohort_id)
    user = managed_user(user_id)
    if ActionForm().validate_on_submit():
        operations.remove_member(cohort, user)
        db.session.commit()
        flash(_("%(name)s removed from the class.", name=user.name), "success")
    return redirect(url_for("admin.cohort_edit", cohort_id=cohort.id))
