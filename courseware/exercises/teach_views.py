"""Exercises for instructors: live classes (clock, injects, projector), reviews of posts, reports."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.accounts.models import Cohort, cohort_member, User
from courseware.db import db
from courseware.exercises import engine, messages, report, runs, scope
from courseware.exercises.models import Exercise, ExerciseRun, LiveSession, PostReview, RunAction
from courseware.timeutil import utcnow

bp = Blueprint("teach_exercises", __name__, url_prefix="/teach/exercises")
STAFF = permissions.STAFF
MAX_TEAMS = 12


def get_live(live_id: int) -> LiveSession:
    """The live run, if the user may control it; 404 otherwise, so ids leak nothing."""
    live = db.session.get(LiveSession, live_id)
    if live is None or not scope.may_control_live(current_user, live):
        abort(404)
    return live


@bp.route("/")
@roles(*STAFF)
def index():
    exercises = list(
        db.session.scalars(
            sa.select(Exercise)
            .where(Exercise.archived_at.is_(None))
            .order_by(Exercise.course_id, Exercise.id)
        )
    )
    lives = list(
        db.session.scalars(
            scope.visible_lives(current_user).order_by(LiveSession.id.desc()).limit(20)
        )
    )
    recent = list(
        db.session.scalars(
            sa.select(ExerciseRun)
            .where(
                ExerciseRun.live_id.is_(None),
                ExerciseRun.status == "finished",
                permissions.learner_clause(current_user, ExerciseRun.user_id),
            )
            .order_by(ExerciseRun.finished_at.desc())
            .limit(50)
        )
    )
    users = (
        {
            u.id: u
            for u in db.session.scalars(
                sa.select(User).where(User.id.in_({r.user_id for r in recent}))
            )
        }
        if recent
        else {}
    )
    cohorts = list(
        db.session.scalars(permissions.visible_cohorts(current_user).order_by(Cohort.name))
    )
    return render_template(
        "exercises/teach/index.html",
        exercises=exercises,
        lives=lives,
        recent=recent,
        users=users,
        cohorts=cohorts,
    )


@bp.route("/<int:exercise_id>/live", methods=["POST"])
@roles(*STAFF)
def create_live(exercise_id):
    """A live run for a class: its learners split into teams, each team one official account."""
    exercise = db.session.get(Exercise, exercise_id)
    if exercise is None or exercise.archived_at is not None:
        abort(404)
    cohort = db.session.get(Cohort, int(request.form.get("cohort", "0") or 0))
    if cohort is not None and not scope.may_run_live_for(current_user, cohort):
        abort(404)
    try:
        team_count = int(request.form.get("teams", "1"))
        speed = float(request.form.get("speed", "1"))
    except ValueError:
        team_count, speed = 0, 0
    if cohort is None:
        flash(_("Choose a class."), "error")
        return redirect(url_for(".index"))
    if not 1 <= team_count <= MAX_TEAMS or not 0.1 <= speed <= 60:
        flash(
            _(
                "Teams must be 1–%(max)d and the speed 0.1–60 simulated minutes per minute.",
                max=MAX_TEAMS,
            ),
            "error",
        )
        return redirect(url_for(".index"))
    members = list(
        db.session.scalars(
            sa.select(cohort_member.c.user_id)
            .where(cohort_member.c.cohort_id == cohort.id)
            .order_by(cohort_member.c.user_id)
        )
    )
    if not members:
        flash(_("That class has no learners."), "error")
        return redirect(url_for(".index"))
    # Stored as a number and named in each reader's language when shown.
    teams = [(str(i + 1), members[i::team_count]) for i in range(min(team_count, len(members)))]
    live = runs.create_live(exercise, current_user.id, cohort.id, teams, speed)
    record(
        "exercise.live",
        f"exercise:{exercise.slug}",
        {"live": live.id, "cohort": cohort.name, "teams": len(teams)},
    )
    db.session.commit()
    return redirect(url_for(".control", live_id=live.id))


def _live_context(live: LiveSession):
    now = utcnow()
    scenario = live.exercise.scenario
    teams = []
    for run in live.teams:
        state = runs.replay(run, now)
        teams.append((run, state, [e for e in state.log if e.kind in ("post", "reply")]))
    shared = teams[0][1] if teams else engine.run(scenario, live.seed, [])
    users = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.id.in_({m for r in live.teams for m in r.members or []}))
        )
    }
    return dict(
        live=live,
        scenario=scenario,
        teams=teams,
        shared=shared,
        minute=runs.live_minute(live, now),
        next_up=engine.next_inject(scenario, shared),
        users=users,
        messages=messages,
        persona=scenario.persona,
    )


@bp.route("/live/<int:live_id>")
@roles(*STAFF)
def control(live_id):
    return render_template("exercises/teach/control.html", **_live_context(get_live(live_id)))


@bp.route("/live/<int:live_id>/control", methods=["POST"])
@roles(*STAFF)
def command(live_id):
    live = get_live(live_id)
    try:
        runs.control_live(
            live, request.form.get("command", ""), request.form, current_user.id, utcnow()
        )
    except engine.ActionError as error:
        db.session.rollback()
        flash(messages.error_message(error), "error")
    else:
        db.session.commit()
    return redirect(url_for(".control", live_id=live.id))


@bp.route("/live/<int:live_id>/board")
@roles(*STAFF)
def control_board(live_id):
    return render_template(
        "exercises/teach/_control_board.html", **_live_context(get_live(live_id))
    )


@bp.route("/live/<int:live_id>/projector")
@roles(*STAFF)
def projector(live_id):
    return render_template("exercises/teach/projector.html", **_live_context(get_live(live_id)))


@bp.route("/live/<int:live_id>/projector/board")
@roles(*STAFF)
def projector_board(live_id):
    return render_template(
        "exercises/teach/_projector_board.html", **_live_context(get_live(live_id))
    )


@bp.route("/live/<int:live_id>/report")
@roles(*STAFF)
def live_report(live_id):
    live = get_live(live_id)
    now = utcnow()
    reports = [report.build(run, now) for run in live.teams]
    return render_template(
        "exercises/teach/live_report.html",
        live=live,
        reports=reports,
        scenario=live.exercise.scenario,
        messages=messages,
    )


@bp.route("/runs/<int:run_id>/review", methods=["GET", "POST"])
@roles(*STAFF)
def review(run_id):
    """Score each post on the rubric: accept the automatic score or override it with a comment."""
    run = db.session.get(ExerciseRun, run_id)
    if run is None or not scope.may_review_run(current_user, run):
        abort(404)
    now = utcnow()
    if request.method == "POST":
        action = db.session.get(RunAction, int(request.form.get("action", "0") or 0))
        try:
            score = float(request.form.get("score", "").replace(",", "."))
        except ValueError:
            score = -1
        comment = request.form.get("comment", "").strip()[:2000]
        if action is None or action.run_id != run.id or action.kind not in ("post", "reply"):
            abort(404)
        if not 0 <= score <= 100:
            flash(_("A score is a number from 0 to 100."), "error")
        else:
            existing = db.session.scalar(
                sa.select(PostReview).where(PostReview.action_id == action.id)
            )
            before = existing.score if existing else None
            if existing is None:
                existing = PostReview(run_id=run.id, action_id=action.id, score=score)
                db.session.add(existing)
            existing.score, existing.comment = score, comment
            existing.reviewer_id, existing.reviewed_at = current_user.id, now
            db.session.flush()
            runs.rescore(run, now)
            record(
                "exercise.review",
                f"run:{run.id}",
                {"action": action.id, "before": before, "after": score, "comment": comment},
            )
            db.session.commit()
            flash(_("Score saved."), "success")
        return redirect(url_for(".review", run_id=run.id))
    data = report.build(run, now)
    return render_template("exercises/teach/review.html", **data, messages=messages)
