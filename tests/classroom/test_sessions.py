"""Check-in, leave requests, corrections, closing with in-person credit once, and reversal."""

import datetime as dt

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, User
from courseware.classroom import codes, sessions
from courseware.classroom.models import Attendance, ClassSession
from courseware.db import db
from courseware.progress import ledger
from courseware.progress.models import CreditEntry
from tests.classroom.conftest import T0


def _code(session, now):
    return codes.current_code(session.secret, now)


def _session(room):
    return db.session.get(ClassSession, room.session)


def test_a_learner_checks_in_once_and_late_after_the_grace(app, room):
    with app.app_context():
        session = _session(room)
        first = sessions.check_in(session, room.learners[0], _code(session, T0), T0)
        assert first.status == "present"
        with pytest.raises(sessions.ClassroomError) as again:
            sessions.check_in(session, room.learners[0], _code(session, T0), T0)
        assert again.value.code == "already"
        later = T0 + dt.timedelta(minutes=11)
        assert (
            sessions.check_in(session, room.learners[1], _code(session, later), later).status
            == "late"
        )
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 2


def test_an_expired_code_is_refused_with_a_clear_message(app, room):
    with app.app_context():
        session = _session(room)
        photo = _code(session, T0)
        then = T0 + dt.timedelta(seconds=45)
        with pytest.raises(sessions.ClassroomError) as refused:
            sessions.check_in(session, room.learners[0], photo, then)
        assert refused.value.code == "expired"
        with pytest.raises(sessions.ClassroomError) as by_code:
            sessions.session_for_code(room.learners[0], photo, then)
        assert by_code.value.code == "expired"
        with pytest.raises(sessions.ClassroomError) as wrong:
            sessions.check_in(session, room.learners[0], "000000" if photo != "000000" else "1", T0)
        assert wrong.value.code == "wrong"
        assert sessions.attendance_of(session.id, room.learners[0]) is None


def test_the_typed_code_finds_the_learners_session(app, room, make_user):
    outsider = make_user(username="outsider")
    with app.app_context():
        session = _session(room)
        assert sessions.session_for_code(room.learners[2], _code(session, T0), T0).id == session.id
        with pytest.raises(sessions.ClassroomError) as refused:
            sessions.session_for_code(outsider, _code(session, T0), T0)
        assert refused.value.code == "no_session"
        with pytest.raises(sessions.ClassroomError) as early:
            sessions.check_in(
                session, room.learners[0], _code(session, T0), T0 - dt.timedelta(hours=1)
            )
        assert early.value.code == "too_early"


def test_a_leave_request_is_approved_or_refused_once(app, room):
    with app.app_context():
        session = _session(room)
        teacher = db.session.get(User, room.teacher)
        with pytest.raises(sessions.ClassroomError):
            sessions.request_leave(session, room.learners[2], "  ")
        leave = sessions.request_leave(session, room.learners[2], "出差")
        leave = sessions.request_leave(session, room.learners[2], "到省里开会")  # reworded
        assert leave.reason == "到省里开会"
        sessions.decide_leave(leave, True, teacher, T0)
        assert leave.status == "approved"
        with pytest.raises(sessions.ClassroomError) as again:
            sessions.decide_leave(leave, False, teacher, T0)
        assert again.value.code == "decided"
        with pytest.raises(sessions.ClassroomError):
            sessions.request_leave(session, room.learners[2], "改主意")
        # A learner who has checked in cannot ask for leave.
        sessions.check_in(session, room.learners[0], _code(session, T0), T0)
        with pytest.raises(sessions.ClassroomError) as checked:
            sessions.request_leave(session, room.learners[0], "走了")
        assert checked.value.code == "checked_in"
        refused = sessions.request_leave(session, room.learners[1], "身体不适")
        sessions.decide_leave(refused, False, teacher, T0)
        sessions.close(session, teacher, T0 + dt.timedelta(hours=4))
        db.session.commit()
        statuses = {line.user.id: line.status for line in sessions.roster(session)}
        assert statuses == {
            room.learners[0]: "present",
            room.learners[1]: "absent",  # leave refused
            room.learners[2]: "leave",
        }


def _in_person(user_id):
    return db.session.scalars(
        sa.select(CreditEntry).where(CreditEntry.user_id == user_id).order_by(CreditEntry.id)
    ).all()


def test_closing_credits_once_by_the_rules_and_reversal_takes_it_back(app, room):
    with app.app_context():
        session = _session(room)
        teacher = db.session.get(User, room.teacher)
        sessions.check_in(session, room.learners[0], _code(session, T0), T0)
        late = T0 + dt.timedelta(minutes=30)
        sessions.check_in(session, room.learners[1], _code(session, late), late)
        entries = sessions.close(session, teacher, T0 + dt.timedelta(hours=4))
        db.session.commit()
        assert sorted(e.hours for e in entries) == [3, 3]  # 3.5 clock hours: a half day
        assert {e.kind for e in entries} == {"in_person"}
        assert entries[0].earned_on == dt.date(2026, 12, 1)
        # A second close (another tab, a double click) credits nothing.
        with pytest.raises(sessions.ClassroomError) as again:
            sessions.close(session, teacher, T0 + dt.timedelta(hours=5))
        assert again.value.code == "closed"
        db.session.rollback()
        assert len(_in_person(room.learners[0])) == 1
        assert _in_person(room.learners[2]) == []
        standing = ledger.quota_standing(
            db.session.get(User, room.learners[0]), dt.date(2026, 12, 2)
        )
        assert standing.in_person_year == 3 and standing.year_total == 3

        with pytest.raises(sessions.ClassroomError):
            sessions.reverse_credit(session, " ", teacher, T0 + dt.timedelta(days=1))
        reversals = sessions.reverse_credit(session, "点错了班", teacher, T0 + dt.timedelta(days=1))
        db.session.commit()
        assert len(reversals) == 2
        assert (
            ledger.total_between(room.learners[0], dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 0
        )
        assert (
            ledger.in_person_between(room.learners[0], dt.date(2026, 1, 1), dt.date(2026, 12, 31))
            == 0
        )
        with pytest.raises(sessions.ClassroomError) as twice:
            sessions.reverse_credit(session, "再来", teacher, T0 + dt.timedelta(days=1))
        assert twice.value.code == "reversed"
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {
            "classroom.close",
            "credit.in_person",
            "classroom.reverse_credit",
            "credit.reverse",
        } <= actions


def test_the_daily_cap_holds_across_two_sessions_of_a_day(app, room):
    with app.app_context():
        from courseware.accounts.models import Cohort

        teacher = db.session.get(User, room.teacher)
        morning = _session(room)
        afternoon = sessions.open_session(
            db.session.get(Cohort, room.cohort), teacher, T0 + dt.timedelta(hours=5), 7, "", ""
        )
        learner = room.learners[0]
        sessions.check_in(morning, learner, _code(morning, T0), T0)
        sessions.close(morning, teacher, T0 + dt.timedelta(hours=4))
        at = T0 + dt.timedelta(hours=5)
        sessions.check_in(afternoon, learner, _code(afternoon, at), at)
        sessions.close(afternoon, teacher, at + dt.timedelta(hours=7))
        db.session.commit()
        assert [e.hours for e in _in_person(learner)] == [3, 5]  # 6 for a day, capped at 8


def test_a_correction_needs_a_reason_is_audited_and_moves_the_credit(app, room):
    with app.app_context():
        session = _session(room)
        teacher = db.session.get(User, room.teacher)
        learner = room.learners[1]
        with pytest.raises(sessions.ClassroomError):
            sessions.correct(session, learner, "present", "", teacher, T0)
        sessions.correct(session, learner, "present", "手机没电，现场确认", teacher, T0)
        sessions.close(session, teacher, T0 + dt.timedelta(hours=4))
        db.session.commit()
        assert [e.hours for e in _in_person(learner)] == [3]
        # After closing: marked absent with a reason, the credit is reversed.
        sessions.correct(
            session, learner, "absent", "核实未到", teacher, T0 + dt.timedelta(hours=5)
        )
        db.session.commit()
        assert [e.hours for e in _in_person(learner)] == [3, -3]
        # And present again: credited anew.
        sessions.correct(
            session, learner, "present", "复核在场", teacher, T0 + dt.timedelta(hours=6)
        )
        db.session.commit()
        assert [e.hours for e in _in_person(learner)] == [3, -3, 3]
        details = db.session.scalars(
            sa.select(AuditEvent.detail).where(AuditEvent.action == "classroom.correct")
        ).all()
        assert len(details) == 3 and "核实未到" in details[1]
