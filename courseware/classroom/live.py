"""What happens in the room during a session: random roll call (随机点名), the "too fast / too slow"
signal, and the projector's current activity.

The projector shows one activity at a time in its activity region: ClassSession.activity names it
({"kind": ..., "id": ...}) and ACTIVITIES says which template draws it, so later activities (a live
quiz, questions from the room) add a kind here and a template, and nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from courseware.accounts.audit import record
from courseware.accounts.models import User
from courseware.classroom.models import ClassSession, PaceSignal, RollCall
from courseware.classroom.sessions import ClassroomError, is_present, present_ids, source_of
from courseware.db import db

# kind → the template (under classroom/activities/) that draws it on the projector.
ACTIVITIES = {
    "roll_call": "classroom/activities/roll_call.html",
    "live_quiz": "classroom/activities/live_quiz.html",
    "room_questions": "classroom/activities/room_questions.html",
}
PACE_SIGNALS = ("fast", "slow")


def set_activity(session: ClassSession, kind: str | None, ref: int | None = None) -> None:
    if kind is not None and kind not in ACTIVITIES:
        raise ValueError(f"unknown classroom activity {kind!r}")
    session.activity = None if kind is None else {"kind": kind, "id": ref}


def activity_template(session: ClassSession) -> str | None:
    kind = (session.activity or {}).get("kind")
    return ACTIVITIES.get(kind)


# --- roll call --------------------------------------------------------------------------------


def current_round(session_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(RollCall.round), 1)).where(
            RollCall.session_id == session_id
        )
    )


def pick(
    candidates: list[int], called: set[int], rng: random.Random, last: int | None = None
) -> tuple[int, bool]:
    """A learner not yet called in this round, or when all have been, anyone but the one called
    last (so a new round does not start with the same face): (id, starts a new round)."""
    left = sorted(set(candidates) - called)
    if left:
        return rng.choice(left), False
    pool = sorted(set(candidates) - {last}) or sorted(candidates)
    return rng.choice(pool), True


def roll_call(
    session: ClassSession, now: dt.datetime, rng: random.Random | None = None
) -> RollCall:
    """Call a learner present at random; nobody twice until everyone present has been called."""
    if not session.is_open:
        raise ClassroomError("closed")
    present = present_ids(session)
    if not present:
        raise ClassroomError("nobody_present")
    rng = rng or random.SystemRandom()
    for _try in range(3):
        round_ = current_round(session.id)
        called = set(
            db.session.scalars(
                sa.select(RollCall.user_id).where(
                    RollCall.session_id == session.id, RollCall.round == round_
                )
            )
        )
        last = db.session.scalar(
            sa.select(RollCall.user_id)
            .where(RollCall.session_id == session.id)
            .order_by(RollCall.id.desc())
            .limit(1)
        )
        user_id, new_round = pick(present, called, rng, last)
        call = RollCall(
            session_id=session.id,
            user_id=user_id,
            round=round_ + 1 if new_round else round_,
            called_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(call)
                db.session.flush()
        except IntegrityError:
            continue  # another click called the same learner at the same moment: draw again
        set_activity(session, "roll_call", call.id)
        record("classroom.roll_call", source_of(session), {"user": user_id, "round": call.round})
        return call
    raise ClassroomError("busy")


def called_user(session: ClassSession) -> User | None:
    """The learner the projector shows as called, when roll call is the current activity."""
    activity = session.activity or {}
    if activity.get("kind") != "roll_call":
        return None
    call = db.session.get(RollCall, activity.get("id"))
    return db.session.get(User, call.user_id) if call is not None else None


def calls(session: ClassSession) -> list[tuple[RollCall, User]]:
    rows = db.session.execute(
        sa.select(RollCall, User)
        .join(User, User.id == RollCall.user_id)
        .where(RollCall.session_id == session.id)
        .order_by(RollCall.id.desc())
    )
    return [(call, user) for call, user in rows]


# --- pace -------------------------------------------------------------------------------------


def send_pace(session: ClassSession, user_id: int, signal: str, now: dt.datetime) -> PaceSignal:
    """A learner in the room says the class goes too fast or too slow; only the instructor sees it."""
    if signal not in PACE_SIGNALS:
        raise ClassroomError("signal")
    if not session.is_open:
        raise ClassroomError("closed")
    if not is_present(session.id, user_id):
        raise ClassroomError("not_present")
    row = PaceSignal(session_id=session.id, user_id=user_id, signal=signal, sent_at=now)
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class Pace:
    fast: int
    slow: int
    present: int
    minutes: int

    def share(self, count: int) -> int:
        """Percent of the learners present."""
        return round(100 * count / self.present) if self.present else 0

    @property
    def fast_share(self) -> int:
        return self.share(self.fast)

    @property
    def slow_share(self) -> int:
        return self.share(self.slow)


def pace(session: ClassSession, now: dt.datetime) -> Pace:
    """How many learners present said "too fast" and "too slow" in the last minutes: each
    learner's latest signal in the window counts once."""
    minutes = int(current_app.config.get("CLASSROOM_PACE_MINUTES", 5))
    since = now - dt.timedelta(minutes=minutes)
    present = set(present_ids(session))
    latest = {}
    for user_id, signal in db.session.execute(
        sa.select(PaceSignal.user_id, PaceSignal.signal)
        .where(PaceSignal.session_id == session.id, PaceSignal.sent_at >= since)
        .order_by(PaceSignal.sent_at, PaceSignal.id)
    ):
        if user_id in present:
            latest[user_id] = signal
    values = list(latest.values())
    return Pace(values.count("fast"), values.count("slow"), len(present), minutes)
