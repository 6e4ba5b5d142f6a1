"""An author's play-test of a scenario's draft: played as a trainee plays it, through the same
engine, with a clock the author moves on at will, and never recorded as a run.

A play-test is one row of its own table (models.PlayTest) holding the actions; nothing reads that
table but the play-test's pages, so no report, class grid, progress or certificate can count it.
Whatever the scenario's clock, the play-test's moves only when the author acts or moves it on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from courseware.db import db
from courseware.exercises import engine, report
from courseware.exercises.models import Exercise, ExerciseRevision, PlayTest
from courseware.exercises.runs import MAX_POST_CHARS
from courseware.exercises.scenario import Scenario


@dataclass(frozen=True)
class Player:
    """What the exercise's templates read of a run, for a play-test: no team, no live class."""

    id: str = "playtest"
    team_name: str = ""
    live: None = None
    spokesperson_id: None = None
    finished: bool = False


def find(exercise: Exercise, user_id: int) -> PlayTest | None:
    return db.session.scalar(
        sa.select(PlayTest).where(PlayTest.exercise_id == exercise.id, PlayTest.user_id == user_id)
    )


def start(
    exercise: Exercise, revision: ExerciseRevision, scenario: Scenario, user_id: int
) -> PlayTest:
    """Begin the author's play-test of a revision afresh (one per author and scenario)."""
    db.session.execute(
        sa.delete(PlayTest).where(PlayTest.exercise_id == exercise.id, PlayTest.user_id == user_id)
    )
    test = PlayTest(
        exercise_id=exercise.id,
        revision_id=revision.id,
        user_id=user_id,
        seed=secrets.randbits(48),
        data=scenario.to_dict(),
        actions=[],
    )
    db.session.add(test)
    db.session.flush()
    return test


def scenario_of(test: PlayTest) -> Scenario:
    return Scenario.from_dict(test.data)


def _action(stored: dict) -> engine.Action:
    return engine.Action(
        stored["kind"],
        at=stored.get("at"),
        text=stored.get("text", ""),
        target=stored.get("target", ""),
        option=stored.get("option", ""),
        minutes=stored.get("minutes", 0),
        ref=stored.get("ref"),
    )


def replay(test: PlayTest, scenario: Scenario, extra: dict | None = None) -> engine.State:
    actions = [_action(a) for a in test.actions] + ([_action(extra)] if extra else [])
    return engine.run(scenario, test.seed, actions)


def act(test: PlayTest, scenario: Scenario, kind: str, fields: dict) -> engine.State:
    """Take one trainee action; engine.ActionError if it cannot be taken now."""
    if test.finished:
        raise engine.ActionError("finished")
    if kind not in engine.trainee_actions():
        raise engine.ActionError("unknown_action")
    state = replay(test, scenario)
    stored = {
        "kind": kind,
        "text": (fields.get("text") or "").strip()[:MAX_POST_CHARS],
        "target": fields.get("target") or "",
        "option": fields.get("option") or "",
        "minutes": float(fields.get("minutes") or 0),
        # Each post is numbered, so the report can tell them apart as it does a run's.
        "ref": len(test.actions) + 1,
    }
    if scenario.clock == "realtime" and kind != "wait":
        stored["at"] = state.minute  # the clock stands still between the author's moves
    return _store(test, scenario, stored)


def _store(test: PlayTest, scenario: Scenario, stored: dict) -> engine.State:
    state = replay(test, scenario, stored)
    test.actions = [*test.actions, stored]
    test.finished = state.finished
    return state


def forward(test: PlayTest, scenario: Scenario, minutes: float | None) -> engine.State:
    """Move the clock on by some minutes, or (None) to the next scheduled inject, or to the end
    when none is left."""
    if test.finished:
        raise engine.ActionError("finished")
    state = replay(test, scenario)
    if minutes is None:
        upcoming = engine.next_inject(scenario, state)
        due = engine.due_minute(upcoming, state) if upcoming is not None else None
        target = due if due is not None else scenario.duration
        minutes = max(target - state.minute, 0)
    minutes = max(0.0, min(float(minutes), scenario.duration - state.minute))
    return _store(test, scenario, {"kind": "wait", "minutes": minutes, "ref": None})


def finish(test: PlayTest, scenario: Scenario) -> engine.State:
    """Run the clock out to the scenario's end."""
    state = replay(test, scenario)
    if state.finished:
        test.finished = True
        return state
    return _store(
        test, scenario, {"kind": "wait", "minutes": scenario.duration - state.minute, "ref": None}
    )


def next_minute(scenario: Scenario, state: engine.State) -> float | None:
    """When the next scheduled inject comes, for the button that moves the clock there."""
    upcoming = engine.next_inject(scenario, state)
    return engine.due_minute(upcoming, state) if upcoming is not None else None


def report_of(test: PlayTest, scenario: Scenario) -> dict:
    """The after-action report of the play-test, shaped as report.build shapes a run's."""
    state = replay(test, scenario)
    return {
        "run": Player(finished=state.finished),
        "scenario": scenario,
        "state": state,
        "scores": engine.scores(scenario, state, {}),
        "rows": engine.expected_vs_actual(scenario, state),
        "chart": report.chart(state.series, scenario.duration),
        "samples": report.samples(state.series),
        "reviews": {},
        "questioned": (questioned := engine.questioned(scenario, state)),
        "notes": {post.ref: notes for post, notes in questioned},
        "observed": {"ratings": [], "notes": []},
        "authors": {},
        "persona": scenario.persona,
        "width": report.CHART_WIDTH,
        "height": report.CHART_HEIGHT,
    }
