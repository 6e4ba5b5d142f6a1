"""Exercises for instructors: live classes (clock, injects, projector), reviews of posts, reports."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    abort,
    Blueprint,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    Response,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from courseware import caching, permissions
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.accounts.models import Cohort, User
from courseware.db import built_once, db
from courseware.exercises import engine, messages, projection, report, runs, scope
from courseware.exercises import teams as team_work
from courseware.exercises.forms import CommandForm, LiveForm, ReviewForm
from courseware.exercises.models import (
    Exercise,
    ExerciseRun,
    LiveObserver,
    LiveSession,
    RunAction,
    RunStatus,
)
from courseware.formfields import row_id
from courseware.templating import kept_part
from courseware.timeutil import utcnow

bp = Blueprint("teach_exercises", __name__, url_prefix="/teach/exercises")


def get_live(live_id: int) -> LiveSession:
    """The live run, if the user may control it; 404 otherwise, so ids leak nothing."""
    live = db.session.get(LiveSession, live_id)
    if live is None or not scope.may_control_live(current_user, live):
        abort(404)
    return live


# An exercise on the instructors' exercise page with its form to prepare a live run, kept by
# everything it is rendered from (rule 1 of courseware/caching.py): the exercise, its title and
# scenario, its course, whether the reader edits the course, and the classes the form offers.
# Each request fills in its CSRF token; a refused form that comes back is rendered anew.
_ARTICLES = caching.Cache("exercise_articles", max_size=512)


def exercise_articles(cohorts, live_form=None, live_exercise_id=None):
    """A function of an exercise that gives its article on the page (the template's
    exercises/teach/_exercise_article.html), kept unless `live_form` was refused for it."""
    macro = get_template_attribute("exercises/teach/_exercise_article.html", "exercise_article")
    offered = tuple((cohort.id, cohort.name) for cohort in cohorts)

    def article(exercise):
        may_edit = permissions.edits_course(current_user, exercise.course)
        if live_form is not None and live_exercise_id == exercise.id:
            return macro(exercise, cohorts, live_form, may_edit)
        key = (
            exercise.id,
            exercise.slug,
            exercise.content_hash,
            tuple(sorted(exercise.title.items())),
            exercise.course.slug,
            may_edit,
            offered,
        )
        return kept_part(_ARTICLES, key, lambda: macro(exercise, cohorts, None, may_edit))

    return article


@permissions.built_per_viewer
def _index_statements(user) -> dict[str, sa.Select]:
    """The exercise list's queries for one viewer: what they may control, see and observe."""
    return {
        "exercises": sa.select(Exercise)
        .where(Exercise.archived_at.is_(None))
        .order_by(Exercise.course_id, Exercise.id)
        # The scenario comes from the per-process cache by its hash; the JSON is read on a miss.
        # The courses in the same query: each exercise links to its course's pages.
        .options(sa.orm.defer(Exercise.data), sa.orm.joinedload(Exercise.course)),
        "lives": scope.visible_lives(user).order_by(LiveSession.id.desc()).limit(20),
        "recent": sa.select(ExerciseRun)
        .where(
            ExerciseRun.live_id.is_(None),
            ExerciseRun.status == RunStatus.FINISHED,
            permissions.learner_clause(user, ExerciseRun.user_id),
        )
        .order_by(ExerciseRun.finished_at.desc())
        .limit(50),
        "cohorts": permissions.visible_cohorts(user).order_by(Cohort.name),
        "observed": sa.select(LiveSession)
        .join(LiveObserver, LiveObserver.live_id == LiveSession.id)
        .where(LiveObserver.user_id == user.id)
        .order_by(LiveSession.id.desc())
        .limit(20),
    }


@built_once
def _users_by_id():
    return sa.select(User).where(User.id.in_(sa.bindparam("user_ids", expanding=True)))


@bp.route("/")
@roles(*permissions.STAFF)
def index(live_form=None, live_exercise_id=None):
    statements = _index_statements(current_user)
    exercises = list(db.session.scalars(statements["exercises"]))
    lives = list(db.session.scalars(statements["lives"]))
    recent = list(db.session.scalars(statements["recent"]))
    users = (
        {
            u.id: u
            for u in db.session.scalars(
                _users_by_id(), {"user_ids": sorted({r.user_id for r in recent})}
            )
        }
        if recent
        else {}
    )
    cohorts = list(db.session.scalars(statements["cohorts"]))
    observed = list(db.session.scalars(statements["observed"]))
    return render_template(
        "exercises/teach/index.html",
        observed=observed,
        messages=messages,
        exercises=exercises,
        lives=lives,
        recent=recent,
        users=users,
        exercise_article=exercise_articles(cohorts, live_form, live_exercise_id),
    )


@bp.route("/<int:exercise_id>/live", methods=["POST"])
@roles(*permissions.STAFF)
def create_live(exercise_id):
    """A live run for a class: its learners split into teams, each team one official account."""
    exercise = db.session.get(Exercise, exercise_id)
    if exercise is None or exercise.archived_at is not None:
        abort(404)
    form = LiveForm(cohorts=db.session.scalars(permissions.visible_cohorts(current_user)))
    chosen = db.session.get(Cohort, form.cohort.data) if isinstance(form.cohort.data, int) else None
    if chosen is not None and not scope.may_run_live_for(current_user, chosen):
        abort(404)  # another instructor's class: as if there were no such class
    if not form.validate_on_submit():
        return index(live_form=form, live_exercise_id=exercise.id), 400
    cohort = chosen
    teams = runs.split_into_teams(cohort.id, form.teams.data)
    if not teams:
        form.cohort.errors.append(_("That class has no learners."))
        return index(live_form=form, live_exercise_id=exercise.id), 400
    live = runs.create_live(exercise, current_user.id, cohort.id, teams, form.speed.data)
    record(
        "exercise.live",
        f"exercise:{exercise.slug}",
        {"live": live.id, "cohort": cohort.name, "teams": len(teams)},
    )
    db.session.commit()
    return redirect(url_for(".control", live_id=live.id))


def _live_context(live: LiveSession):
    now = utcnow()
    scenario = runs.live_scenario(live)
    teams = []
    for run in live.teams:
        state = runs.replay(run, now)
        teams.append((run, state, state.posts()))
    shared = teams[0][1] if teams else engine.run(scenario, live.seed, [])
    states = [state for _run, state, _posts in teams]
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
        authors={run.id: team_work.authors(run) for run in live.teams},
        join_code=runs.join_code(live),
        current=projection.current_event(scenario, shared),
        scale=projection.team_scale(states),
    )


@bp.route("/live/<int:live_id>")
@roles(*permissions.STAFF)
def control(live_id):
    return render_template("exercises/teach/control.html", **_live_context(get_live(live_id)))


@bp.route("/live/<int:live_id>/control", methods=["POST"])
@roles(*permissions.STAFF)
def command(live_id):
    live = get_live(live_id)
    form = CommandForm(
        personas=[(p.id, p.id) for p in runs.live_scenario(live).personas],
        channels=messages.CHANNELS.items(),
    )
    if not form.validate_on_submit():
        return render_template(
            "exercises/teach/control.html", **_live_context(live), command_form=form
        ), 400
    try:
        runs.control_live(live, form.command.data, form.fields(), current_user.id, utcnow())
    except engine.ActionError as error:
        db.session.rollback()
        flash(messages.error_message(error), "error")
    else:
        db.session.commit()
    return redirect(url_for(".control", live_id=live.id))


@bp.route("/live/<int:live_id>/board")
@roles(*permissions.STAFF)
def control_board(live_id):
    return render_template(
        "exercises/teach/_control_board.html", **_live_context(get_live(live_id))
    )


@bp.route("/live/<int:live_id>/projector")
@roles(*permissions.STAFF)
def projector(live_id):
    return render_template("exercises/teach/projector.html", **_live_context(get_live(live_id)))


@bp.route("/live/<int:live_id>/projector/board")
@roles(*permissions.STAFF)
def projector_board(live_id):
    return render_template(
        "exercises/teach/_projector_board.html", **_live_context(get_live(live_id))
    )


@bp.route("/live/<int:live_id>/projector/full")
@roles(*permissions.STAFF)
def projector_full(live_id):
    """The projector in large type for the back of the room: no site menu, the clock, the current
    inject, every team's metrics on one scale and the join code."""
    return render_template(
        "exercises/teach/projector_full.html", **_live_context(get_live(live_id))
    )


@bp.route("/live/<int:live_id>/projector/full/board")
@roles(*permissions.STAFF)
def projector_full_board(live_id):
    return render_template(
        "exercises/teach/_projector_full_board.html", **_live_context(get_live(live_id))
    )


@bp.route("/live/<int:live_id>/report")
@roles(*permissions.STAFF)
def live_report(live_id):
    """Every team's after-action report side by side, for the instructor and the observers."""
    live = db.session.get(LiveSession, live_id)
    if live is None or not scope.may_observe_live(current_user, live):
        abort(404)
    now = utcnow()
    reports = report.side_by_side(live.teams, now)
    return render_template(
        "exercises/teach/live_report.html",
        live=live,
        reports=reports,
        scenario=runs.live_scenario(live),
        can_review=scope.may_control_live(current_user, live),
        messages=messages,
    )


@bp.route("/live/<int:live_id>/report.pdf")
@roles(*permissions.STAFF)
def live_report_pdf(live_id):
    """Every team's after-action report in one PDF, after a summary of the class."""
    from courseware.exercises import pdf  # ReportLab loads when a PDF is asked for

    live = db.session.get(LiveSession, live_id)
    if live is None or not scope.may_observe_live(current_user, live):
        abort(404)
    now = utcnow()
    teams = []
    for run in live.teams:
        names = team_work.member_names(run)
        teams.append(
            (report.build(run, now), _("Team %(n)s", n=run.team_name), "、".join(names.values()))
        )
    return Response(
        pdf.class_report(runs.live_scenario(live), teams, now),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=exercise-live-{live.id}.pdf"},
    )


@bp.route("/runs/<int:run_id>/review", methods=["GET", "POST"])
@roles(*permissions.STAFF)
def review(run_id):
    """Score each post on the rubric: accept the automatic score or override it with a comment."""
    run = db.session.get(ExerciseRun, run_id)
    if run is None or not scope.may_review_run(current_user, run):
        abort(404)
    now = utcnow()
    form = ReviewForm()
    if form.is_submitted():
        action = db.session.get(RunAction, form.action.data) if row_id(form.action.data) else None
        if action is None or action.run_id != run.id or action.kind not in engine.post_actions():
            abort(404)
        if form.validate():
            runs.review_post(
                run, action, form.score.data, form.comment.data.strip(), current_user.id, now
            )
            db.session.commit()
            flash(_("Score saved."), "success")
            return redirect(url_for(".review", run_id=run.id))
    data = report.build(run, now)
    return render_template(
        "exercises/teach/review.html",
        **data,
        review_form=form if form.is_submitted() else None,
        messages=messages,
    ), (400 if form.errors else 200)
