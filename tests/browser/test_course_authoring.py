"""In the browser, in Chinese: an instructor builds a course from nothing — the course with a
cover, two lessons (one with an image uploaded from the editor and inserted at the cursor),
ordered by keyboard, published — and a learner finds it in the catalogue, counted as the outline
says, with its image. Checked on a desktop and on a 360-px phone."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from courseware.accounts.models import Role
from tests.browser.conftest import fits, loaded_width, screenshot, sign_in

pytestmark = pytest.mark.browser


def png_file(tmp_path, name, colour, size=(120, 80)):
    path = tmp_path / name
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def write_lesson(page, base, slug, title, body, position=None):
    page.goto(f"{base}/author/built/new")
    page.get_by_label("网址中的简称").fill(slug)
    if position:
        page.get_by_label("在课程中的位置").select_option(label=position)
    page.get_by_label("标题（中文）", exact=True).fill(title)
    page.get_by_label("预计学习时长（分钟）").fill("6")
    page.get_by_label("课文（中文，Markdown）").fill(body)


def test_an_instructor_builds_a_course_in_the_browser_and_a_learner_reads_it(
    app, live_server, browser, make_user, lessons_dir, sync, tmp_path
):
    sync()
    make_user(Role.INSTRUCTOR, username="teacher", name="李老师")
    make_user(username="reader", name="学员")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, live_server, "teacher")

    # The course, with its cover.
    page.goto(f"{live_server}/author/")
    page.get_by_role("button", name="新建课程").click()
    page.get_by_label("网址中的简称").fill("built")
    page.get_by_label("标题（中文）", exact=True).fill("政务微博实务")
    page.get_by_label("标题（英文）", exact=True).fill("Government microblogs in practice")
    page.get_by_label("简介（中文）").fill("在浏览器里编写的课程。")
    page.get_by_label("学习对象（中文）").fill("基层干部")
    page.get_by_label("完成后计入的学时").fill("2")
    page.get_by_label("封面图片").set_input_files(
        str(png_file(tmp_path, "封面.png", (10, 90, 160)))
    )
    page.get_by_role("button", name="创建课程").click()
    page.get_by_text("课程已创建").wait_for()
    expect(page.get_by_role("heading", name="政务微博实务")).to_be_visible()

    # The first lesson, with an image uploaded from the editor and inserted at the cursor.
    write_lesson(page, live_server, "first-post", "第一条微博", "开头一段。\n\n结尾一段。")
    body = page.get_by_label("课文（中文，Markdown）")
    body.click()
    body.press("Control+Home")
    for _ in range(5):
        body.press("ArrowRight")  # after 开头一段。
    page.locator("#image-file").set_input_files(
        str(png_file(tmp_path, "示意图.png", (200, 40, 40)))
    )
    page.get_by_label("图片内容说明").fill("示意图")
    page.get_by_role("button", name="上传并插入到光标处").click()
    page.get_by_text("已插入到光标处").wait_for()
    text = body.input_value()
    assert re.fullmatch(
        r"开头一段。\n\n!\[示意图\]\(media/image-[0-9a-f]{8}\.png\)\n\n结尾一段。", text
    ), text
    page.locator("#preview-zh img").wait_for()
    assert page.locator("#preview-zh img").evaluate("img => img.naturalWidth") == 120
    screenshot(page, "lesson-editor-image-desktop")
    page.get_by_label("修改说明（可选）").fill("初稿")
    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_text("课已创建").wait_for()

    # The second lesson, placed at the start; then put after the first by keyboard.
    write_lesson(page, live_server, "reply", "回应网民", "及时回应。", position="放在课程开头")
    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_text("课已创建").wait_for()
    page.goto(f"{live_server}/author/built/")
    titles = page.locator("ol.outline .outline-title a")
    assert titles.all_inner_texts() == ["回应网民", "第一条微博"]
    down = page.get_by_role("button", name="下移“回应网民”")
    down.focus()
    page.keyboard.press("Enter")
    page.locator("#outline-status").filter(has_text="第 2 项").wait_for()
    assert titles.all_inner_texts() == ["第一条微博", "回应网民"]
    # Focus stays on the moving item's buttons, so the next key press moves it again.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "上移“回应网民”"
    page.reload()
    assert titles.all_inner_texts() == ["第一条微博", "回应网民"]
    # With a mouse, an item is dragged by its handle; the new order is saved at once.
    page.locator("#item-lesson-reply .drag-handle").drag_to(
        page.locator("#item-lesson-first-post"), target_position={"x": 5, "y": 2}
    )
    page.locator("#outline-status").filter(has_text="第 1 项").wait_for()
    page.reload()
    assert titles.all_inner_texts() == ["回应网民", "第一条微博"]
    page.get_by_role("button", name="上移“第一条微博”").press("Enter")
    page.locator("#outline-status").filter(has_text="第 1 项").wait_for()
    page.reload()
    assert titles.all_inner_texts() == ["第一条微博", "回应网民"]
    screenshot(page, "course-editor-desktop")

    # Published: the catalogue counts what the outline lists.
    page.get_by_role("button", name="发布课程").click()
    page.get_by_text("课程已发布到课程目录").wait_for()
    assert errors == []

    phone = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    teacher_phone = phone.new_page()
    sign_in(teacher_phone, live_server, "teacher")
    for path in (
        "/author/",
        "/author/built/",
        "/author/built/first-post/edit",
        "/author/built/settings",
    ):
        teacher_phone.goto(live_server + path)
        assert fits(teacher_phone), path
    teacher_phone.goto(f"{live_server}/author/built/")
    screenshot(teacher_phone, "course-editor-phone")
    phone.close()

    reader_context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    reader = reader_context.new_page()
    sign_in(reader, live_server, "reader")
    reader.goto(f"{live_server}/courses/")
    card = reader.locator("article").filter(has_text="政务微博实务")
    assert "2 课" in card.inner_text()
    assert loaded_width(card.locator("img")) == 120
    card.get_by_role("link", name="政务微博实务").click()
    expect(reader.locator("ol.lesson-list > li")).to_have_count(2)
    reader.get_by_role("link", name="第一条微博").click()
    image = reader.get_by_role("img", name="示意图")
    assert loaded_width(image) == 120
    assert fits(reader)
    screenshot(reader, "course-built-learner-phone")
    reader_context.close()
    desk.close()
