"""In the browser: an instructor locks a course quiz to the room in its settings form. A learner of
the class opening it outside a class session is refused in Chinese (a learner reading English, in
English) and has no way to start it; the refusal fits a 360-px phone. The instructor opens a
session: the learner is told to check in first, checks in with the projector's code and starts the
quiz. Limited then to a network that 127.0.0.1 is not on, the quiz is refused with the network
message, and the attempt in progress is no longer offered."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment
from courseware.quizzes.models import Attempt, Quiz
from courseware.timeutil import local_today
from tests.browser.conftest import page_width, screenshot
from tests.quizzes.conftest import quiz_course  # noqa: F401

pytestmark = pytest.mark.browser

QUIZ = "/quizzes/test-course/check"
EDIT = "/author/test-course/quizzes/check/edit"
ATTEMPT_URL = re.compile(r"/quizzes/attempts/(\d+)$")
NO_SESSION_ZH = "本测验只能在本班的课堂上作答，现在没有进行中的课堂。"
NO_SESSION_EN = (
    "This quiz can only be taken during a class session of your class; none is open now."
)
# A form sent back with its problems has status 400, which Chromium reports on the console.
REFUSED_FORM = re.compile(r"/quizzes/check/edit: Failed to load resource: .* 400 ")


def _fits(page, width=360) -> int:
    scroll = page_width(page)
    assert scroll <= width, f"the phone page scrolls sideways ({scroll} px)"
    return scroll


def _attempts(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Attempt))


def test_a_quiz_locked_to_the_room_is_refused_outside_a_class_session(
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
    english_user = make_user(username="cadre2", name="Li Si")
    cohort = make_class([teacher], [phone_user, english_user], name="青干班")
    # The course is the teacher's to edit and the class's to take (set up as the admin would).
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        course.editors.append(db.session.get(User, teacher))
        today = local_today()
        db.session.add(
            CourseAssignment(cohort_id=cohort, course_id=course.id, starts_on=today, due_on=today)
        )
        db.session.commit()
    # The instructor ticks the room lock in the quiz's settings and publishes.
    desk = open_page("teacher", "zh-CN", width=1280, height=800)
    desk.goto(f"{live_server}{EDIT}")
    lock = desk.get_by_label("只能在本测验所属班次的课堂上作答")
    expect(lock).not_to_be_checked()
    lock.check()
    desk.get_by_role("button", name="保存并发布").click()
    expect(desk.locator(".flash-success")).to_contain_text("已发布")
    expect(desk.get_by_label("只能在本测验所属班次的课堂上作答")).to_be_checked()
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "check"))
        assert quiz.settings["classroom_only"] is True

    # Outside a session the learner is told why, in Chinese, and offered no start.
    mobile = open_page("cadre1", "zh-CN")
    mobile.goto(f"{live_server}{QUIZ}")
    refusal = mobile.locator("main [role=status]")
    expect(refusal).to_have_text(NO_SESSION_ZH)
    expect(mobile.get_by_role("button", name="开始测验")).to_have_count(0)
    _fits(mobile)
    screenshot(mobile, "quiz-room-lock-refused-phone")

    # A learner reading English is told in English.
    laptop = open_page("cadre2", "en-US", width=1280, height=800)
    laptop.goto(f"{live_server}{QUIZ}")
    expect(laptop.locator("main [role=status]")).to_have_text(NO_SESSION_EN)
    expect(laptop.get_by_role("button", name="Start the quiz")).to_have_count(0)
    assert _attempts(app) == 0

    # The instructor opens a class session now, and puts the projector up.
    desk.goto(f"{live_server}/teach/sessions/")
    desk.get_by_label("地点").fill("党校201教室")
    desk.get_by_label("计划时长（小时）").fill("3")
    desk.get_by_role("button", name="开设", exact=True).click()
    expect(desk).to_have_url(re.compile(r"/teach/sessions/(\d+)$"))
    session_id = int(desk.url.rsplit("/", 1)[1])
    projector = desk.context.new_page()
    projector.goto(f"{live_server}/teach/sessions/{session_id}/projector")
    code = projector.locator(".rp-code")
    expect(code).to_have_attribute("data-code", re.compile(r"\d+"))

    # With the session open the learner still has to check in first.
    mobile.reload()
    expect(refusal).to_have_text("本测验在课堂上作答：请先签到。")
    expect(mobile.get_by_role("button", name="开始测验")).to_have_count(0)
    mobile.goto(f"{live_server}/room/")
    mobile.get_by_role("textbox", name="投影上的签到码").fill(code.get_attribute("data-code"))
    mobile.get_by_role("button", name="签到", exact=True).click()
    expect(mobile.locator(".flash-success")).to_have_text("已签到。")

    # Checked in, the learner starts the quiz.
    mobile.goto(f"{live_server}{QUIZ}")
    mobile.get_by_role("button", name="开始测验").click()
    expect(mobile).to_have_url(ATTEMPT_URL)
    attempt_url = mobile.url
    expect(mobile.locator("fieldset.question").first).to_be_visible()
    assert _attempts(app) == 1

    # The instructor limits the quiz to the classroom's network; a typo is named by its field.
    desk.goto(f"{live_server}{EDIT}")
    networks = desk.get_by_label("仅限以下网络（可不填）")
    networks.fill("192.168.10.0/24\n教室")
    desk.get_by_role("button", name="保存并发布").click()
    expect(desk.locator(".field-error")).to_have_text(
        "“教室”不是网络（如 192.168.10.0/24）或地址（如 192.168.10.7）。"
    )
    desk.get_by_label("仅限以下网络（可不填）").fill("192.168.10.0/24")
    desk.get_by_role("button", name="保存并发布").click()
    expect(desk.locator(".flash-success")).to_contain_text("已发布")
    screenshot(desk, "quiz-room-lock-settings")

    # From 127.0.0.1 the learner is refused with the network message, and the attempt in
    # progress is not offered; its own page sends the learner back with the reason.
    network_zh = re.compile(r"^本测验只能在教室网络内作答，你的地址（127\.0\.0\.1）不在其中。")
    mobile.goto(f"{live_server}{QUIZ}")
    expect(refusal).to_have_text(network_zh)
    expect(mobile.get_by_role("link", name="继续作答")).to_have_count(0)
    _fits(mobile)
    screenshot(mobile, "quiz-room-lock-network-phone")
    mobile.goto(attempt_url)
    expect(mobile).to_have_url(re.compile(f"{QUIZ}$"))
    expect(mobile.locator(".flash-error")).to_have_text(network_zh)
    _fits(mobile)
    laptop.reload()
    expect(laptop.locator("main [role=status]")).to_have_text(
        re.compile(r"^This quiz can only be taken from the classroom's network; your address ")
    )
    expect(laptop.locator("main [role=status]")).to_contain_text("(127.0.0.1)")
    assert _attempts(app) == 1

    for context in open_page.contexts:
        errors = [e for e in context.console_errors if not REFUSED_FORM.search(e)]
        assert errors == [], errors
