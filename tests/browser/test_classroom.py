"""In the browser: an instructor opens a class session and puts the projector up; three learners
(one on a 360-px phone) check in with the code on the projector — one late, one on approved leave;
an old code is refused; a roll call and a pace signal; the session closes and each cadre's ledger
shows the in-person credit hours."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role
from courseware.classroom import codes
from courseware.classroom.models import ClassSession
from courseware.db import db
from courseware.progress.models import CreditEntry
from courseware.timeutil import utcnow
from tests.browser.conftest import page_width, screenshot
from tests.browser.test_exercises import htmx_ready

pytestmark = pytest.mark.browser

POLL_MS = 8000
SESSION_URL = re.compile(r"/teach/sessions/(\d+)$")


def _projector_code(page) -> str:
    return page.locator(".rp-code").get_attribute("data-code")


def test_a_class_session_from_check_in_to_credit_hours(
    app, live_server, browser, make_user, make_class, open_page
):
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="王老师")
    phone = make_user(username="cadre1", name="张三")
    laptop = make_user(username="cadre2", name="Li Si")
    away = make_user(username="cadre3", name="王五")
    make_class([teacher], [phone, laptop, away], name="青干班")
    # The instructor opens a session of three and a half hours, starting now.
    desk = open_page("teacher", "zh-CN", width=1280, height=800)
    desk.goto(f"{live_server}/teach/sessions/")
    desk.get_by_label("地点").fill("党校201教室")
    desk.get_by_label("主题（可不填）").fill("政务微博")
    desk.get_by_label("计划时长（小时）").fill("3.5")
    desk.get_by_role("button", name="开设", exact=True).click()
    expect(desk).to_have_url(SESSION_URL)
    session_id = int(SESSION_URL.search(desk.url).group(1))

    # The third learner asks for leave beforehand; the instructor approves it.
    third = open_page("cadre3", "zh-CN", width=1024, height=768)
    third.goto(f"{live_server}/room/")
    third.get_by_role("link", name="政务微博").click()
    third.get_by_label("请假事由").fill("到省里开会")
    third.get_by_role("button", name="申请请假").click()
    expect(third.locator(".flash-success")).to_contain_text("请假申请已发给教师")
    desk.reload()
    desk.get_by_role("button", name="批准", exact=True).click()
    expect(desk.locator("[data-learner=cadre3]")).to_contain_text("请假")

    # The projector, in a window of its own at 1280×720.
    projector = desk.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(f"{live_server}/teach/sessions/{session_id}/projector")
    htmx_ready(projector)
    expect(projector.locator("svg.room-qr")).to_be_visible()
    screenshot(projector, "classroom-projector-1280")

    # On the phone: a code photographed a minute ago is refused, the one on the projector passes.
    with app.app_context():
        session = db.session.get(ClassSession, session_id)
        secret, join_code = session.secret, session.join_code
    old = codes.checkin_code(secret, codes.window_of(utcnow()) - 4)
    mobile = open_page("cadre1", "zh-CN")
    mobile.goto(f"{live_server}/room/")
    mobile.get_by_role("textbox", name="投影上的签到码").fill(old)
    mobile.get_by_role("button", name="签到", exact=True).click()
    expect(mobile.locator(".field-error")).to_contain_text("签到码已过期")
    mobile.get_by_role("textbox", name="投影上的签到码").fill(_projector_code(projector))
    mobile.get_by_role("button", name="签到", exact=True).click()
    expect(mobile.locator(".flash-success")).to_have_text("已签到。")
    screenshot(mobile, "classroom-learner-phone")
    width = page_width(mobile)
    assert width <= 360, f"the phone page scrolls sideways ({width} px)"

    # Half an hour passes: the class started, so the second learner, in English, is late.
    # They scan the QR code, which leads to the session with the code filled in.
    with app.app_context():
        session = db.session.get(ClassSession, session_id)
        session.starts_at -= dt.timedelta(minutes=30)
        db.session.commit()
    second = open_page("cadre2", "en-US", width=1280, height=800)
    code = _projector_code(projector)
    second.goto(f"{live_server}/room/j/{join_code}?c={code}")
    second.get_by_role("button", name="Check in").click()
    expect(second.locator(".flash-success")).to_have_text("Checked in, late.")

    # The instructor sees present, late and on leave without reloading.
    board = desk.locator("#room-board")
    expect(board.locator("[data-count=present]")).to_have_text("1", timeout=POLL_MS)
    expect(board.locator("[data-count=late]")).to_have_text("1")
    expect(board.locator("[data-count=leave]")).to_have_text("1")
    expect(projector.locator(".rp-counts")).to_contain_text("已到：2 / 3", timeout=POLL_MS)

    # The pace signal reaches only the instructor, as a share of those present.
    mobile.get_by_role("button", name="太快").click()
    expect(mobile.locator(".flash-success")).to_have_text("已发给教师。")
    expect(board.locator("[data-pace=fast]")).to_contain_text("50%", timeout=POLL_MS)
    expect(projector.locator("body")).not_to_contain_text("太快")

    # A roll call picks one of the two present, on the projector and on their page.
    desk.get_by_role("button", name="随机点名").click()
    expect(desk.locator(".flash-success")).to_contain_text("点到：")
    called = desk.locator(".flash-success").inner_text().split("：", 1)[1].strip()
    assert called in ("张三", "Li Si")
    expect(projector.locator(".rp-called")).to_have_text(called, timeout=POLL_MS)
    projector.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(projector, "classroom-projector-1920")
    code_size = projector.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.rp-code')).fontSize)"
    )
    assert code_size >= 90, f"the code is too small for the back of the room ({code_size} px)"
    if called == "张三":
        expect(mobile.locator(".room-called")).to_contain_text("张三", timeout=POLL_MS)

    # Closing credits 3 credit hours (a half day) to each learner present, once.
    desk.get_by_role("button", name="结束并记学时").click()
    expect(desk.locator(".flash-success")).to_contain_text("共为 2 名学员记入 6 学时")
    expect(desk.locator("[data-learner=cadre3]")).to_contain_text("请假")
    screenshot(desk, "classroom-instructor-closed")

    mobile.goto(f"{live_server}/my-learning")
    expect(mobile.locator(".quota")).to_contain_text("其中面授培训：3")
    second.goto(f"{live_server}/my-learning")
    expect(second.locator(".quota")).to_contain_text("Of which in-person training: 3")
    third.goto(f"{live_server}/my-learning")
    expect(third.locator("main")).not_to_contain_text("面授培训")
    with app.app_context():
        credited = dict(
            db.session.execute(
                sa.select(CreditEntry.user_id, sa.func.sum(CreditEntry.hours)).group_by(
                    CreditEntry.user_id
                )
            ).all()
        )
    assert credited == {phone: 3, laptop: 3}
    # The refused old code came back with status 400, which Chromium reports on the console.
    refused = re.compile(r"/room/check-in: Failed to load resource: .* 400 ")
    for context in open_page.contexts:
        errors = [e for e in context.console_errors if not refused.search(e)]
        assert errors == [], errors
