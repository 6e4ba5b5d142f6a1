"""In the browser, a phone whose Wi-Fi drops: the check-in and the live-quiz answer it sends while
offline stay on the phone, say so, and arrive once when the connection returns; so does a post."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Cohort, Role, User
from courseware.classroom import codes, livequiz, sessions
from courseware.classroom.models import Attendance, LiveAnswer, RoomPost
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment
from courseware.quizzes.models import QuestionRecord
from courseware.timeutil import utcnow
from tests.browser.test_exercises import htmx_ready, signed_in_page
from tests.quizzes.conftest import quiz_course  # noqa: F401

pytestmark = pytest.mark.browser

POLL_MS = 8000


def _kept(page):
    return page.evaluate(
        "() => Object.keys(JSON.parse(localStorage.getItem('courseware-room-outbox') || '{}'))"
    )


def test_a_phone_offline_keeps_its_check_in_and_answer_and_sends_them_once(
    app,
    live_server,
    browser,
    make_user,
    make_class,
    quiz_course,  # noqa: F811
):
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="王老师")
    learner = make_user(username="cadre1", name="张三")
    cohort_id = make_class([teacher], [learner], name="青干班")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        today = utcnow().date()
        db.session.add(
            CourseAssignment(
                cohort_id=cohort_id, course_id=course.id, starts_on=today, due_on=today
            )
        )
        by = db.session.get(User, teacher)
        session = sessions.open_session(
            db.session.get(Cohort, cohort_id), by, utcnow(), 3, "201", "政务微博"
        )
        db.session.flush()
        live = livequiz.start(session, course, by, utcnow(), seconds=120)
        record = db.session.scalar(
            sa.select(QuestionRecord).where(QuestionRecord.name == "pick-one")
        )
        livequiz.push(live, record, by, utcnow(), seconds=120)
        db.session.commit()
        session_id, secret = session.id, session.secret

    context, phone = signed_in_page(browser, live_server, "cadre1", "zh-CN")
    try:
        phone.goto(f"{live_server}/room/{session_id}")
        htmx_ready(phone)

        # The Wi-Fi drops as the code is typed: the check-in waits on the phone.
        context.set_offline(True)
        phone.get_by_label("投影上的签到码").fill(codes.current_code(secret, utcnow()))
        phone.get_by_role("button", name="签到").click()
        expect(phone.locator("#outbox-state")).to_contain_text("已保存在本机")
        assert _kept(phone) == [f"checkin-{session_id}"]
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0

        # Back online: it is sent, the page shows the learner checked in.
        context.set_offline(False)
        expect(phone.locator("#room-live")).to_contain_text("哪一项正确", timeout=POLL_MS)
        htmx_ready(phone)
        assert _kept(phone) == []

        # Offline again while answering: the answer waits on the phone, then arrives once.
        context.set_offline(True)
        phone.locator("#room-live").get_by_label("对的").check()
        expect(phone.locator("#outbox-state")).to_contain_text("已保存在本机")
        assert _kept(phone) == [f"answer-{session_id}-{_question_id(app, session_id)}"]
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveAnswer)) == 0
        context.set_offline(False)
        expect(phone.locator("#room-live")).to_contain_text("你的答案已保存", timeout=POLL_MS)
        expect(phone.locator("#outbox-state")).to_contain_text("已发送")
        assert _kept(phone) == []
        phone.wait_for_timeout(3000)  # a retry still on its way would arrive by now
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1
            answers = db.session.scalars(sa.select(LiveAnswer)).all()
            assert [(a.state, a.changes) for a in answers] == [("correct", 0)]

        # A question for the instructor, sent offline: kept, then posted once; the page says so
        # and stays as it is.
        context.set_offline(True)
        phone.get_by_label("你的提问或弹幕").fill("考核怎么算？")
        phone.get_by_role("button", name="发送", exact=True).click()
        expect(phone.locator("#outbox-state")).to_contain_text("已保存在本机")
        assert [key.rsplit("-", 1)[0] for key in _kept(phone)] == [f"post-{session_id}"]
        context.set_offline(False)
        expect(phone.locator("#outbox-state")).to_contain_text("已发送", timeout=POLL_MS)
        assert _kept(phone) == []
        with app.app_context():
            assert db.session.scalars(sa.select(RoomPost.text)).all() == ["考核怎么算？"]
    finally:
        context.close()


def _question_id(app, session_id):
    from courseware.classroom.models import LiveQuestion, LiveQuiz

    with app.app_context():
        return db.session.scalar(
            sa.select(LiveQuestion.id)
            .join(LiveQuiz, LiveQuiz.id == LiveQuestion.live_quiz_id)
            .where(LiveQuiz.session_id == session_id)
        )
