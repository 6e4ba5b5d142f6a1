"""Observers at a live run: invitations, timestamped notes pinned to injects, P/S/M/U ratings of
each team per capability, and their export (see courseware.exercises.observation)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from courseware import exports, permissions
from courseware.access import roles
from courseware.db import db
from courseware.exercises import messages, observation, runs, scope
from courseware.exercises.forms import InviteForm, NoteForm, RatingsForm
from courseware.exercises.models import ExerciseRun, LiveSession, ObserverNote
from courseware.i18n import text
from courseware.timeutil import utcnow

bp = Blueprint("observe_exercises", __name__, url_prefix="/teach/exercises")


def observed_live(live_id: int) -> LiveSession:
    """The live run, if the user may observe it; 404 otherwise, so ids leak nothing."""
    live = db.session.get(LiveSession, live_id)
    if live is None or not scope.may_observe_live(current_user, live):
        abort(404)
    return live


def controlled_live(live_id: int) -> LiveSession:
    """The live run, if the user may control it (and so invite observers)."""
    live = db.session.get(LiveSession, live_id)
    if live is None or not scope.may_control_live(current_user, live):
        abort(404)
    return live


def team_of(live: LiveSession, run_id: int) -> ExerciseRun:
    run = db.session.get(ExerciseRun, run_id)
    if run is None or run.live_id != live.id:
        abort(404)
    return run


def fired_injects(live: LiveSession) -> list:
    """The injects any team has seen so far, in the scenario's order; every inject once it is over."""
    scenario = runs.live_scenario(live)
    now = utcnow()
    fired = set()
    for run in live.teams:
        fired |= set(runs.replay(run, now).fired)
    return [i for i in scenario.injects if i.id in fired or live.status == "finished"]


def _note_form(live: LiveSession, formdata=None) -> NoteForm:
    injects = [(i.id, f"{i.at}′ · {text(i.text)[:40]}") for i in fired_injects(live)]
    teams = [(str(r.id), _("Team %(n)s", n=r.team_name)) for r in live.teams]
    return NoteForm(formdata=formdata, injects=injects, teams=teams)


def _page(live: LiveSession, note_form=None, rating_errors=None, rated_run=None, status=200):
    scenario = runs.live_scenario(live)
    now = utcnow()
    teams = []
    for run in live.teams:
        state = runs.replay(run, now)
        mine = {
            r.capability: r for r in observation.ratings(run) if r.observer_id == current_user.id
        }
        teams.append(
            {
                "run": run,
                "posts": state.posts(),
                "combined": observation.combined(run),
                "mine": mine,
                "errors": rating_errors if rated_run == run.id else {},
                "posted": request.form if rated_run == run.id else None,
            }
        )
    return render_template(
        "exercises/teach/observe.html",
        live=live,
        scenario=scenario,
        minute=runs.live_minute(live, now),
        teams=teams,
        notes=observation.notes(live),
        note_form=note_form or _note_form(live, formdata=None),
        in_charge=scope.may_control_live(current_user, live),
        observers=observation.observers(live),
        invite_form=InviteForm(formdata=None),
        messages=messages,
        ratings=observation.RATINGS,
        persona=scenario.persona,
    ), status


@bp.route("/live/<int:live_id>/observe")
@roles(*permissions.STAFF)
def observe(live_id):
    """The observer's page: notes pinned to injects, and each team's ratings per capability."""
    return _page(observed_live(live_id))


@bp.route("/live/<int:live_id>/notes", methods=["POST"])
@roles(*permissions.STAFF)
def add_note(live_id):
    live = observed_live(live_id)
    form = _note_form(live, formdata=request.form)
    if not form.validate_on_submit():
        return _page(live, note_form=form, status=400)
    run = team_of(live, int(form.team.data)) if form.team.data else None
    try:
        observation.add_note(live, current_user, form.text.data, form.inject.data, run, utcnow())
    except observation.ObservationError as error:
        db.session.rollback()
        form.text.errors = [messages.observation_error(error)]
        return _page(live, note_form=form, status=400)
    db.session.commit()
    flash(_("Note saved."), "success")
    return redirect(url_for(".observe", live_id=live.id) + "#notes")


@bp.route("/live/<int:live_id>/notes/<int:note_id>/delete", methods=["POST"])
@roles(*permissions.STAFF)
def delete_note(live_id, note_id):
    live = observed_live(live_id)
    note = db.session.get(ObserverNote, note_id)
    if note is None or note.live_id != live.id:
        abort(404)
    try:
        observation.delete_note(
            live, note, current_user, scope.may_control_live(current_user, live)
        )
    except observation.ObservationError as error:
        db.session.rollback()
        flash(messages.observation_error(error), "error")
        return redirect(url_for(".observe", live_id=live.id) + "#notes")
    db.session.commit()
    flash(_("Note deleted."), "success")
    return redirect(url_for(".observe", live_id=live.id) + "#notes")


@bp.route("/live/<int:live_id>/teams/<int:run_id>/ratings", methods=["POST"])
@roles(*permissions.STAFF)
def rate(live_id, run_id):
    """Save the observer's P/S/M/U ratings of one team, every capability at once."""
    live = observed_live(live_id)
    run = team_of(live, run_id)
    form = RatingsForm()
    given, errors = form.collect(
        runs.live_scenario(live).capabilities, request.form, observation.RATINGS
    )
    if not form.validate_on_submit() or errors:
        return _page(live, rating_errors=errors, rated_run=run.id, status=400)
    changed = observation.rate(run, current_user, given, utcnow())
    db.session.commit()
    flash(
        ngettext(
            "%(num)d rating of %(team)s saved.",
            "%(num)d ratings of %(team)s saved.",
            changed,
            team=_("Team %(n)s", n=run.team_name),
        )
        if changed
        else _("No rating changed."),
        "success",
    )
    return redirect(url_for(".observe", live_id=live.id) + f"#team-{run.id}")


@bp.route("/live/<int:live_id>/observers", methods=["POST"])
@roles(*permissions.STAFF)
def invite(live_id):
    """The instructor in charge invites an instructor to observe, by user name."""
    live = controlled_live(live_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            observation.invite(live, form.username.data, current_user, utcnow())
        except observation.ObservationError as error:
            db.session.rollback()
            flash(messages.observation_error(error), "error")
        else:
            db.session.commit()
            flash(_("Observer invited."), "success")
    else:
        flash(next(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for(".observe", live_id=live.id) + "#observers")


@bp.route("/live/<int:live_id>/observers/<int:user_id>/remove", methods=["POST"])
@roles(*permissions.STAFF)
def remove_observer(live_id, user_id):
    live = controlled_live(live_id)
    try:
        observation.remove(live, user_id)
    except observation.ObservationError:
        abort(404)
    db.session.commit()
    flash(_("Observer removed."), "success")
    return redirect(url_for(".observe", live_id=live.id) + "#observers")


EVALUATION_COLUMNS = [
    ("kind", _l("kind")),
    ("team", _l("team")),
    ("minute", _l("minute")),
    ("inject", _l("inject")),
    ("capability", _l("capability")),
    ("rating", _l("rating")),
    ("text", _l("note or comment")),
    ("observer", _l("observer")),
    ("at", _l("written at")),
]


def evaluation_rows(live: LiveSession) -> tuple[list, list]:
    """The notes and the ratings of a live run as rows, for CSV (one table) and XLSX (two sheets)."""
    scenario = runs.live_scenario(live)
    names = dict(
        db.session.execute(
            sa.select(ExerciseRun.id, ExerciseRun.team_name).where(ExerciseRun.live_id == live.id)
        ).all()
    )

    def team(run_id):
        return _("Team %(n)s", n=names[run_id]) if run_id in names else _("Every team")

    def inject_text(inject_id):
        inject = scenario.inject(inject_id) if inject_id else None
        return f"{inject.at}′ {text(inject.text)}" if inject else ""

    note_rows = [
        [
            _("note"),
            team(n.run_id),
            n.minute,
            inject_text(n.inject_id),
            "",
            "",
            n.text,
            n.author.name if n.author else "",
            n.created_at,
        ]
        for n in observation.notes(live)
    ]
    rating_rows = []
    for run in live.teams:
        for r in observation.ratings(run):
            capability = scenario.capability(r.capability)
            rating_rows.append(
                [
                    _("rating"),
                    team(run.id),
                    None,
                    "",
                    text(capability.name) if capability else r.capability,
                    r.rating,
                    r.comment,
                    r.observer.name if r.observer else "",
                    r.rated_at,
                ]
            )
    return note_rows, rating_rows


@bp.route("/live/<int:live_id>/evaluations.<fmt>")
@roles(*permissions.STAFF)
def export_evaluations(live_id, fmt):
    """Every observer's notes and ratings of the run, as CSV or XLSX (cells neutralised)."""
    live = observed_live(live_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    note_rows, rating_rows = evaluation_rows(live)
    name = f"exercise-live-{live.id}-evaluations.{fmt}"
    if fmt == "csv":
        return exports.csv_response(name, EVALUATION_COLUMNS, note_rows + rating_rows)
    return exports.xlsx_response(
        name,
        [
            (_("Notes"), EVALUATION_COLUMNS, note_rows),
            (_("Ratings"), EVALUATION_COLUMNS, rating_rows),
        ],
    )
