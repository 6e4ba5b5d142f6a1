"""In the browser, on a 360-px phone: a learner answers the questions inside a lesson in place,
and the lesson completes only once both are answered."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.db import db
from courseware.progress.models import LessonCheckAnswer, LessonProgress
from tests.browser.conftest import page_width, screenshot, sign_in
from tests.progress.test_lesson_checks import BANK, first_lesson

pytestmark = pytest.mark.browser


def test_a_learner_answers_the_checks_inside_a_lesson_on_a_phone(
    app, live_server, browser, make_user, lessons_dir, sync, tmp_path
):
    app.config["LESSON_BEAT_SECONDS"] = 1
    app.config["LESSON_COMPLETION_SHARE"] = 0.002  # about a second of reading for the test
    zh, en = first_lesson()
    (lessons_dir / "01-first.md").write_text(zh, "utf-8")
    (lessons_dir / "01-first.en.md").write_text(en, "utf-8")
    banks = tmp_path / "quizzes" / "test-course" / "banks"
    banks.mkdir(parents=True)
    (banks / "checks.yaml").write_text(BANK, "utf-8")
    sync()
    make_user(username="reader")
    page = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN").new_page()
    sign_in(page, live_server, "reader")
    page.goto(f"{live_server}/courses/test-course/first")

    first = page.locator("#check-1")
    first.get_by_text("哪一项正确？").wait_for()
    # Reach the end first: the lesson still waits for its questions.
    page.locator("#lesson-end").scroll_into_view_if_needed()
    page.wait_for_timeout(2500)
    with app.app_context():
        assert db.session.scalar(sa.select(LessonProgress.status)) == "in_progress"

    first.scroll_into_view_if_needed()
    first.get_by_label("错的").check()
    first.get_by_role("button", name="提交答案").click()
    first.get_by_text("还不对。").wait_for()
    expect(first.get_by_text("不对。", exact=True)).to_be_visible()  # the option's own feedback
    first.get_by_label("对的").check()
    first.get_by_role("button", name="提交答案").click()
    first.get_by_text("回答正确。").wait_for()
    expect(first.get_by_text("见第一课。")).to_be_visible()

    second = page.locator("#check-2")
    second.scroll_into_view_if_needed()
    second.get_by_label("正确", exact=True).check()
    second.get_by_role("button", name="提交答案").press("Enter")  # by keyboard too
    second.get_by_text("回答正确。").wait_for()
    # Time read after the first question counted only once it was answered; with that, the next
    # heartbeat completes the lesson and the page says so.
    page.locator("#lesson-done").get_by_text("您已完成本课。").wait_for()
    assert page.locator("#lesson-status").inner_text().strip() == "您已完成本课。"
    assert page_width(page) <= 360
    screenshot(page, "lesson-checks-phone")
    with app.app_context():
        assert db.session.scalar(sa.select(LessonProgress.status)) == "completed"
        rows = db.session.scalars(sa.select(LessonCheckAnswer).order_by(LessonCheckAnswer.name))
        assert [(r.name, r.correct, r.total_tries) for r in rows] == [
            ("pick-right", True, 2),
            ("say-yes", True, 1),
        ]
