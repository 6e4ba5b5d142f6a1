"""In the browser: an instructor runs a live quiz of three questions from the course's bank on the
projector while three learners (one on a 360-px phone) answer — one changes an answer, one joins
late, the phone reloads and keeps its answer and score — and the quiz counts as an attempt; then
two questions from the room: one held by the sensitive-word list, one approved, upvoted and put
on the projector with its author hidden from the room."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Cohort, Role, User
from courseware.classroom import codes, sessions
from courseware.classroom.models import ClassSession, LiveAnswer
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment
from courseware.quizzes.models import Attempt
from courseware.timeutil import utcnow
from tests.browser.conftest import page_width, screenshot
from tests.browser.test_exercises import htmx_ready
from tests.quizzes.conftest import quiz_course  # noqa: F401

pytestmark = pytest.mark.browser

POLL_MS = 8000


def _check_in(app, session_id, user_id):
    with app.app_context():
        session = db.session.get(ClassSession, session_id)
        now = utcnow()
        sessions.check_in(session, user_id, codes.current_code(session.secret, now), now)
        db.session.commit()


def test_a_live_quiz_and_questions_from_the_room(
    app,
    live_server,
    browser,
    make_user,
    make_class,
    quiz_course,  # noqa: F811
    open_page,
):
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="王老师")
    phone_user = make_user(username="cadre1", name="张三")
    laptop_user = make_user(username="cadre2", name="Li Si")
    late_user = make_user(username="cadre3", name="王五")
    cohort_id = make_class([teacher], [phone_user, laptop_user, late_user], name="青干班")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        today = utcnow().date()
        db.session.add(
            CourseAssignment(
                cohort_id=cohort_id, course_id=course.id, starts_on=today, due_on=today
            )
        )
        session = sessions.open_session(
            db.session.get(Cohort, cohort_id),
            db.session.get(User, teacher),
            utcnow(),
            3,
            "201",
            "政务微博",
        )
        db.session.commit()
        session_id = session.id
    for learner in (phone_user, laptop_user):
        _check_in(app, session_id, learner)
    desk = open_page("teacher", "zh-CN", width=1280, height=900)
    desk.goto(f"{live_server}/teach/sessions/{session_id}")
    htmx_ready(desk)
    desk.get_by_label("计为以下测验的一次作答").select_option(label="测试课程 · 小测")
    desk.get_by_label("每道题开放的秒数").fill("90")
    desk.get_by_role("button", name="开始课堂测验").click()
    expect(desk.locator(".flash-success")).to_contain_text("课堂测验已开始")

    projector = desk.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(f"{live_server}/teach/sessions/{session_id}/projector")
    htmx_ready(projector)

    mobile = open_page("cadre1", "zh-CN")
    mobile.goto(f"{live_server}/room/{session_id}")
    htmx_ready(mobile)
    laptop = open_page("cadre2", "en-US", width=1280, height=800)
    laptop.goto(f"{live_server}/room/{session_id}")
    htmx_ready(laptop)

    # Question 1: a single choice. The phone changes its answer; the laptop answers wrong.
    desk.get_by_label("下一题").select_option(label="pick-one · 哪一项正确？")
    desk.get_by_role("button", name="推送给全班").click()
    expect(desk.locator(".flash-success")).to_contain_text("第 1 题已开放作答")
    live = mobile.locator("#room-live")
    expect(live).to_contain_text("哪一项正确", timeout=POLL_MS)
    live.get_by_label("错的").check()
    expect(live).to_contain_text("你的答案已保存", timeout=POLL_MS)
    live.get_by_label("对的").check()
    expect(live.get_by_label("对的")).to_be_checked()
    laptop_live = laptop.locator("#room-live")
    expect(laptop_live).to_contain_text("Which is right?", timeout=POLL_MS)
    laptop_live.get_by_label("Wrong").check()
    expect(laptop_live).to_contain_text("Your answer is saved", timeout=POLL_MS)
    expect(projector.locator(".lq-countdown")).to_be_visible(timeout=POLL_MS)
    expect(projector.locator(".lq-answered").first).to_contain_text(
        "已作答：2 / 2", timeout=POLL_MS
    )
    screenshot(projector, "classroom-live-question-1280")
    screenshot(mobile, "classroom-live-phone")
    width = page_width(mobile)
    assert width <= 360, f"the phone page scrolls sideways ({width} px)"

    desk.get_by_role("button", name="立即截止本题").click()
    expect(projector.locator(".lq-answer strong")).to_have_text("对的", timeout=POLL_MS)
    expect(projector.locator(".lq-right")).to_contain_text("1 · 50%")
    screenshot(projector, "classroom-live-answers-1280")
    expect(live.locator(".lq-result")).to_contain_text("正确", timeout=POLL_MS)
    expect(laptop_live.locator(".lq-result")).to_contain_text("wrong", timeout=POLL_MS)

    # The third learner arrives late and joins at question 2; the phone reloads mid-question.
    _check_in(app, session_id, late_user)
    late = open_page("cadre3", "zh-CN", width=1024, height=768)
    late.goto(f"{live_server}/room/{session_id}")
    htmx_ready(late)
    desk.get_by_label("下一题").select_option(label="yes-no · 政务微博要讲实话。")
    desk.get_by_role("button", name="推送给全班").click()
    late_live = late.locator("#room-live")
    expect(late_live).to_contain_text("政务微博要讲实话", timeout=POLL_MS)
    late_live.get_by_label("正确", exact=True).check()
    expect(late_live).to_contain_text("你的答案已保存", timeout=POLL_MS)
    expect(live).to_contain_text("政务微博要讲实话", timeout=POLL_MS)
    live.get_by_label("正确", exact=True).check()
    expect(live).to_contain_text("你的答案已保存", timeout=POLL_MS)
    mobile.reload()
    htmx_ready(mobile)
    live = mobile.locator("#room-live")
    expect(live.get_by_label("正确", exact=True)).to_be_checked()
    # Only closed questions count in the score shown, so an open one gives nothing away.
    expect(live.locator(".lq-score")).to_contain_text("你的得分：1 / 1")
    laptop_live.get_by_label("True").check()
    expect(laptop_live).to_contain_text("Your answer is saved", timeout=POLL_MS)
    desk.get_by_role("button", name="立即截止本题").click()
    expect(projector.locator(".lq-answer strong")).to_have_text("正确", timeout=POLL_MS)

    # Question 3: a typed answer.
    desk.get_by_label("下一题").select_option(label="typed · 写出 abc1")
    desk.get_by_role("button", name="推送给全班").click()
    expect(laptop_live).to_contain_text("abc1", timeout=POLL_MS)
    laptop_live.get_by_label("Your answer").fill("ABC1")
    laptop_live.get_by_role("button", name="Send my answer").click()
    expect(laptop_live).to_contain_text("Your answer is saved", timeout=POLL_MS)
    desk.get_by_role("button", name="立即截止本题").click()
    expect(projector.locator(".lq-answer strong")).to_have_text("abc1", timeout=POLL_MS)
    desk.get_by_role("button", name="结束课堂测验").click()
    expect(desk.locator(".flash-success")).to_contain_text("记录了 3 次作答")
    expect(desk.locator("h1")).to_have_text("课堂测验报告")
    expect(desk.locator("[data-summary='1']")).to_contain_text("作答：2 · 答对：1")
    expect(desk.locator("[data-summary='2']")).to_contain_text("作答：3 · 答对：3")
    screenshot(desk, "classroom-live-report")
    expect(live.locator(".lq-score")).to_contain_text("2 / 3", timeout=POLL_MS)
    with app.app_context():
        scores = {a.user_id: (a.score, a.max_score) for a in db.session.scalars(sa.select(Attempt))}
        assert scores == {phone_user: (2, 3), laptop_user: (2, 3), late_user: (1, 3)}
        assert db.session.scalar(sa.select(sa.func.count(LiveAnswer.id))) == 6

    # Questions from the room: one held by the word list, one sent anonymously and approved.
    desk.goto(f"{live_server}/teach/sessions/{session_id}")
    htmx_ready(desk)
    mobile.get_by_label("你的提问或弹幕").fill("这个问题太白痴了吧")
    mobile.get_by_role("button", name="发送", exact=True).click()
    expect(mobile.locator(".flash-success")).to_contain_text("等待教师审核")
    laptop.get_by_label("Your question or comment").fill("How is the assessment scored?")
    laptop.get_by_label("Hide my name from classmates").check()
    laptop.get_by_role("button", name="Send", exact=True).click()
    expect(laptop.locator(".flash-success")).to_contain_text("waits for the instructor")
    board = desk.locator("#live-board")
    expect(board.locator(".rq-held")).to_contain_text("已暂扣：含有 白痴", timeout=POLL_MS)
    waiting = board.locator("li", has_text="How is the assessment scored?")
    expect(waiting).to_contain_text("Li Si")
    waiting.get_by_role("button", name="批准").click()
    expect(late.locator("#room-questions")).to_contain_text(
        "How is the assessment scored?", timeout=POLL_MS
    )
    expect(late.locator("#room-questions")).not_to_contain_text("Li Si")
    late.locator("#room-questions").get_by_role("button", name="点赞").click()
    expect(late.locator("#room-questions")).to_contain_text("你已点赞")
    desk.get_by_role("button", name="在投影上显示提问").click()
    expect(projector.locator(".rq-list")).to_contain_text(
        "How is the assessment scored?", timeout=POLL_MS
    )
    expect(projector.locator(".rq-list")).to_contain_text("1 个赞")
    expect(projector.locator("body")).not_to_contain_text("Li Si")
    expect(projector.locator("body")).not_to_contain_text("白痴")
    screenshot(projector, "classroom-room-questions-1920")
    screenshot(late, "classroom-room-questions-learner")
    for context in open_page.contexts:
        assert context.console_errors == [], context.console_errors
