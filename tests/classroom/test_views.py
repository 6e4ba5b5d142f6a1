"""The classroom through its pages: an instructor opens a session and shows the projector,
learners check in by the typed code, and a quiz locked to the room refuses attempts from elsewhere."""

import datetime as dt
import re

import sqlalchemy as sa

from courseware.accounts.models import Role, User
from courseware.classroom import codes
from courseware.classroom.models import Attendance, ClassSession
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment
from courseware.timeutil import utcnow
from tests.conftest import Auth, csrf_token
from tests.quizzes.conftest import quiz_course  # noqa: F401


def _signed_in(app, username, locale=None):
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    if locale:
        auth.post("/language", data={"locale": locale, "next": "/"})
    return auth


def _open(app, teacher, cohort, planned="3.5", when=None):
    when = when or (utcnow() + dt.timedelta(hours=8))  # Shanghai local time, now
    response = teacher.post(
        "/teach/sessions/",
        data={
            "cohort": str(cohort),
            "date": when.date().isoformat(),
            "time": when.strftime("%H:%M"),
            "planned_hours": planned,
            "place": "201教室",
            "topic": "政务微博",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/teach/sessions/(\d+)$", response.location).group(1))


def _code(app, session_id):
    with app.app_context():
        return codes.current_code(db.session.get(ClassSession, session_id).secret, utcnow())


def test_a_session_opens_and_the_projector_shows_the_code_and_qr(app, make_user, make_class):
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher")
    learner = make_user(username="cadre1", name="张三")
    cohort = make_class([teacher_id], [learner], name="青干班")
    teacher = _signed_in(app, "teacher")
    session_id = _open(app, teacher, cohort)
    page = teacher.client.get(f"/teach/sessions/{session_id}/projector").get_data(as_text=True)
    assert _code(app, session_id)[:3] in page
    assert "<svg" in page and "room-qr" in page
    assert "/room/" in page
    control = teacher.client.get(f"/teach/sessions/{session_id}").get_data(as_text=True)
    assert "张三" in control and "未签到" in control
    # A planned length out of range is refused beside its field, and nothing is opened.
    bad = teacher.post(
        "/teach/sessions/",
        data={"cohort": str(cohort), "date": "2026-12-01", "time": "09:00", "planned_hours": "30"},
    )
    assert bad.status_code == 400 and "field-error" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ClassSession)) == 1


def test_a_learner_checks_in_by_the_typed_code_and_an_old_code_is_refused(
    app, make_user, make_class
):
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher")
    learner = make_user(username="cadre1", name="张三")
    make_user(username="cadre2", name="李四")
    cohort = make_class([teacher_id], [learner], name="青干班")
    session_id = _open(app, _signed_in(app, "teacher"), cohort)
    with app.app_context():
        secret = db.session.get(ClassSession, session_id).secret
    old = codes.checkin_code(secret, codes.window_of(utcnow()) - 3)
    me = _signed_in(app, "cadre1")
    refused = me.post("/room/check-in", data={"code": old})
    assert refused.status_code == 400
    assert "已过期" in refused.get_data(as_text=True)
    me_en = _signed_in(app, "cadre1", locale="en")
    refused_en = me_en.post("/room/check-in", data={"code": old})
    assert "That code has expired" in refused_en.get_data(as_text=True)
    me_en.post("/language", data={"locale": "zh_CN", "next": "/"})  # the choice is the account's
    done = me.post("/room/check-in", data={"code": _code(app, session_id)})
    assert done.status_code == 302 and done.location.endswith(f"/room/{session_id}")
    status = me.client.get(f"/room/{session_id}/status").get_data(as_text=True)
    assert "已到" in status
    # Another class's learner cannot see the session.
    other = _signed_in(app, "cadre2")
    assert other.client.get(f"/room/{session_id}").status_code == 404
    assert other.post(f"/room/{session_id}/check-in", data={"code": "1"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1


def _lock_quiz(app, quiz_course, sync, settings):  # noqa: F811
    path = quiz_course / "check.yaml"
    path.write_text(settings + path.read_text("utf-8"), "utf-8")
    sync()


def test_a_quiz_locked_to_the_room_is_refused_outside_a_session(
    app,
    make_user,
    make_class,
    quiz_course,  # noqa: F811
    sync,
):
    _lock_quiz(app, quiz_course, sync, "classroom_only: true\n")
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher")
    learner = make_user(username="cadre1", name="张三")
    cohort = make_class([teacher_id], [learner], name="青干班")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        db.session.add(
            CourseAssignment(
                cohort_id=cohort,
                course_id=course.id,
                starts_on=utcnow().date(),
                due_on=utcnow().date(),
            )
        )
        db.session.commit()
    me = _signed_in(app, "cadre1")
    start = "/quizzes/test-course/check/start"
    refused = me.post(start, follow_redirects=True).get_data(as_text=True)
    assert "只能在本班的课堂上作答" in refused
    en = _signed_in(app, "cadre1", locale="en")
    assert "only be taken during a class session of your class" in en.post(
        start, follow_redirects=True
    ).get_data(as_text=True)
    en.post("/language", data={"locale": "zh_CN", "next": "/"})
    session_id = _open(app, _signed_in(app, "teacher"), cohort)
    not_in = me.post(start, follow_redirects=True).get_data(as_text=True)
    assert "请先签到" in not_in
    me.post(f"/room/{session_id}/check-in", data={"code": _code(app, session_id)})
    started = me.post(start)
    assert re.search(r"/quizzes/attempts/\d+$", started.location)
    # Once the session closes, the open attempt's page sends the learner back with the reason.
    teacher = _signed_in(app, "teacher")
    assert teacher.post(f"/teach/sessions/{session_id}/close").status_code == 302
    after = me.client.get(started.location, follow_redirects=True).get_data(as_text=True)
    assert "只能在本班的课堂上作答" in after


def test_a_quiz_limited_to_networks_refuses_other_addresses(
    app,
    make_user,
    quiz_course,  # noqa: F811
    sync,
):
    _lock_quiz(app, quiz_course, sync, "networks: [10.9.0.0/16, 192.168.5.7]\n")
    make_user(username="cadre1")
    me = _signed_in(app, "cadre1")
    start = "/quizzes/test-course/check/start"
    refused = me.client.post(
        start,
        data={"csrf_token": csrf_token(me.client, "/")},
        environ_base={"REMOTE_ADDR": "172.16.0.9"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "教室网络" in refused and "172.16.0.9" in refused
    allowed = me.client.post(
        start,
        data={"csrf_token": csrf_token(me.client, "/")},
        environ_base={"REMOTE_ADDR": "10.9.3.4"},
    )
    assert re.search(r"/quizzes/attempts/\d+$", allowed.location)


def test_a_bad_network_in_a_quiz_file_names_the_line(app, quiz_course):  # noqa: F811
    from courseware.content.steps import check_all

    path = quiz_course / "check.yaml"
    path.write_text("networks: [10.9.0.0/16, 教室]\n" + path.read_text("utf-8"), "utf-8")
    with app.app_context():
        _found, problems = check_all()
    messages = [str(p) for p in problems]
    assert any("check.yaml:1" in m and "教室" in m for m in messages), messages


def test_the_ledger_shows_in_person_training_after_closing(app, make_user, make_class):
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher")
    learner = make_user(username="cadre1", name="张三")
    cohort = make_class([teacher_id], [learner], name="青干班")
    teacher = _signed_in(app, "teacher")
    session_id = _open(app, teacher, cohort, planned="7")
    me = _signed_in(app, "cadre1")
    me.post(f"/room/{session_id}/check-in", data={"code": _code(app, session_id)})
    closed = teacher.post(f"/teach/sessions/{session_id}/close", follow_redirects=True)
    assert "6" in closed.get_data(as_text=True)
    again = teacher.post(f"/teach/sessions/{session_id}/close", follow_redirects=True)
    assert "已结束" in again.get_data(as_text=True)
    mine = me.client.get("/my-learning").get_data(as_text=True)
    assert "其中面授培训：6" in mine
    with app.app_context():
        assert db.session.get(User, learner) is not None
