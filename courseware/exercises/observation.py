"""Observers' evaluations of a live run, in the manner of HSEEP's exercise evaluation guides.

The run's instructor invites other instructors as observers (观察员). During the run or afterwards
each of them writes timestamped notes pinned to an inject (and to one team, or all), and rates
every team on each capability the scenario lists, on HSEEP's scale:

- P  performed without challenges (顺利完成)
- S  performed with some challenges (完成，但有一些困难)
- M  performed with major challenges (完成，但困难很大)
- U  unable to be performed (未能完成)

Several observers' ratings are combined as a mean (P = 4 … U = 1) with their spread, and shown
beside the automatic scores in the after-action report. Every note and rating is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from courseware import permissions
from courseware.accounts.audit import record
from courseware.accounts.models import User
from courseware.db import db
from courseware.exercises import runs, scope
from courseware.exercises.models import (
    CapabilityRating,
    ExerciseRun,
    LiveObserver,
    LiveSession,
    LiveStatus,
    ObserverNote,
)

# HSEEP's ratings, best first, with the number each counts as in a mean.
RATINGS = {"P": 4, "S": 3, "M": 2, "U": 1}
MAX_NOTE = 2000
MAX_COMMENT = 1000


class ObservationError(ValueError):
    """Something an observer asked that cannot be done; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- observers --------------------------------------------------------------------------------


def observers(live: LiveSession) -> list[LiveObserver]:
    return list(
        db.session.scalars(
            sa.select(LiveObserver).where(LiveObserver.live_id == live.id).order_by(LiveObserver.id)
        )
    )


def invite(live: LiveSession, username: str, inviter, now: dt.datetime) -> LiveObserver:
    """Invite an instructor (or administrator) by user name to observe the live run."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if user is None or not user.active or not permissions.is_staff(user):
        raise ObservationError("no_such_instructor")
    if user.id == live.instructor_id:
        raise ObservationError("already_in_charge")
    if scope.is_invited_observer(user, live):
        raise ObservationError("already_observer")
    observer = LiveObserver(
        live_id=live.id, user_id=user.id, invited_by_id=inviter.id, invited_at=now
    )
    db.session.add(observer)
    db.session.flush()
    record("exercise.observer", f"live:{live.id}", {"invited": user.username})
    return observer


def remove(live: LiveSession, user_id: int) -> None:
    """Withdraw an observer's invitation; their notes and ratings stay, with their name."""
    observer = db.session.scalar(
        sa.select(LiveObserver).where(
            LiveObserver.live_id == live.id, LiveObserver.user_id == user_id
        )
    )
    if observer is None:
        raise ObservationError("no_such_observer")
    record("exercise.observer_remove", f"live:{live.id}", {"removed": observer.user.username})
    db.session.delete(observer)
    db.session.flush()


# --- notes ------------------------------------------------------------------------------------


def note_minute(live: LiveSession, now: dt.datetime) -> float:
    """The simulated minute a note is written at: the live clock, or the end once it is over."""
    if live.status == LiveStatus.FINISHED:
        return float(runs.live_scenario(live).duration)
    return round(runs.live_minute(live, now), 1)


def add_note(
    live: LiveSession,
    author,
    text: str,
    inject_id: str,
    run: ExerciseRun | None,
    now: dt.datetime,
) -> ObserverNote:
    """Add an observer's note, pinned to an inject of the scenario (or none) and to one team (or all)."""
    text = text.strip()
    if not text:
        raise ObservationError("empty_note")
    if inject_id and runs.live_scenario(live).inject(inject_id) is None:
        raise ObservationError("no_such_inject")
    if run is not None and run.live_id != live.id:
        raise ObservationError("no_such_team")
    note = ObserverNote(
        live_id=live.id,
        run_id=run.id if run else None,
        inject_id=inject_id or "",
        minute=note_minute(live, now),
        text=text[:MAX_NOTE],
        author_id=author.id,
        created_at=now,
    )
    db.session.add(note)
    db.session.flush()
    record(
        "exercise.note",
        f"live:{live.id}",
        {
            "note": note.id,
            "team": run.team_name if run else None,
            "inject": inject_id,
            "text": text,
        },
    )
    return note


def delete_note(live: LiveSession, note: ObserverNote, user, in_charge: bool) -> None:
    """Delete a note: its author may, and so may whoever controls the run."""
    if note.live_id != live.id:
        raise ObservationError("no_such_note")
    if note.author_id != user.id and not in_charge:
        raise ObservationError("not_yours")
    record("exercise.note_delete", f"live:{live.id}", {"note": note.id, "text": note.text})
    db.session.delete(note)
    db.session.flush()


def notes(live: LiveSession, run: ExerciseRun | None = None) -> list[ObserverNote]:
    """The run's notes in the order of the exercise; with a team, those about it and about all."""
    query = sa.select(ObserverNote).where(ObserverNote.live_id == live.id)
    if run is not None:
        query = query.where(sa.or_(ObserverNote.run_id == run.id, ObserverNote.run_id.is_(None)))
    return list(db.session.scalars(query.order_by(ObserverNote.minute, ObserverNote.id)))


# --- ratings ----------------------------------------------------------------------------------


def rate(run: ExerciseRun, observer, given: dict[str, tuple[str, str]], now: dt.datetime) -> int:
    """Set one observer's ratings of a team: capability id -> (P/S/M/U or "" to withdraw, comment).
    Returns how many changed; each change is audited with what it was before."""
    scenario = run.scenario
    mine = {
        r.capability: r
        for r in db.session.scalars(
            sa.select(CapabilityRating).where(
                CapabilityRating.run_id == run.id, CapabilityRating.observer_id == observer.id
            )
        )
    }
    changes = {}
    for capability_id, (rating, comment) in given.items():
        if scenario.capability(capability_id) is None:
            raise ObservationError("no_such_capability")
        if rating and rating not in RATINGS:
            raise ObservationError("no_such_rating")
        comment = comment.strip()[:MAX_COMMENT]
        existing = mine.get(capability_id)
        before = (existing.rating, existing.comment) if existing else None
        if not rating:
            if existing is not None:
                db.session.delete(existing)
                changes[capability_id] = [before, None]
            continue
        if before == (rating, comment):
            continue
        if existing is None:
            existing = CapabilityRating(
                run_id=run.id, capability=capability_id, observer_id=observer.id
            )
            db.session.add(existing)
        existing.rating, existing.comment, existing.rated_at = rating, comment, now
        changes[capability_id] = [before, [rating, comment]]
    db.session.flush()
    if changes:
        record("exercise.rating", f"run:{run.id}", {"team": run.team_name, "changes": changes})
    return len(changes)


def ratings(run: ExerciseRun) -> list[CapabilityRating]:
    return list(
        db.session.scalars(
            sa.select(CapabilityRating)
            .where(CapabilityRating.run_id == run.id)
            .order_by(CapabilityRating.capability, CapabilityRating.id)
        )
    )


@dataclass
class Combined:
    """Several observers' ratings of one capability of one team."""

    capability: object  # scenario.Capability
    ratings: list = field(default_factory=list)  # CapabilityRating rows

    @property
    def count(self) -> int:
        return len(self.ratings)

    @property
    def mean(self) -> float | None:
        """The mean on the scale P = 4 … U = 1, to one decimal; None when nobody rated."""
        if not self.ratings:
            return None
        return round(sum(RATINGS[r.rating] for r in self.ratings) / len(self.ratings), 1)

    @property
    def nearest(self) -> str:
        """The rating nearest the mean (ties towards the better)."""
        mean = self.mean
        if mean is None:
            return ""
        return min(RATINGS, key=lambda letter: (abs(RATINGS[letter] - mean), -RATINGS[letter]))

    @property
    def lowest(self) -> str:
        return min((r.rating for r in self.ratings), key=RATINGS.get, default="")

    @property
    def highest(self) -> str:
        return max((r.rating for r in self.ratings), key=RATINGS.get, default="")

    @property
    def spread(self) -> int:
        """How far apart the observers are, in steps of the scale (0: they agree)."""
        if not self.ratings:
            return 0
        return RATINGS[self.highest] - RATINGS[self.lowest]


def combined(run: ExerciseRun) -> list[Combined]:
    """Each capability of the scenario with every observer's rating of the team, in the
    scenario's order."""
    scenario = run.scenario
    rows = ratings(run)
    return [Combined(c, [r for r in rows if r.capability == c.id]) for c in scenario.capabilities]


def for_report(run: ExerciseRun) -> dict:
    """What the after-action report shows of the observers: combined ratings and notes."""
    if run.live is None:
        return {"ratings": [], "notes": []}
    return {"ratings": combined(run), "notes": notes(run.live, run)}
