"""The 学时 ledger for administrators: look up a cadre, add credit for training elsewhere, reverse an
entry with a reason, set the quotas, and see who is behind."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.accounts.credentials import normalise_username
from courseware.accounts.models import Role, Unit, User
from courseware.db import db
from courseware.formfields import row_id
from courseware.progress import ledger
from courseware.progress.classes import unit_and_below
from courseware.progress.credit_rules import CreditRules, days_hours
from courseware.progress.forms import (
    CreditForm,
    CreditSearchForm,
    QuotasForm,
    ReverseForm,
    TRAINING_KIND_LABELS,
    UnitFilterForm,
)
from courseware.progress.models import CreditEntry
from courseware.timeutil import local_today

bp = Blueprint("credits", __name__, url_prefix="/admin/credits")

LEDGER_ERRORS = {
    "hours": _l("Hours must be a number above 0 and at most 1000."),
    "future": _l("The date cannot be in the future."),
    "note": _l("Say what the training was (or why the entry is reversed)."),
    "reversal": _l("A reversal cannot itself be reversed; add a new entry instead."),
    "reversed": _l("This entry has already been reversed."),
    "kind": _l("Choose a kind of training."),
    "ends": _l("The last day must not come before the first."),
    "ends_future": _l("The date cannot be in the future."),
}
# The field each refusal of the ledger is shown beside.
LEDGER_FIELDS = {
    "hours": "hours",
    "future": "earned_on",
    "note": "note",
    "kind": "kind",
    "ends": "ends_on",
    "ends_future": "ends_on",
}


def _today() -> dt.date:
    return local_today()


@bp.route("/")
@roles(Role.ADMIN)
def index(learner: User | None = None, **forms):
    """A learner's ledger, found by username; a refused form comes back in it as it was typed."""
    search = CreditSearchForm(request.args)
    query = (
        learner.username
        if learner
        else ((search.q.data or "").strip() if search.validate() else "")
    )
    user = learner
    if query and user is None:
        user = db.session.scalar(sa.select(User).where(User.username == normalise_username(query)))
        if user is not None and not permissions.manages_user(current_user, user):
            user = None  # another unit's cadre: as if there were no such account
        if user is None:
            search.q.errors = [_("No account with the username %(name)s.", name=query)]
    return render_template(
        "progress/admin/credits.html",
        query=query,
        search=search,
        credit_form=forms.get("credit_form") or CreditForm(formdata=None),
        reverse_form=forms.get("reverse_form"),
        reversing=forms.get("reversing"),
        learner=user,
        entries=ledger.entries_of(user.id) if user else [],
        reversed_ids=_reversed_ids(user.id) if user else set(),
        standing=ledger.quota_standing(user, _today()) if user else None,
        today=_today(),
        kind_labels=TRAINING_KIND_LABELS,
        day_rules=conversion_rules(),
    )


def managed_user(user_id: int) -> User:
    """The account, if the administrator manages it; 404 otherwise, so ids leak nothing."""
    user = db.session.get(User, user_id)
    if user is None or not permissions.manages_user(current_user, user):
        abort(404)
    return user


def conversion_rules() -> CreditRules:
    return CreditRules.from_config(current_app.config.get("CLASSROOM_CREDIT"))


def entered_hours(form: CreditForm) -> float:
    """The 学时 typed, or the days typed converted by the CLASSROOM_CREDIT day rules."""
    if form.hours.data is not None:
        return form.hours.data
    return days_hours(conversion_rules(), form.days.data)


def _reversed_ids(user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(CreditEntry.reverses_id).where(
                CreditEntry.user_id == user_id, CreditEntry.reverses_id.is_not(None)
            )
        )
    )


@bp.route("/<int:user_id>/add", methods=["POST"])
@roles(Role.ADMIN)
def add(user_id):
    user = managed_user(user_id)
    form = CreditForm()
    if form.validate_on_submit():
        try:
            ledger.add_external(
                user,
                entered_hours(form),
                form.earned_on.data,
                form.note.data,
                current_user,
                _today(),
                training_kind=form.kind.data,
                ends_on=form.ends_on.data,
                organiser=form.organiser.data or "",
                evidence=form.evidence.data or "",
            )
        except ledger.LedgerError as error:
            form[LEDGER_FIELDS[str(error)]].errors.append(str(LEDGER_ERRORS[str(error)]))
        else:
            db.session.commit()
            flash(_("Credit added."), "success")
            return redirect(url_for(".index", q=user.username))
    return index(user, credit_form=form), 400


@bp.route("/entries/<int:entry_id>/reverse", methods=["POST"])
@roles(Role.ADMIN)
def reverse(entry_id):
    entry = db.session.get(CreditEntry, entry_id)
    if entry is None:
        abort(404)
    user = managed_user(entry.user_id)
    form = ReverseForm()
    if form.validate_on_submit():
        try:
            ledger.reverse(entry, form.reason.data, current_user, _today())
        except ledger.LedgerError as error:
            form.reason.errors.append(str(LEDGER_ERRORS[str(error)]))
        else:
            db.session.commit()
            flash(_("The entry is reversed."), "success")
            return redirect(url_for(".index", q=user.username))
    return index(user, reverse_form=form, reversing=entry.id), 400


@bp.route("/quotas", methods=["GET", "POST"])
@roles(Role.ADMIN)
def quotas():
    """Set the province's quotas: a unit administrator may not change what applies to every unit."""
    if not permissions.is_province_admin(current_user):
        abort(403)
    form = QuotasForm(ledger.quotas(), ledger.required_minimums())
    if form.validate_on_submit():
        for level, quota in form.levels.items():
            ledger.set_quota(level, quota.hours.data, quota.years.data, quota.min_required.data)
        db.session.commit()
        flash(_("Quotas saved."), "success")
        return redirect(url_for(".quotas"))
    return render_template("progress/admin/quotas.html", form=form), (
        400 if form.errors or any(level.errors for level in form.levels.values()) else 200
    )


@bp.route("/behind")
@roles(Role.ADMIN)
def behind():
    form = UnitFilterForm(request.args)
    valid = form.validate()
    unit_id = row_id(form.unit.data) if valid else None
    if permissions.is_unit_admin(current_user) and not permissions.manages_unit(
        current_user, unit_id
    ):
        unit_id = current_user.admin_unit_id  # a unit administrator's cadres only
    units = sorted(
        db.session.scalars(sa.select(Unit).where(permissions.unit_clause(current_user, Unit.id))),
        key=lambda u: u.path(),
    )
    rows = ledger.behind(_today(), unit_and_below(unit_id) if unit_id else None)
    return render_template(
        "progress/admin/behind.html",
        rows=rows,
        units=units,
        unit_id=unit_id,
        form=form,
        today=_today(),
    ), (200 if valid else 400)
