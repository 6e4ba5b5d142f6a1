"""In the browser, in Chinese: an instructor starts a scenario from the one the first course
ships, changes an inject's text in the YAML editor (a mistake first, found on its line), saves a
draft and play-tests it — moving the clock on to the next inject — to its after-action report;
nothing is recorded as a run. Every page checked on a 360-px phone."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises.models import ExerciseRun, PlayTest
from tests.browser.conftest import fits, screenshot, sign_in
from tests.exercises.conftest import add_exercise, SALT_PANIC

pytestmark = pytest.mark.browser

OLD = "超市的盐被抢光了！听说日本核泄漏"
NEW = "城东超市门口排起长队，有人说盐要涨价"


def test_an_instructor_starts_a_scenario_from_a_shipped_one_and_play_tests_it(
    app, live_server, browser, make_user, lessons_dir, sync, tmp_path
):
    add_exercise(lessons_dir, tmp_path, sync, SALT_PANIC)
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher", name="李老师")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        course.editors.append(db.session.get(User, teacher_id))
        db.session.commit()
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server, "teacher")

    # From the course's page to its scenarios; one click starts a new one from the shipped one.
    page.goto(f"{live_server}/author/test-course/")
    page.get_by_role("link", name="演练场景").click()
    assert page.get_by_label("新场景的简称（用于网址和文件名）").input_value() == "salt-panic-copy"
    page.get_by_role("button", name="以此为蓝本新建场景").click()
    page.get_by_text("已以").wait_for()
    page.get_by_role("heading", name="编辑场景").wait_for()

    # A mistake first: checked, it is listed with its line, and choosing it goes to that line.
    editor = page.get_by_label("场景文件（YAML）")
    original = editor.input_value()
    broken = original.replace("persona: resident\n", "persona: nobody\n", 1)
    wrong = next(n for n, line in enumerate(broken.split("\n"), 1) if "persona: nobody" in line)
    editor.fill(broken)
    page.get_by_role("button", name="检查").click()
    problem = page.get_by_role("button", name=f"第 {wrong} 行")
    problem.wait_for()
    expect(page.get_by_text("人物列表（personas）中没有“nobody”")).to_be_visible()
    problem.click()
    line = page.evaluate(
        "(() => { const t = document.getElementById('text');"
        " return document.activeElement === t && t.value.slice(0, t.selectionStart).split('\\n').length; })()"
    )
    assert line == wrong
    # The gutter numbers every line and marks the wrong one.
    assert page.locator(".code-gutter .has-problem").inner_text() == str(wrong)

    # The inject's text changed, checked clean, saved as a draft.
    editor = page.get_by_label("场景文件（YAML）")
    editor.fill(original.replace(OLD, NEW, 1))
    page.get_by_role("button", name="检查").click()
    page.get_by_text("没有问题").first.wait_for()
    page.get_by_label("本次修改说明（可选）").fill("改写开场事件")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存为修订版 2").wait_for()

    # The play-test: the changed inject is there; the clock moves on to the next inject.
    page.get_by_role("button", name="以学员身份试玩第 2 版").click()
    page.get_by_role("heading", name="试玩").wait_for()
    expect(page.get_by_text(NEW).first).to_be_visible()
    page.get_by_role("button", name="时钟拨快 5 分钟").click()
    page.get_by_text("第 5 分钟").first.wait_for()
    page.get_by_role("button", name="快进到下一个事件").click()
    page.get_by_label("你的发帖").fill("经核实，我省食盐储备充足，碘盐不能防辐射，请大家不要抢购。")
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="结束并查看复盘报告").click()
    page.get_by_role("heading", name="试玩报告").wait_for()
    expect(page.get_by_text("总分").first).to_be_visible()
    expect(page.get_by_role("heading", name="改进计划")).to_be_visible()
    screenshot(page, "scenario-playtest-report-desktop")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ExerciseRun.id))) == 0
        assert db.session.scalar(sa.select(PlayTest)).finished
    assert errors == []

    # Every page on a phone.
    phone = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    small = phone.new_page()
    sign_in(small, live_server, "teacher")
    base = f"{live_server}/author/test-course/scenarios"
    for path, name in [
        ("/", "index"),
        ("/salt-panic-copy/edit", "edit"),
        ("/salt-panic-copy/history", "history"),
        ("/salt-panic-copy/playtest/report", "report"),
    ]:
        small.goto(base + path)
        assert fits(small), f"{name} is wider than a phone"
        screenshot(small, f"scenario-{name}-phone")
    small.goto(base + "/salt-panic-copy/edit")
    small.get_by_role("button", name="以学员身份试玩第 2 版").click()
    small.get_by_role("heading", name="试玩").wait_for()
    small.wait_for_load_state("load")
    assert fits(small), "the play-test is wider than a phone: " + small.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 360)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right).join('; ')"
    )
    screenshot(small, "scenario-playtest-phone")
    phone.close()
    desk.close()
