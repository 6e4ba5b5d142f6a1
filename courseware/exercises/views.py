"""Playing an exercise: the briefing, the simulated microblog, actions, and the after-action report."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, Blueprint, flash, redirect, render_template, Response, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware import exports
from courseware.access import signed_in
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises import engine, messages, report, runs, scope
from courseware.exercises.forms import ActForm
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


def _play_context(run: ExerciseRun):
    now = utcnow()
    state = runs.replay(run, now)
    scenario = run.exercise.scenario
    is_open = run.status == RunStatus.OPEN
    return dict(
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


@bp.route("/live")
@signed_in
def live_list():
    """Live classes the learner's team is in."""
    return render_template("exercises/live_list.html", runs=runs.learner_live_runs(current_user.id))
