"""Runs on the server: which actions a run holds, what the clock says, acting, finishing, live control.

Every request rebuilds a run's state by replaying its stored actions through the engine.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa

from courseware import caching, signals
from courseware.accounts.audit import record
from courseware.accounts.models import cohort_member
from courseware.courses.models import Course, kept_content
from courseware.db import built_once, db, read_rows
from courseware.exercises import engine
from courseware.exercises.models import (
    Exercise,
    ExerciseItem,
    ExerciseRun,
    LiveSession,
    LiveStatus,
    PostReview,
    RunAction,
    RunStatus,
)

MAX_POST_CHARS = 2000
# Join codes leave out letters and digits that read alike on a projector (0/O, 1/I/L).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def run_actions(run: ExerciseRun) -> list[RunAction]:
    """The run's own actions and, in a live class, the instructor's injects, in the order they happened."""
    query = sa.select(RunAction).where(RunAction.run_id == run.id)
    if run.live_id is not None:
        query = sa.select(RunAction).where(
            sa.or_(
                RunAction.run_id == run.id,
                sa.and_(RunAction.live_id == run.live_id, RunAction.run_id.is_(None)),
            )
        )
    return list(db.session.scalars(query.order_by(RunAction.id)))


def to_engine(row: RunAction) -> engine.Action:
    p = row.payload or {}
    return engine.Action(
        row.kind,
        at=row.at_minute,
        text=p.get("text", ""),
        target=p.get("target", ""),
        option=p.get("option", ""),
        minutes=p.get("minutes", 0),
        persona=p.get("persona", ""),
        channel=p.get("channel", ""),
        ref=row.id,
    )


def live_scenario(live: LiveSession):
    """The scenario a live class is played with: its teams' stored version (they start together
    and are stamped together when a newer scenario is published), not the exercise's current
    one, which may have changed since the class began."""
    for run in live.teams:
        return run.scenario
    return live.exercise.scenario


def live_minute(live: LiveSession, now: dt.datetime) -> float:
    """The live class's simulated minute: real time since the start, less the pauses, times the speed."""
    if live.started_at is None:
        return 0.0
    until = live.paused_at or now
    seconds = (until - live.started_at).total_seconds() - live.paused_seconds
    return max(0.0, seconds / 60 * live.speed)


def clock_minute(run: ExerciseRun, now: dt.datetime) -> float | None:
    """The minute the clock shows now; None when the clock moves only with the trainee's actions."""
    scenario = run.scenario
    if run.status == RunStatus.FINISHED:
        return float(scenario.duration)
    if run.live is not None:
        return live_minute(run.live, now)
    if scenario.clock == "realtime":
        return (now - run.started_at).total_seconds() / scenario.seconds_per_minute
    return None


def replay(run: ExerciseRun, now: dt.datetime, extra: engine.Action | None = None) -> engine.State:
    if run.live is not None and run.live.status == LiveStatus.WAITING and extra is None:
        return engine.start(run.scenario)  # nothing happens before the instructor starts
    actions = [to_engine(a) for a in run_actions(run)] + ([extra] if extra else [])
    until = clock_minute(run, now)
    return engine.run(run.scenario, run.seed, actions, until=until)


def overrides(run: ExerciseRun) -> dict[int, float]:
    return dict(
        db.session.execute(
            sa.select(PostReview.action_id, PostReview.score).where(PostReview.run_id == run.id)
        ).all()
    )


def reviews(run: ExerciseRun) -> dict[int, PostReview]:
    return {
        r.action_id: r
        for r in db.session.scalars(sa.select(PostReview).where(PostReview.run_id == run.id))
    }


def start_run(exercise: Exercise, user_id: int, now: dt.datetime) -> ExerciseRun:
    """Start a self-paced run, or return the one still open."""
    open_run = db.session.scalar(
        sa.select(ExerciseRun).where(
            ExerciseRun.exercise_id == exercise.id,
            ExerciseRun.user_id == user_id,
            ExerciseRun.live_id.is_(None),
            ExerciseRun.status == RunStatus.OPEN,
        )
    )
    if open_run is not None:
        return open_run
    run = ExerciseRun(
        exercise_id=exercise.id,
        user_id=user_id,
        members=[user_id],
        seed=secrets.randbits(48),
        status=RunStatus.OPEN,
        started_at=now,
    )
    db.session.add(run)
    db.session.flush()
    return run


def action_from_form(kind: str, form) -> engine.Action:
    text = (form.get("text") or "").strip()[:MAX_POST_CHARS]
    minutes = form.get("minutes", "0")
    try:
        minutes = max(0.0, min(600.0, float(minutes)))
    except ValueError:
        minutes = 0.0
    return engine.Action(
        kind,
        text=text,
        target=form.get("target", ""),
        option=form.get("option", ""),
        minutes=minutes,
    )


def act(
    run: ExerciseRun,
    user_id: int,
    action: engine.Action,
    now: dt.datetime,
    drafted_by: int | None = None,
) -> engine.State:
    """Check the action against a replay, then store it; engine.ActionError if it cannot be taken.

    In a live class nothing is done while the instructor has paused the clock, and a team with a
    spokesperson publishes through them alone (drafted_by: the teammate who proposed the text)."""
    if run.status != RunStatus.OPEN:
        raise engine.ActionError("finished")
    if action.kind not in engine.trainee_actions():
        raise engine.ActionError("unknown_action")
    minute = clock_minute(run, now)
    if run.live is not None:
        if run.live.status == LiveStatus.PAUSED:
            raise engine.ActionError("live_paused")
        if run.live.status != LiveStatus.RUNNING:
            raise engine.ActionError("live_not_running")
        if (
            action.kind in engine.post_actions()
            and run.spokesperson_id is not None
            and run.spokesperson_id != user_id
        ):
            raise engine.ActionError("spokesperson_publishes")
    action.at = minute
    state = replay(run, now, action)
    payload = {
        k: v
        for k, v in {
            "text": action.text,
            "target": action.target,
            "option": action.option,
            "minutes": action.minutes,
            "drafted_by": drafted_by if drafted_by != user_id else None,
        }.items()
        if v
    }
    db.session.add(
        RunAction(
            run_id=run.id,
            kind=action.kind,
            at_minute=minute,
            payload=payload,
            user_id=user_id,
            created_at=now,
        )
    )
    run.version += 1
    if state.finished:
        finish_run(run, now)
    db.session.flush()
    return state


def finish_run(run: ExerciseRun, now: dt.datetime) -> None:
    """End a run: the clock runs out to the scenario's end and the score is kept."""
    if run.status == RunStatus.FINISHED:
        return
    run.status, run.finished_at = RunStatus.FINISHED, now
    state = replay(run, now)
    keep_score(run, engine.scores(run.scenario, state, overrides(run)))
    run.version += 1
    db.session.flush()
    _check_course(run, now)


def _check_course(run: ExerciseRun, now: dt.datetime) -> None:
    """Announce the finished run, which may complete the course for its player or each member of
    its team."""
    players = set(run.members or []) | ({run.user_id} if run.user_id else set())
    signals.run_finished.send(run, user_ids=sorted(players), now=now)


def keep_score(run: ExerciseRun, scores: engine.Scores) -> None:
    run.score, run.passed = scores.total, scores.passed


def rescore(run: ExerciseRun, now: dt.datetime) -> None:
    if run.status == RunStatus.FINISHED:
        keep_score(run, engine.scores(run.scenario, replay(run, now), overrides(run)))
        run.version += 1
        db.session.flush()
        _check_course(run, now)


# --- live classes -----------------------------------------------------------------------------


def create_live(
    exercise: Exercise,
    instructor_id: int,
    cohort_id: int | None,
    teams: list[tuple[str, list[int]]],
    speed: float,
) -> LiveSession:
    live = LiveSession(
        exercise_id=exercise.id,
        cohort_id=cohort_id,
        instructor_id=instructor_id,
        status=LiveStatus.WAITING,
        seed=secrets.randbits(48),
        speed=speed,
        join_code=new_join_code(),
    )
    db.session.add(live)
    db.session.flush()
    for name, members in teams:
        db.session.add(
            ExerciseRun(
                exercise_id=exercise.id,
                live_id=live.id,
                team_name=name,
                members=members,
                seed=live.seed,
                status=RunStatus.OPEN,
            )
        )
    db.session.flush()
    return live


def new_join_code() -> str:
    """A join code no live run holds yet."""
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if (
            db.session.scalar(sa.select(LiveSession.id).where(LiveSession.join_code == code))
            is None
        ):
            return code


def join_code(live: LiveSession) -> str:
    """The live run's join code, given one now if it was prepared before runs had codes."""
    if live.join_code is None:
        live.join_code = new_join_code()
        db.session.commit()
    return live.join_code


def control_live(live: LiveSession, command: str, form, user_id: int, now: dt.datetime) -> None:
    """The instructor's buttons: start, pause, resume, next inject, ad-hoc inject, finish."""
    if command == "start" and live.status == LiveStatus.WAITING:
        live.status, live.started_at = LiveStatus.RUNNING, now
        for run in live.teams:
            run.started_at = now
    elif command == "pause" and live.status == LiveStatus.RUNNING:
        live.status, live.paused_at = LiveStatus.PAUSED, now
    elif command == "resume" and live.status == LiveStatus.PAUSED:
        live.paused_seconds += (now - live.paused_at).total_seconds()
        live.status, live.paused_at = LiveStatus.RUNNING, None
    elif command in ("next", "adhoc") and live.status in (LiveStatus.RUNNING, LiveStatus.PAUSED):
        payload = {}
        if command == "adhoc":
            text = (form.get("text") or "").strip()[:MAX_POST_CHARS]
            if not text:
                raise engine.ActionError("empty_post")
            payload = {
                "text": text,
                "persona": form.get("persona", ""),
                "channel": form.get("channel", "post"),
            }
        db.session.add(
            RunAction(
                live_id=live.id,
                run_id=None,
                kind="publish_next" if command == "next" else "adhoc",
                at_minute=live_minute(live, now),
                payload=payload,
                user_id=user_id,
                created_at=now,
            )
        )
    elif command == "finish" and live.status != LiveStatus.FINISHED:
        if live.status == LiveStatus.PAUSED:
            live.paused_seconds += (now - live.paused_at).total_seconds()
            live.paused_at = None
        live.status = LiveStatus.FINISHED
        db.session.flush()
        for run in live.teams:
            finish_run(run, now)
    else:
        raise engine.ActionError("not_now")
    live.version += 1
    for run in live.teams:
        run.version += 1
    db.session.flush()


def may_play(run: ExerciseRun, user_id: int) -> bool:
    return run.user_id == user_id or user_id in (run.members or [])


def learner_live_runs(user_id: int) -> list[ExerciseRun]:
    """The live team runs a learner belongs to that have not finished."""
    runs = db.session.scalars(
        sa.select(ExerciseRun)
        .join(LiveSession, LiveSession.id == ExerciseRun.live_id)
        .where(LiveSession.status != LiveStatus.FINISHED)
    )
    return [r for r in runs if user_id in (r.members or [])]


def runs_of(user_id: int, *conditions) -> list[ExerciseRun]:
    """A learner's runs, newest first: their own, and those of the live teams they were in."""
    return runs_of_learners([user_id], *conditions)[user_id]


def runs_of_learners(user_ids, *conditions) -> dict[int, list[ExerciseRun]]:
    """Several learners' runs, newest first, by user id: their own, and those of the live teams they
    were in. Members is JSON, so team membership is checked here rather than in SQL; the live runs
    that may hold a learner are read once for all of them."""
    users = list(user_ids)
    rows = db.session.scalars(
        sa.select(ExerciseRun)
        .where(
            sa.or_(ExerciseRun.user_id.in_(users), ExerciseRun.live_id.is_not(None)), *conditions
        )
        .order_by(ExerciseRun.started_at.desc())
    )
    return _runs_by_learner(rows, users)


def _runs_by_learner(rows, users) -> dict[int, list]:
    """Runs (objects or rows) by each of the users who played them, alone or in a team."""
    result: dict[int, list] = {user_id: [] for user_id in users}
    for run in rows:
        for user_id in {run.user_id, *(run.members or [])}:
            if user_id in result:
                result[user_id].append(run)
    return result


def best_runs(course: Course, user_id: int) -> dict[str, tuple[ExerciseItem, sa.Row | None, str]]:
    """Each exercise of a course with the learner's best finished run and its status for the course page.

    One learner's runs are read by the course, not by a list of exercises: a statement with a
    list of values is rendered again for each execution (44 against 19 µs)."""
    exercises = course_exercises(course)
    rows = read_rows(_runs_in_course(), {"user_id": user_id, "course_id": course.id})
    return _best_of_each(exercises, _runs_by_learner(rows, [user_id])[user_id])


@built_once
def _course_exercises():
    exercise = Exercise.__table__
    return sa.select(
        exercise.c.id, exercise.c.slug, exercise.c.title, exercise.c.content_hash
    ).where(exercise.c.course_id == sa.bindparam("course_id"), exercise.c.archived_at.is_(None))


# A course's exercises as its pages list them, by course version (courses/models.py), per process.
_COURSE_EXERCISES = caching.Cache("course_exercises", max_size=256)


def course_exercises(course: Course) -> tuple[ExerciseItem, ...]:
    """The course's exercises not taken out, kept by course version."""
    return kept_content(
        _COURSE_EXERCISES,
        course,
        lambda: tuple(
            ExerciseItem(*row) for row in read_rows(_course_exercises(), {"course_id": course.id})
        ),
    )


def _standing_columns():
    """A run's columns a standing reads."""
    run = ExerciseRun.__table__
    return (
        run.c.id,
        run.c.exercise_id,
        run.c.user_id,
        run.c.members,
        run.c.status,
        run.c.score,
        run.c.passed,
    )


@built_once
def _runs_in_course():
    """One learner's runs of a course's exercises, alone or in a team (live runs: their members
    are picked in Python), with the columns a standing needs."""
    run, exercise = ExerciseRun.__table__, Exercise.__table__
    return (
        sa.select(*_standing_columns())
        .join(exercise, exercise.c.id == run.c.exercise_id)
        .where(
            sa.or_(run.c.user_id == sa.bindparam("user_id"), run.c.live_id.is_not(None)),
            exercise.c.course_id == sa.bindparam("course_id"),
        )
        .order_by(run.c.started_at.desc())
    )


@built_once
def _runs_in_exercises():
    """runs_of_learners() for the runs of some exercises: the columns a standing needs."""
    run = ExerciseRun.__table__
    return (
        sa.select(*_standing_columns())
        .where(
            sa.or_(
                run.c.user_id.in_(sa.bindparam("user_ids", expanding=True)),
                run.c.live_id.is_not(None),
            ),
            run.c.exercise_id.in_(sa.bindparam("exercise_ids", expanding=True)),
        )
        .order_by(run.c.started_at.desc())
    )


def best_runs_for(
    course: Course, user_ids
) -> dict[int, dict[str, tuple[ExerciseItem, sa.Row | None, str]]]:
    """Each exercise of a course with each learner's best finished run (its columns) and status,
    by user id then exercise slug: the exercises and the runs are read once, however many
    learners."""
    users = list(user_ids)
    exercises = course_exercises(course)
    rows = read_rows(
        _runs_in_exercises(), {"user_ids": users, "exercise_ids": [e.id for e in exercises]}
    )
    runs = _runs_by_learner(rows, users)
    return {user_id: _best_of_each(exercises, mine) for user_id, mine in runs.items()}


def _best_of_each(exercises, mine: list) -> dict[str, tuple[ExerciseItem, sa.Row | None, str]]:
    """For each exercise, by slug, best_run() of one learner's runs (`mine`) of it."""
    return {
        exercise.slug: best_run(exercise, [r for r in mine if r.exercise_id == exercise.id])
        for exercise in exercises
    }


def _has_passed(run) -> bool:
    """Whether a finished run's row passed: written when it was scored; a run scored before that
    was kept is judged by its own scenario's pass mark."""
    if run.score is None:
        return False
    if run.passed is not None:
        return run.passed
    return db.session.get(ExerciseRun, run.id).has_passed()


def best_run(exercise: ExerciseItem, runs: list) -> tuple[ExerciseItem, sa.Row | None, str]:
    """A learner's best finished run of an exercise, of their runs of it, and their status in it:
    the best run that passed, else the best of all."""
    done = [r for r in runs if r.status == RunStatus.FINISHED and r.score is not None]
    passing = [r for r in done if _has_passed(r)]
    best = max(passing or done, key=lambda r: r.score, default=None)
    if passing:
        status = "completed"
    else:
        status = "in_progress" if runs else "not_started"
    return exercise, best, status


# --- the instructor's work: teams for a live class, reviews of posts ----------------------------


def split_into_teams(cohort_id: int, team_count: int) -> list[tuple[str, list[int]]]:
    """Deal a class's learners round-robin into at most team_count teams, none of them empty.

    Teams are named by number, so each reader sees "Team 1" in their own language."""
    members = list(
        db.session.scalars(
            sa.select(cohort_member.c.user_id)
            .where(cohort_member.c.cohort_id == cohort_id)
            .order_by(cohort_member.c.user_id)
        )
    )
    return [(str(i + 1), members[i::team_count]) for i in range(min(team_count, len(members)))]


def review_post(
    run: ExerciseRun,
    action: RunAction,
    score: float,
    comment: str,
    reviewer_id: int,
    now: dt.datetime,
) -> PostReview:
    """Set the instructor's score (0–100) for one post or reply, score the run again and audit it."""
    review = db.session.scalar(sa.select(PostReview).where(PostReview.action_id == action.id))
    before = review.score if review else None
    if review is None:
        review = PostReview(run_id=run.id, action_id=action.id, score=score)
        db.session.add(review)
    review.score, review.comment = score, comment
    review.reviewer_id, review.reviewed_at = reviewer_id, now
    db.session.flush()
    rescore(run, now)
    record(
        "exercise.review",
        f"run:{run.id}",
        {"action": action.id, "before": before, "after": score, "comment": comment},
    )
    return review
