"""What a phone on flaky Wi-Fi sends again counts once: a check-in kept offline passes with a code
shown at most two minutes ago (and counts from when the code was shown), the same live-quiz answer
twice changes nothing, and the same post twice is kept once."""

import datetime as dt

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent
from courseware.classroom import codes, livequiz, posts, sessions
from courseware.classroom.models import Attendance, ClassSession, LiveAnswer, RoomPost
from courseware.db import db
from courseware.timeutil import utcnow
from tests.classroom.conftest import T0
from tests.classroom.test_livequiz import _check_in, _record, _start, course_room  # noqa: F401
from tests.conftest import Auth
from tests.quizzes.conftest import quiz_course  # noqa: F401

S = dt.timedelta(seconds=1)


def test_a_resent_check_in_passes_with_a_code_valid_two_minutes_ago(app, room):
    with app.app_context():
        session = db.session.get(ClassSession, room.session)
        typed = codes.current_code(session.secret, T0)  # valid from T0 until T0 + 30 s
        # Sent at once, 45 s later: expired, as before.
        with pytest.raises(sessions.ClassroomError) as expired:
            sessions.check_in(session, room.learners[0], typed, T0 + 45 * S)
        assert expired.value.code == "expired"
        # Kept on the phone and sent again when the Wi-Fi came back, 2 min 1 s after the code was
        # last valid: beyond the two minutes, refused.
        with pytest.raises(sessions.ClassroomError) as too_old:
            sessions.check_in(session, room.learners[0], typed, T0 + 151 * S, resent=True)
        assert too_old.value.code == "expired"
        # Resent 1 min 40 s after the code expired: accepted, counted from when it was valid.
        kept = sessions.check_in(session, room.learners[0], typed, T0 + 130 * S, resent=True)
        assert kept.checked_in_at == T0 + 30 * S and kept.status == "present"
        # Finding the session by the code alone follows the same rule.
        assert sessions.session_for_code(room.learners[1], typed, T0 + 130 * S, resent=True)
        with pytest.raises(sessions.ClassroomError) as by_code:
            sessions.session_for_code(room.learners[1], typed, T0 + 130 * S)
        assert by_code.value.code == "expired"
        # A wrong code stays wrong, resent or not.
        wrong = "000000" if typed != "000000" else "111111"
        with pytest.raises(sessions.ClassroomError) as refused:
            sessions.check_in(session, room.learners[1], wrong, T0 + 40 * S, resent=True)
        assert refused.value.code == "wrong"


def test_a_check_in_sent_twice_by_the_page_counts_once(app, room):
    with app.app_context():
        secret = db.session.get(ClassSession, room.session).secret
    typed = codes.current_code(secret, utcnow() - 60 * S)
    me = Auth(app.test_client())
    assert me.login("cadre1").status_code == 302
    url = f"/room/{room.session}/check-in"
    assert me.post(url, data={"code": typed}).status_code == 400
    assert me.post(url, data={"code": typed, "resent": "1"}).status_code == 302
    again = me.post(url, data={"code": typed, "resent": "1"})
    assert again.status_code == 302 and again.location.endswith(f"/room/{room.session}")
    with app.app_context():
        rows = db.session.scalars(sa.select(Attendance)).all()
        assert [r.user_id for r in rows] == [room.learners[0]]


def test_the_same_answer_twice_changes_nothing(app, course_room):
    room = course_room
    with app.app_context():
        session, live, teacher = _start(room)
        _check_in(session, room.learners[0])
        lq = livequiz.push(live, _record("pick-one"), teacher, T0, seconds=20)
        first = livequiz.answer(session, lq, room.learners[0], 0, T0 + 3 * S)
        db.session.commit()
        again = livequiz.answer(session, lq, room.learners[0], 0, T0 + 9 * S)
        db.session.commit()
        assert again.id == first.id and again.changes == 0
        assert again.answered_at == T0 + 3 * S and again.score == first.score
        changed = livequiz.answer(session, lq, room.learners[0], 1, T0 + 10 * S)
        assert changed.changes == 1
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 1


def test_the_same_post_twice_is_kept_once(app, room):
    with app.app_context():
        session = db.session.get(ClassSession, room.session)
        sessions.check_in(session, room.learners[0], codes.current_code(session.secret, T0), T0)
        first = posts.send(session, room.learners[0], "question", "考核 怎么算？", False, T0)
        again = posts.send(session, room.learners[0], "question", "考核  怎么算？", False, T0 + S)
        other = posts.send(session, room.learners[0], "comment", "考核 怎么算？", False, T0 + S)
        db.session.commit()
        assert again.id == first.id and other.id != first.id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomPost)) == 2
        audited = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "classroom.post")
        )
        assert audited == 2


def test_the_phone_script_is_told_where_to_go_and_why_a_form_was_refused(app, room):
    with app.app_context():
        session = db.session.get(ClassSession, room.session)
        secret = session.secret
    me = Auth(app.test_client())
    assert me.login("cadre1").status_code == 302
    url = f"/room/{room.session}/check-in"
    script = {"X-Outbox": "1"}
    refused = me.post(url, data={"code": "12"}, headers=script)
    assert refused.status_code == 200 and refused.headers["X-Outbox-Refused"] == "1"
    assert "field-error" in refused.get_data(as_text=True)
    code = codes.current_code(secret, utcnow())
    sent = me.post(url, data={"code": code}, headers=script)
    assert sent.status_code == 204
    assert sent.headers["X-Outbox-Location"].endswith(f"/room/{room.session}")
    # The message the check-in flashed waits for the page the script goes to.
    page = me.client.get(f"/room/{room.session}").get_data(as_text=True)
    assert "flash-success" in page
    # Without the header, the forms answer as before.
    assert me.post(url, data={"code": code}).status_code == 302
