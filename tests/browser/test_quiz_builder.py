"""In the browser, in Chinese: an instructor builds a quiz that draws three questions from two
categories of the course's bank, previews it (nothing recorded), publishes it, and a learner
takes it. Checked on a desktop and on a 360-px phone."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes.models import Attempt, Quiz
from tests.browser.conftest import fits, screenshot, sign_in
from tests.quizzes.builder_fixtures import bank  # noqa: F401
from tests.quizzes.conftest import quiz_course  # noqa: F401

pytestmark = pytest.mark.browser


def test_an_instructor_builds_previews_and_publishes_a_quiz_and_a_learner_takes_it(
    app, live_server, browser, make_user, bank
):
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="李老师")
    make_user(username="reader", name="学员")
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        course.editors.append(db.session.get(User, teacher))
        db.session.commit()
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "teacher")

    page.goto(f"{live_server}/author/test-course/")
    page.get_by_role("link", name="新建测验").click()
    page.get_by_label("网址中的简称").fill("draw-three")
    page.get_by_label("在课程中的位置").select_option(label="放在“第一课”之后")
    page.get_by_label("标题（中文）", exact=True).fill("随机三题")
    page.get_by_label("限时（分钟，0 表示不限）").fill("15")
    page.get_by_label("第 1 组抽题：分类").select_option(label="政务微博 / 基础 (3)")
    page.get_by_label("第 1 组抽题：题数").fill("2")
    page.get_by_label("第 2 组抽题：分类").select_option(label="practice (2)")
    page.get_by_label("第 2 组抽题：题数").fill("1")
    # Too many from a category: refused, named by its field, nothing lost.
    page.get_by_label("第 2 组抽题：题数").fill("3")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("第 2 组抽题：该分类只有 2 道可抽取的题").wait_for()
    assert page.get_by_label("标题（中文）", exact=True).input_value() == "随机三题"
    page.get_by_label("第 2 组抽题：题数").fill("1")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("测验已创建").wait_for()
    screenshot(page, "quiz-builder-desktop")

    page.get_by_role("link", name="以学员身份预览").click()
    expect(page.locator("fieldset.question")).to_have_count(3)
    page.get_by_role("button", name="核对答案").click()
    page.get_by_text("得分").first.wait_for()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0

    page.get_by_role("link", name="随机三题").click()
    page.get_by_role("button", name="发布第 1 版").click()
    page.get_by_text("第 1 版已发布").wait_for()
    page.goto(f"{live_server}/author/test-course/")
    titles = page.locator("ol.outline .outline-title").all_inner_texts()
    assert "随机三题" in titles[1]
    assert errors == []

    phone = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    teacher_phone = phone.new_page()
    sign_in(teacher_phone, live_server, "teacher")
    for path in ("new", "draw-three/edit", "draw-three/preview?seed=3"):
        teacher_phone.goto(f"{live_server}/author/test-course/quizzes/{path}")
        assert fits(teacher_phone), path
    screenshot(teacher_phone, "quiz-preview-phone")
    phone.close()

    reader_context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    reader = reader_context.new_page()
    sign_in(reader, live_server, "reader")
    reader.goto(f"{live_server}/courses/test-course")
    reader.get_by_role("link", name="随机三题").click()
    reader.get_by_role("button", name="开始测验").click()
    reader.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    expect(reader.locator("fieldset.question")).to_have_count(3)
    assert fits(reader)
    reader.once("dialog", lambda dialog: dialog.accept())
    reader.get_by_role("button", name="交卷").click()
    reader.wait_for_url(re.compile(r"/result$"))
    reader.get_by_text("得分").first.wait_for()
    assert fits(reader)
    screenshot(reader, "quiz-built-learner-phone")
    reader_context.close()
    desk.close()
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "draw-three"))
        attempt = db.session.scalar(sa.select(Attempt))
        assert attempt.quiz_version_id == quiz.version_id and attempt.status == "submitted"
        assert len(attempt.answers) == 3
