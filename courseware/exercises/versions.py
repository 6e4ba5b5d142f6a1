"""Which scenario learners get, and which one each run was played with.

Runs are replayed on every request, so a run must keep meeting the scenario it was played with
when a sync or a publish gives the exercise a newer one: the older scenario is kept, and the
runs played with it are stamped with its fingerprint.
"""

from __future__ import annotations

import sqlalchemy as sa

from courseware.content.files import fingerprint
from courseware.db import db
from courseware.exercises.models import Exercise, ExerciseRun, ScenarioVersion
from courseware.exercises.scenario import Scenario
from courseware.timeutil import utcnow


def keep_for_runs(exercise: Exercise) -> None:
    """Keep the exercise's present scenario for the runs played with it, before it is replaced."""
    if not exercise.content_hash:
        return
    unstamped = ExerciseRun.exercise_id == exercise.id, ExerciseRun.scenario_hash.is_(None)
    if db.session.scalar(sa.select(ExerciseRun.id).where(*unstamped).limit(1)) is None:
        return
    kept = db.session.scalar(
        sa.select(ScenarioVersion.id).where(
            ScenarioVersion.exercise_id == exercise.id,
            ScenarioVersion.content_hash == exercise.content_hash,
        )
    )
    if kept is None:
        db.session.add(
            ScenarioVersion(
                exercise_id=exercise.id, content_hash=exercise.content_hash, data=exercise.data
            )
        )
    db.session.execute(
        sa.update(ExerciseRun).where(*unstamped).values(scenario_hash=exercise.content_hash)
    )


def replace_scenario(exercise: Exercise, scenario: Scenario) -> bool:
    """Give learners this scenario; runs played with the former one keep it. True if it changed."""
    data = scenario.to_dict()
    digest = fingerprint(data)
    if exercise.content_hash == digest:
        return False
    keep_for_runs(exercise)
    exercise.title, exercise.data, exercise.content_hash = scenario.title, data, digest
    exercise.updated_at = utcnow()
    return True
