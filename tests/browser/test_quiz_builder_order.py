"""In the browser, in Chinese: the quiz builder's search filters the bank's questions without
reloading the form (what was typed stays), and ticked questions and draws are put in order with
their ↑ ↓ buttons from the keyboard; the quiz is saved in that order. Checked on a 360-px phone."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes.models import Quiz
from tests.browser.conftest import page_width, screenshot, sign_in
from tests.quizzes.builder_fixtures import bank, BASICS  # noqa: F401
from tests.quizzes.conftest import quiz_course  # noqa: F401

pytestmark = pytest.mark.browser


def names(items) -> list[str]:
    return items.evaluate_all("items => items.map(item => item.dataset.name)")


def test_the_builder_finds_questions_in_place_and_orders_them_by_keyboard(
    app,
    live_server,
    browser,
    make_user,
    bank,  # noqa: F811
):
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="李老师")
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        course.editors.append(db.session.get(User, teacher))
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "teacher")
    page.goto(f"{live_server}/author/test-course/quizzes/new")
    page.wait_for_load_state("load")
    page.evaluate("window.sameDocument = true")
    page.get_by_label("网址中的简称").fill("in-order")
    page.get_by_label("标题（中文）", exact=True).fill("有序小测")
    picker = page.locator(".question-picker")
    picker.locator('input[value="b-three"]').check()
    picker.locator('input[value="pick-one"]').check()

    # The search answers in place: the form keeps what was typed, ticked questions stay shown.
    search = page.get_by_label("按名称、分类或题干查找题目")
    search.fill("谣言")
    search.press("Enter")
    status = page.locator("#builder-status")
    expect(status).to_have_text("找到 1 道题。")
    assert page.evaluate("window.sameDocument") is True
    expect(page.get_by_label("标题（中文）", exact=True)).to_have_value("有序小测")
    visible = picker.locator("li:not([hidden])")
    expect(visible).to_have_count(3)  # the two ticked, and p-one
    expect(picker.locator('li[data-name="p-two"]')).to_be_hidden()
    search.fill("")
    expect(status).to_have_text("已显示题库中的全部题目。")

    # Ticked questions come first, in the order ticked; ↑ by keyboard moves one, focus stays.
    ticked = picker.locator("li:has(input:checked)")
    expect(ticked).to_have_count(2)
    assert names(ticked) == ["b-three", "pick-one"]
    assert names(picker.locator("li"))[:2] == ["b-three", "pick-one"]
    up = picker.locator('li[data-name="pick-one"]').get_by_role("button", name="上移“哪一项正确？”")
    up.focus()
    page.keyboard.press("Enter")
    expect(picker.locator("li").first).to_have_attribute("data-name", "pick-one")
    assert names(ticked) == ["pick-one", "b-three"]
    expect(status).to_have_text("“哪一项正确？”现在是第 1 题，共 2 题。")
    # At the top its ↑ is disabled, so the focus went to its ↓.
    expect(picker.locator('li[data-name="pick-one"] button[value$=":down"]')).to_be_focused()

    # Two draws, then the second put first by keyboard.
    page.get_by_label("第 1 组抽题：分类").select_option(BASICS)
    page.get_by_label("第 1 组抽题：题数").fill("2")
    page.get_by_label("第 2 组抽题：分类").select_option("practice")
    page.get_by_label("第 2 组抽题：题数").fill("1")
    page.get_by_role("button", name="上移第 2 组抽题").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("第 1 组抽题：分类")).to_have_value("practice")
    expect(page.get_by_label("第 1 组抽题：题数")).to_have_value("1")
    expect(page.get_by_label("第 2 组抽题：题数")).to_have_value("2")
    expect(page.get_by_role("button", name="上移第 1 组抽题")).to_be_disabled()
    expect(page.get_by_role("button", name="下移第 1 组抽题")).to_be_focused()
    screenshot(page, "quiz-builder-order-desktop")

    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("测验已创建").wait_for()
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "in-order"))
        assert quiz.slots == [
            {"question": "pick-one"},
            {"question": "b-three"},
            {"draw": 1, "category": "practice"},
            {"draw": 2, "category": BASICS},
        ]
    # Opened again, the form shows that order.
    assert names(ticked) == ["pick-one", "b-three"]
    assert errors == []
    context.close()

    phone = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    small = phone.new_page()
    sign_in(small, live_server, "teacher")
    small.goto(f"{live_server}/author/test-course/quizzes/in-order/edit")
    small.wait_for_load_state("load")
    assert page_width(small) <= 360
    screenshot(small, "quiz-builder-order-phone")
    phone.close()
