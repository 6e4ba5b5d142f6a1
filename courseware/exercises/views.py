"""Playing an exercise: the briefing, the simulated microblog, actions, and the after-action report."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, Blueprint, flash, redirect, render_template, Response, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courseware import exports
from courseware.access import signed_in
from courseware.accounts.models import User
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises import engine, messages, report, runs, scope, teams
from courseware.exercises.forms import ActForm, DraftForm, JoinForm, SpokespersonForm
from courseware.exercises.models import Exercise, ExerciseRun, RunStatus
from courseware.timeutil import utcnow

bp = Blueprint("exercises", __name__, url_prefix="/exercises")


@bp.app_template_filter("team")
def team_label(name: str) -> str:
    """A live team's name in the reader's language: teams are stored by number."""
    return _("Team %(n)s", n=name) if name.isdigit() else name


def get_exercise(course_slug: str, slug: str) -> Exercise:
    exercise = db.session.scalar(
        sa.select(Exercise)
        .join(Course, Course.id == Exercise.course_id)
        .where(
            Course.slug == course_slug,
            Exercise.slug == slug,
            Exercise.archived_at.is_(None),
            Course.archived_at.is_(None),
        )
    )
    if exercise is None:
        abort(404)
    return exercise


def get_run(run_id: int, staff_may_read: bool = False) -> ExerciseRun:
    """A run is its player's (or team's); its teachers may read it, never play it."""
    run = db.session.get(ExerciseRun, run_id)
    if run is None:
        abort(404)
    if runs.may_play(run, current_user.id) or (
        staff_may_read and scope.may_review_run(current_user, run)
    ):
        return run
    abort(404)


@bp.route("/<course_slug>/<slug>")
@signed_in
def intro(course_slug, slug):
    exercise = get_exercise(course_slug, slug)
    mine = list(
        db.session.scalars(
            sa.select(ExerciseRun)
            .where(ExerciseRun.exercise_id == exercise.id, ExerciseRun.user_id == current_user.id)
            .order_by(ExerciseRun.id)
        )
    )
    return render_template(
        "exercises/intro.html",
        exercise=exercise,
        scenario=exercise.scenario,
        runs=mine,
        open_run=next((r for r in mine if r.status == RunStatus.OPEN), None),
    )


@bp.route("/<course_slug>/<slug>/start", methods=["POST"])
@signed_in
def start(course_slug, slug):
    exercise = get_exercise(course_slug, slug)
    run = runs.start_run(exercise, current_user.id, utcnow())
    db.session.commit()
    return redirect(url_for(".play", run_id=run.id))


def newest_first(log: list) -> list:
    """The timeline newest first, with the public's reactions kept under the post they answer."""
    groups: list[list] = []
    for event in log:
        if event.kind == "reaction" and groups:
            groups[-1].append(event)
        else:
            groups.append([event])
    return [event for group in reversed(groups) for event in group]


@dataclass(frozen=True)
class Draft:
    """A post or reply the server refused, given back as typed, with the reason to show beside its box."""

    text: str
    error: str
    reply_to: str = ""  # the inject whose reply box gets it back; "" for the post box


def _team_context(run: ExerciseRun) -> dict:
    """What a live team's page adds: its members, its spokesperson, the proposals waiting for them
    and who wrote each post."""
    if run.live is None:
        return dict(members={}, authors={}, drafts=[], proposes=False, spokesperson=False)
    return dict(
        members=teams.member_names(run),
        authors=teams.authors(run),
        drafts=teams.waiting_drafts(run),
        proposes=teams.proposes(run, current_user.id),
        spokesperson=run.spokesperson_id is not None and run.spokesperson_id == current_user.id,
    )


def _play_context(run: ExerciseRun):
    now = utcnow()
    state = runs.replay(run, now)
    scenario = run.scenario
    is_open = run.status == RunStatus.OPEN
    return dict(
        **_team_context(run),
        run=run,
        scenario=scenario,
        state=state,
        messages=messages,
        pending=engine.pending_decisions(scenario, state),
        feed=newest_first(state.log),
        persona=scenario.persona,
        inject=scenario.inject,
        draft=None,
        replyable=engine.answerable(state) if is_open else set(),
        # A finished run's page would be sent on to the report by the next poll, taking a refused text with it.
        polling=is_open and (run.live is not None or scenario.clock == "realtime"),
    )


@bp.route("/runs/<int:run_id>")
@signed_in
def play(run_id):
    run = get_run(run_id)
    if run.status == RunStatus.FINISHED:
        return redirect(url_for(".report_page", run_id=run.id))
    return render_template("exercises/play.html", **_play_context(run))


@bp.route("/runs/<int:run_id>/feed")
@signed_in
def feed(run_id):
    """The part of the page that changes, for pages that poll (live classes and real-time runs)."""
    run = get_run(run_id)
    if run.status == RunStatus.FINISHED:
        response = Response(status=204)
        response.headers["HX-Redirect"] = url_for(".report_page", run_id=run.id)
        return response
    return render_template("exercises/_board.html", **_play_context(run))


@bp.route("/runs/<int:run_id>/act", methods=["POST"])
@signed_in
def act(run_id):
    run = get_run(run_id)
    form = ActForm()
    kind = form.kind.data or ""
    if not form.validate_on_submit():
        if kind in engine.post_actions():
            return refused_post(run, form, form.first_error())
        flash(form.first_error(), "error")
        return redirect(url_for(".play", run_id=run.id))
    try:
        runs.act(run, current_user.id, runs.action_from_form(kind, form.fields()), utcnow())
    except engine.ActionError as error:
        db.session.rollback()
        if kind in engine.post_actions():
            return refused_post(run, form, messages.error_message(error))
        flash(messages.error_message(error), "error")
        return redirect(url_for(".play", run_id=run.id))
    db.session.commit()
    if run.status == RunStatus.FINISHED:
        return redirect(url_for(".report_page", run_id=run.id))
    return redirect(url_for(".play", run_id=run.id) + ("#feed" if kind != "post" else ""))


def refused_post(run: ExerciseRun, form: ActForm, error: str):
    """Show the page again with the refused text in its box and the reason beside it: a redirect
    would lose what the learner typed (a cookie cannot carry 2,000 characters)."""
    context = _play_context(run)
    target = form.target.data or ""
    # A reply to a message the page no longer offers goes back into the post box, so it is not lost.
    reply_to = target if form.kind.data == "reply" and target in context["replyable"] else ""
    context["draft"] = Draft(form.text.data or "", error, reply_to)
    return render_template("exercises/play.html", **context), 422


@bp.route("/runs/<int:run_id>/finish", methods=["POST"])
@signed_in
def finish(run_id):
    run = get_run(run_id)
    if run.live is not None:
        flash(str(messages.ACTION_ERRORS["not_now"]), "error")
        return redirect(url_for(".play", run_id=run.id))
    runs.finish_run(run, utcnow())
    db.session.commit()
    return redirect(url_for(".report_page", run_id=run.id))


@bp.route("/runs/<int:run_id>/report")
@signed_in
def report_page(run_id):
    run = get_run(run_id, staff_may_read=True)
    return render_template(
        "exercises/report.html",
        **report.build(run, utcnow()),
        messages=messages,
    )


@bp.route("/runs/<int:run_id>/report.csv")
@signed_in
def report_csv(run_id):
    run = get_run(run_id, staff_may_read=True)
    return exports.csv_response(
        f"exercise-run-{run.id}.csv", *report.table(report.build(run, utcnow()))
    )


@bp.route("/runs/<int:run_id>/report.pdf")
@signed_in
def report_pdf(run_id):
    """The after-action report as a PDF, for the player (or team) and whoever may read the run."""
    from courseware.exercises import pdf  # ReportLab loads when a PDF is asked for

    run = get_run(run_id, staff_may_read=True)
    now = utcnow()
    return Response(
        pdf.run_report(report.build(run, now), player_name(run), now),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=exercise-run-{run.id}.pdf"},
    )


def player_name(run: ExerciseRun) -> str:
    """Who played the run: the learner, or a live team with its members."""
    if run.live is None:
        user = db.session.get(User, run.user_id) if run.user_id else None
        return user.name if user else ""
    names = teams.member_names(run)
    return team_label(run.team_name) + (f" ({'、'.join(names.values())})" if names else "")


@bp.route("/live")
@signed_in
def live_list(join_form=None):
    """Live classes the learner's team is in, and the box for the code on the projector."""
    return render_template(
        "exercises/live_list.html",
        runs=runs.learner_live_runs(current_user.id),
        join_form=join_form or JoinForm(),
    ), (400 if join_form and join_form.errors else 200)


JOIN_ERRORS = {
    "no_such_code": _l("No live exercise has that code: check it against the projector."),
    "other_class": _l("That live exercise is for another class; ask your instructor."),
}


@bp.route("/live/join", methods=["POST"])
@signed_in
def join():
    """Join the live run whose code is on the projector: the learner's own team, or the smallest."""
    form = JoinForm()
    if not form.validate_on_submit():
        return live_list(join_form=form)
    try:
        run = teams.join_live(form.code.data, current_user.id)
    except teams.JoinError as error:
        form.code.errors.append(str(JOIN_ERRORS[error.code]))
        return live_list(join_form=form)
    db.session.commit()
    return redirect(url_for(".play", run_id=run.id))


def _open_team_run(run_id: int) -> ExerciseRun:
    """A live team's run, for its members only."""
    run = get_run(run_id)
    if run.live is None:
        abort(404)
    return run


@bp.route("/runs/<int:run_id>/spokesperson", methods=["POST"])
@signed_in
def spokesperson(run_id):
    """Any member names the team's spokesperson, or no one."""
    run = _open_team_run(run_id)
    form = SpokespersonForm(members=teams.member_names(run).items())
    if not form.validate_on_submit():
        flash(form.first_error(), "error")
        return redirect(url_for(".play", run_id=run.id))
    teams.set_spokesperson(run, form.chosen)
    db.session.commit()
    flash(
        _("%(name)s now publishes for the team.", name=teams.member_names(run)[form.chosen])
        if form.chosen
        else _("Every member of the team now posts."),
        "success",
    )
    return redirect(url_for(".play", run_id=run.id))


@bp.route("/runs/<int:run_id>/drafts", methods=["POST"])
@signed_in
def propose(run_id):
    """A teammate proposes a post or reply to the spokesperson."""
    run = _open_team_run(run_id)
    form = DraftForm()
    if not form.validate_on_submit():
        return refused_post(run, form, form.first_error())
    try:
        teams.propose(
            run, current_user.id, form.kind.data, form.target.data, form.text.data or "", utcnow()
        )
    except engine.ActionError as error:
        db.session.rollback()
        return refused_post(run, form, messages.error_message(error))
    db.session.commit()
    flash(_("Proposed to the spokesperson."), "success")
    return redirect(url_for(".play", run_id=run.id) + "#drafts")


@bp.route("/runs/<int:run_id>/drafts/<int:draft_id>/publish", methods=["POST"])
@signed_in
def publish_draft(run_id, draft_id):
    """The spokesperson publishes a proposal, as proposed or edited."""
    return _decide_draft(run_id, draft_id, "publish")


@bp.route("/runs/<int:run_id>/drafts/<int:draft_id>/discard", methods=["POST"])
@signed_in
def discard_draft(run_id, draft_id):
    """The spokesperson sets a proposal aside, or its author withdraws it."""
    return _decide_draft(run_id, draft_id, "discard")


def _decide_draft(run_id: int, draft_id: int, decision: str):
    run = _open_team_run(run_id)
    form = DraftForm()
    if not form.validate_on_submit():
        flash(form.first_error(), "error")
        return redirect(url_for(".play", run_id=run.id) + "#drafts")
    now = utcnow()
    try:
        draft = teams.open_draft(run, draft_id)
        if decision == "publish":
            teams.publish_draft(run, draft, current_user.id, form.text.data or "", now)
        else:
            teams.discard_draft(run, draft, current_user.id, now)
    except engine.ActionError as error:
        db.session.rollback()
        # The spokesperson's edit is kept with the proposal, so a refusal (a pause) loses nothing.
        if decision == "publish" and (form.text.data or "").strip():
            teams.keep_edit(run, draft_id, current_user.id, form.text.data)
            db.session.commit()
        flash(messages.error_message(error), "error")
        return redirect(url_for(".play", run_id=run.id) + "#drafts")
    db.session.commit()
    if run.status == RunStatus.FINISHED:
        return redirect(url_for(".report_page", run_id=run.id))
    return redirect(url_for(".play", run_id=run.id) + "#feed")
