"""In the browser: an instructor publishes an edit that an English-reading learner then reads;
reading progress survives a reload; the worst XSS payloads run no script."""

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import LessonProgress
from tests.browser.conftest import open_menu, page_width, screenshot, sign_in
from tests.conftest import lesson_text

pytestmark = pytest.mark.browser
WORST = [
    "mdxss-031",
    "mdxss-037",
    "mdxss-046",
    "mdxss-057",
    "mdxss-071",
    "mdxss-073",
    "mdxss-074",
    "mdxss-027",
    "mdxss-030",
]


def test_instructor_publishes_and_an_english_learner_reads_it(
    app, live_server, browser, make_user, lessons_dir, sync
):
    sync()
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher", name="李老师")
    make_user(username="reader", name="Reader", locale="en")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        course.editors.append(db.session.get(User, teacher_id))  # editors write its lessons
        db.session.commit()

    teacher = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    ).new_page()
    sign_in(teacher, live_server, "teacher")
    teacher.goto(f"{live_server}/author/")
    teacher.get_by_role("row", name=re.compile("第一课")).get_by_role("link", name="编辑").click()
    body_en = teacher.get_by_label("课文（英文，Markdown）")
    wide_table = (
        "| Channel | What the public expects | What the department did | What it should have done |\n"
        "|---|---|---|---|\n"
        "| Government microblog | An answer within the hour, in plain words | Silence for two days | "
        "A first statement at once, then updates as facts are confirmed |\n"
    )
    body_en.fill(
        "## Introduction\n\nA **newly published** paragraph; see [lesson two](02-second.md).\n\n"
        + wide_table
    )
    # The live preview is rendered by the server, and its links lead where the lesson page's will.
    # Until the new text's preview arrives the old one is shown: wait for the new text itself.
    expect(teacher.locator("#preview-en strong")).to_have_text("newly published", timeout=20_000)
    with teacher.expect_popup() as opened:
        teacher.locator("#preview-en").get_by_role("link", name="lesson two").click()
    beside = opened.value
    beside.wait_for_load_state()
    assert beside.url.endswith("/courses/test-course/second")
    expect(beside.get_by_role("heading", name="第二课").first).to_be_visible()
    beside.close()
    # The editor kept the text: it was not left.
    assert "newly published" in body_en.input_value()
    # Leaving the editor with the text unsent asks first; staying keeps it.
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    teacher.once("dialog", stay)
    # A key pressed in the editor, as a person would have: Chromium asks before leaving only a
    # page the person has acted on (user activation), and the popup above took the focus.
    body_en.press("End")
    body_en.press_sequentially(" ")
    teacher.get_by_role("link", name="历史").click()
    for _ in range(200):  # the dialog comes when the click is handled: later on a busy machine
        if asked:
            break
        teacher.wait_for_timeout(100)
    assert asked == ["beforeunload"] and "/edit" in teacher.url
    assert "newly published" in body_en.input_value()
    screenshot(teacher, "lesson-editor")
    teacher.get_by_role("button", name="发布").click()
    expect(teacher.get_by_text(re.compile("修订版 2 已发布"))).to_be_visible()

    learner = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-US").new_page()
    sign_in(learner, live_server, "reader")
    open_menu(learner)
    learner.get_by_role("link", name="Courses").first.click()
    learner.get_by_role("link", name="Test course").click()
    learner.get_by_role("link", name="Lesson one").click()
    expect(learner.get_by_text("newly published")).to_be_visible()
    assert learner.locator("#lesson").get_attribute("lang") == "en"
    # The wide table scrolls in its own box: the page stays as wide as the phone.
    expect(learner.locator(".table-scroll table")).to_have_count(1)
    assert page_width(learner) <= 360
    screenshot(learner, "lesson-english")


def test_progress_survives_a_reload(app, live_server, browser, make_user, lessons_dir, sync):
    app.config["LESSON_BEAT_SECONDS"] = 1
    sync()
    make_user(username="reader")
    page = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN").new_page()
    sign_in(page, live_server, "reader")
    page.goto(f"{live_server}/courses/test-course/first")
    with page.expect_response(lambda r: r.url.endswith("/progress/beat") and r.status == 200):
        pass
    page.wait_for_timeout(2500)
    with app.app_context():
        before = db.session.scalar(sa.select(LessonProgress.active_seconds))
    assert before >= 1
    page.reload()
    page.wait_for_timeout(2500)
    with app.app_context():
        row = db.session.scalar(sa.select(LessonProgress))
        assert row.active_seconds > before
    page.goto(f"{live_server}/courses/test-course")
    expect(page.get_by_text("学习中")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("继续学习：第一课"))).to_be_visible()


def test_the_worst_payloads_run_no_script(app, live_server, page, make_user, lessons_dir, sync):
    corpus = json.loads(
        (Path(__file__).parents[1] / "data" / "markdown_xss.json").read_text("utf-8")
    )
    payloads = "\n\n".join(case["input"] for case in corpus if case["id"] in WORST)
    (lessons_dir / "02-second.md").write_text(lesson_text("第二课", payloads, minutes=4), "utf-8")
    sync()
    make_user(username="reader")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "reader")
    page.goto(f"{live_server}/courses/test-course/second")
    page.locator(".lesson-body a, .lesson-body p").first.wait_for()
    for link in page.locator(".lesson-body a").all():
        link.hover()
    page.wait_for_timeout(500)
    assert dialogs == []
    assert (
        page.evaluate(
            "document.querySelectorAll('.lesson-body script, .lesson-body svg, .lesson-body math').length"
        )
        == 0
    )
