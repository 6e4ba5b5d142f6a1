"""Which exercise runs a teacher may control and review, built from courseware.permissions."""

from __future__ import annotations

import sqlalchemy as sa

from courseware import permissions
from courseware.accounts.models import Cohort
from courseware.db import db
from courseware.exercises.models import ExerciseRun, LiveObserver, LiveSession


def may_run_live_for(user, cohort: Cohort | None) -> bool:
    """The user may start a live run for this class: they teach or administer it."""
    return cohort is not None and permissions.may_teach(user, cohort)


def may_control_live(user, live: LiveSession) -> bool:
    """The user may control this live run: they started it, or they teach or administer its class."""
    if not permissions.is_staff(user):
        return False
    if live.instructor_id == user.id:
        return True
    cohort = db.session.get(Cohort, live.cohort_id) if live.cohort_id else None
    return permissions.may_teach(user, cohort)


def is_invited_observer(user, live: LiveSession) -> bool:
    """The user was invited to observe this live run, and still teaches or administers."""
    if not permissions.is_staff(user):
        return False
    return (
        db.session.scalar(
            sa.select(LiveObserver.id).where(
                LiveObserver.live_id == live.id, LiveObserver.user_id == user.id
            )
        )
        is not None
    )


def may_observe_live(user, live: LiveSession) -> bool:
    """The user may write notes on and rate the teams of this live run: whoever may control it,
    and the instructors invited to observe it."""
    return may_control_live(user, live) or is_invited_observer(user, live)


def may_review_run(user, run: ExerciseRun) -> bool:
    """The user may read and score this run: a live team's if they may control the live run, a
    learner's own if they may see that learner."""
    if run.live is not None:
        return may_control_live(user, run.live)
    return permissions.may_see_learner(user, run.user_id)


def visible_lives(user) -> sa.Select:
    """The live runs the user may control, as a select."""
    stmt = sa.select(LiveSession)
    if permissions.is_province_admin(user):
        return stmt
    cohorts = permissions.visible_cohorts(user).with_only_columns(Cohort.id)
    return stmt.where(
        sa.or_(LiveSession.instructor_id == user.id, LiveSession.cohort_id.in_(cohorts))
    )
