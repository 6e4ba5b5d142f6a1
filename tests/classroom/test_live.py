"""Random roll call without repeats, and the pace signal's share of the room."""

import datetime as dt
import random

import pytest

from courseware.accounts.models import User
from courseware.classroom import codes, live, sessions
from courseware.classroom.models import ClassSession
from courseware.db import db
from tests.classroom.conftest import T0


def _present(room, learners):
    session = db.session.get(ClassSession, room.session)
    for learner in learners:
        sessions.check_in(session, learner, codes.current_code(session.secret, T0), T0)
    return session


def test_roll_call_calls_everyone_present_once_before_anyone_again(app, room, make_user):
    with app.app_context():
        session = db.session.get(ClassSession, room.session)
        with pytest.raises(sessions.ClassroomError) as nobody:
            live.roll_call(session, T0)
        assert nobody.value.code == "nobody_present"
        _present(room, room.learners[:2])
        rng = random.Random(7)
        first_round = [live.roll_call(session, T0, rng).user_id for _ in range(2)]
        assert sorted(first_round) == sorted(room.learners[:2])
        # The absent third learner is never called; a new round does not start with the last one.
        third = live.roll_call(session, T0, rng)
        assert third.round == 2 and third.user_id in room.learners[:2]
        assert third.user_id != first_round[-1]
        # Everyone who checks in later joins the current round.
        sessions.check_in(session, room.learners[2], codes.current_code(session.secret, T0), T0)
        round_two = [third.user_id] + [live.roll_call(session, T0, rng).user_id for _ in range(2)]
        assert sorted(round_two) == sorted(room.learners)
        assert live.called_user(session).id == round_two[-1]
        db.session.commit()


def test_pick_never_repeats_within_a_round():
    rng = random.Random(1)
    called = set()
    for _ in range(10):
        chosen, new_round = live.pick(list(range(10)), called, rng)
        assert chosen not in called and not new_round
        called.add(chosen)
    assert live.pick(list(range(10)), called, rng, last=3)[1] is True


def test_the_pace_share_counts_each_learners_latest_signal_in_five_minutes(app, room):
    with app.app_context():
        session = _present(room, room.learners[:2])
        with pytest.raises(sessions.ClassroomError) as not_present:
            live.send_pace(session, room.learners[2], "fast", T0)
        assert not_present.value.code == "not_present"
        live.send_pace(session, room.learners[0], "slow", T0)
        live.send_pace(session, room.learners[0], "fast", T0 + dt.timedelta(minutes=1))
        live.send_pace(session, room.learners[1], "fast", T0 - dt.timedelta(minutes=10))  # too old
        pace = live.pace(session, T0 + dt.timedelta(minutes=2))
        assert (pace.fast, pace.slow, pace.present) == (1, 0, 2)
        assert pace.fast_share == 50 and pace.slow_share == 0
        live.send_pace(session, room.learners[1], "slow", T0 + dt.timedelta(minutes=2))
        pace = live.pace(session, T0 + dt.timedelta(minutes=3))
        assert (pace.fast_share, pace.slow_share) == (50, 50)
        assert live.pace(session, T0 + dt.timedelta(minutes=30)).fast == 0
        with pytest.raises(sessions.ClassroomError):
            live.send_pace(session, room.learners[0], "boring", T0)
        db.session.commit()
        assert db.session.get(User, room.teacher) is not None
