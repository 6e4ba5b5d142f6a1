"""The whole journey in the browser, in Chinese on a desktop: an instructor builds a course from
nothing — the course with a cover, two lessons (one with an image uploaded and inserted at the
cursor), a bank of five questions of five types, a quiz drawing three of them, a scenario started
from one another course ships and play-tested to its report, the completion rule, the course
published — assigns it to a class, and a learner of that class reads both lessons, passes the quiz,
plays the scenario to a pass and receives the certificate with its PDF. Every page either of them
saw is then opened on a 360-px phone and must not scroll sideways."""

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from courseware.accounts.models import Cohort, Role, User
from courseware.certificates.models import Certificate
from courseware.db import db
from courseware.exercises.models import ExerciseRun
from tests.browser.conftest import loaded_width, screenshot, sign_in
from tests.exercises.conftest import add_exercise, SALT_PANIC

pytestmark = pytest.mark.browser

CLASS = "2026年春季乡镇干部班"
COURSE = "政务微博入门"

# The bank: each question's type, its fields by element id, and how a learner answers it right.
QUESTIONS = [
    (
        "单选题",
        {
            "f-text-zh": "政府微博应当做到哪“三讲”？",
            "f-options-0-text-zh": "早讲话、会讲话、讲实话",
            "f-options-0-weight": "100",
            "f-options-1-text-zh": "少讲话、慢讲话、不讲话",
        },
    ),
    ("判断题", {"f-text-zh": "突发事件中，政务微博应当等调查全部结束后再发声。"}),
    ("简答题", {"f-text-zh": "“三讲”中的第三讲是什么？", "f-answers-0-text-zh": "讲实话"}),
    (
        "数值题",
        {
            "f-text-zh": "浙江省委党校从哪一年起把微博课列为主体班必修课？",
            "f-answers-0-answer": "2011",
            "f-units": "年",
        },
    ),
    (
        "排序题",
        {
            "f-text-zh": "按先后排列回应网络谣言的步骤。",
            "f-items-0-zh": "核实情况",
            "f-items-1-zh": "及时发声",
            "f-items-2-zh": "公布结果",
        },
    ),
]

# The salt panic played to a pass: the facts checked by phone before the first post, the netizen
# who alerted the leaders answered, the press conference streamed live, and a follow-up.
FIRST_POST = (
    "我们理解大家的担心。全省食盐库存可满足约两个月消费，部分超市暂时断货，正在补货；"
    "吃碘盐不能防辐射。我们将持续通报。"
)
REPLY = "感谢反映！已报告省领导，正在部署，储备充足，将持续通报。"
FOLLOW_UP = "补货进展：各地门店陆续恢复供应，储备充足，请按需购买，我们将持续通报。"


def png_file(tmp_path, name, colour, size=(120, 80)):
    path = tmp_path / name
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def desktop(browser, seen, **options):
    """A desktop page in Chinese that records every page it shows and every script error."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", **options
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "framenavigated",
        lambda frame: seen.append(frame.url) if frame == page.main_frame else None,
    )
    return context, page


def wider_than_phone(page) -> str:
    """What sticks out of a 360-px page, or "" when nothing does."""
    page.wait_for_load_state("load")  # measured with its stylesheets applied
    return page.evaluate(
        "document.documentElement.scrollWidth <= 360 ? '' : "
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className).join('; ')"
    )


def check_on_a_phone(browser, base, username, urls):
    """Open each page again on a 360-px phone: none may scroll sideways."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    phone = context.new_page()
    sign_in(phone, base, username)
    wide = {}
    for url in dict.fromkeys(url.split("#")[0] for url in urls):  # each once, in order seen
        if not url.startswith(base) or "/login" in url or url.endswith(".pdf"):
            continue
        response = phone.goto(url)
        phone.wait_for_load_state("load")
        if response and response.ok and (problem := wider_than_phone(phone)):
            wide[url[len(base) :]] = problem
    context.close()
    assert wide == {}


def build_the_course(page, base, tmp_path):
    """The course with its cover, two lessons (the first with an image), placed in order."""
    page.goto(f"{base}/author/")
    page.get_by_role("button", name="新建课程").click()
    page.get_by_label("网址中的简称").fill("weibo-basics")
    page.get_by_label("标题（中文）", exact=True).fill(COURSE)
    page.get_by_label("标题（英文）", exact=True).fill("Government microblogs: the basics")
    page.get_by_label("简介（中文）").fill("从零开始在浏览器里编写的课程。")
    page.get_by_label("学习对象（中文）").fill("乡镇干部")
    page.get_by_label("完成后计入的学时").fill("2")
    page.get_by_label("封面图片").set_input_files(
        str(png_file(tmp_path, "封面.png", (10, 90, 160)))
    )
    page.get_by_role("button", name="创建课程").click()
    page.get_by_text("课程已创建").wait_for()

    for slug, title, body in (
        ("speak-early", "早讲话", "开头一段。\n\n结尾一段。"),
        ("speak-truthfully", "讲实话", "不回避、不说假话。"),
    ):
        page.goto(f"{base}/author/weibo-basics/new")
        page.get_by_label("网址中的简称").fill(slug)
        page.get_by_label("标题（中文）", exact=True).fill(title)
        page.get_by_label("预计学习时长（分钟）").fill("1")
        body_box = page.get_by_label("课文（中文，Markdown）")
        body_box.fill(body)
        if slug == "speak-early":
            body_box.click()
            body_box.press("Control+Home")
            for _ in range(5):
                body_box.press("ArrowRight")  # after 开头一段。
            page.locator("#image-file").set_input_files(
                str(png_file(tmp_path, "示意图.png", (200, 40, 40)))
            )
            page.get_by_label("图片内容说明").fill("示意图")
            page.get_by_role("button", name="上传并插入到光标处").click()
            page.get_by_text("已插入到光标处").wait_for()
            assert re.fullmatch(
                r"开头一段。\n\n!\[示意图\]\(media/image-[0-9a-f]{8}\.png\)\n\n结尾一段。",
                body_box.input_value(),
            )
            page.locator("#preview-zh img").wait_for()
        page.get_by_role("button", name="发布", exact=True).click()
        page.get_by_text("课已创建").wait_for()
    page.goto(f"{base}/author/weibo-basics/")
    expect(page.locator("ol.outline .outline-title a")).to_have_text(["早讲话", "讲实话"])


def write_the_bank(page, base):
    """Five questions of five types, all in one category made with the first."""
    for number, (label, fields) in enumerate(QUESTIONS):
        page.goto(f"{base}/author/weibo-basics/")
        page.get_by_role("link", name="题库").click()
        page.get_by_role("link", name="新题目").click()
        page.get_by_label(label, exact=True).check()
        page.get_by_role("button", name="下一步").click()
        if number == 0:
            page.locator("#f-category_new").fill("三讲")
        else:
            page.get_by_label("分类 *").select_option(label="三讲")
        for element, value in fields.items():
            page.locator(f"#{element}").fill(value)
        if label == "判断题":
            page.get_by_label("错", exact=True).check()
        page.locator("#live-preview").get_by_text(fields["f-text-zh"]).first.wait_for()
        page.get_by_role("button", name="保存", exact=True).click()
        page.get_by_text("已加入题库").wait_for()
    page.goto(f"{base}/author/weibo-basics/bank")
    page.get_by_role("navigation", name="分类").get_by_role("link", name="三讲").click()
    expect(page.get_by_role("heading", name="5 道题")).to_be_visible()


def build_the_quiz(page, base):
    """A quiz drawing three of the five, after the second lesson, published."""
    page.goto(f"{base}/author/weibo-basics/")
    page.get_by_role("link", name="新建测验").click()
    page.get_by_label("网址中的简称").fill("three-rules")
    page.get_by_label("在课程中的位置").select_option(label="放在“讲实话”之后")
    page.get_by_label("标题（中文）", exact=True).fill("三讲小测")
    page.get_by_label("第 1 组抽题：分类").select_option(label="三讲 (5)")
    page.get_by_label("第 1 组抽题：题数").fill("3")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("测验已创建").wait_for()
    page.get_by_role("link", name="以学员身份预览").click()
    expect(page.locator("fieldset.question")).to_have_count(3)
    page.get_by_role("link", name="三讲小测").click()
    page.get_by_role("button", name="发布第 1 版").click()
    page.get_by_text("第 1 版已发布").wait_for()


def start_and_playtest_the_scenario(page, base):
    """The salt panic of the shipped course, copied, play-tested to its report, published."""
    page.goto(f"{base}/author/weibo-basics/")
    page.get_by_role("link", name="演练场景").click()
    shipped = page.locator("article").filter(has_text="抢盐风潮")
    assert shipped.get_by_label("新场景的简称（用于网址和文件名）").input_value() == "salt-panic"
    shipped.get_by_role("button", name="以“抢盐风潮”为蓝本新建本课程的场景").click()
    page.get_by_role("heading", name="编辑场景").wait_for()
    page.get_by_role("button", name="以学员身份试玩第 1 版").click()
    page.get_by_role("heading", name="试玩").wait_for()
    page.get_by_role("button", name="快进到下一个事件").click()
    page.get_by_label("你的发帖").fill(FIRST_POST)
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="结束并查看复盘报告").click()
    page.get_by_role("heading", name="试玩报告").wait_for()
    expect(page.get_by_text("总分").first).to_be_visible()
    page.goto(f"{base}/author/weibo-basics/scenarios/salt-panic/edit")
    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_text("已发布").first.wait_for()


def set_the_rule_and_publish(page, base):
    """Every lesson, the quiz and the scenario are required; then the course goes out."""
    page.goto(f"{base}/author/weibo-basics/")
    page.get_by_role("link", name="结业条件").click()
    # Every lesson is required from the start; the quiz and the scenario are ticked too.
    expect(page.get_by_label("早讲话")).to_be_checked()
    expect(page.get_by_label("讲实话")).to_be_checked()
    page.get_by_label("三讲小测").check()
    page.get_by_label("抢盐风潮").check()
    page.get_by_role("button", name="保存结业条件").click()
    page.get_by_text("结业条件已保存").wait_for()
    page.goto(f"{base}/author/weibo-basics/")
    expect(page.locator("ol.outline .outline-title")).to_have_text(
        [re.compile("早讲话"), re.compile("讲实话"), re.compile("三讲小测"), re.compile("抢盐风潮")]
    )
    page.get_by_role("button", name="发布课程").click()
    page.get_by_text("课程已发布到课程目录").wait_for()


def assign_to_the_class(page, base):
    page.locator("header").get_by_role("link", name="班次", exact=True).click()
    page.get_by_role("link", name=CLASS).click()
    page.get_by_role("button", name="本班课程").click()
    page.get_by_role("combobox", name=re.compile("^课程")).select_option(label=COURSE)
    page.get_by_label("截止日期").fill("2099-12-31")
    page.get_by_role("button", name="布置").click()
    expect(page.locator("table")).to_contain_text(COURSE)


def read_lesson(page, title):
    page.get_by_role("link", name=title).first.click()
    page.locator("#lesson-end").scroll_into_view_if_needed()
    expect(page.locator("#lesson-status")).to_have_text("您已完成本课。", timeout=20_000)


def answer(question):
    """Answer one drawn question of the bank right, whichever it is."""
    stem = question.inner_text()
    if "哪“三讲”" in stem:
        question.get_by_label("早讲话、会讲话、讲实话").check()
    elif "调查全部结束" in stem:
        question.get_by_label("错误", exact=True).check()
    elif "第三讲" in stem:
        question.get_by_label("你的答案").fill("讲实话")
    elif "哪一年" in stem:
        question.get_by_role("textbox").fill("2011")
    else:
        for place, item in enumerate(("核实情况", "及时发声", "公布结果"), 1):
            question.get_by_label(item).select_option(str(place))


def play_the_scenario(page):
    page.get_by_role("link", name="抢盐风潮").click()
    page.get_by_role("button", name="开始演练").click()
    expect(page).to_have_url(re.compile(r"/exercises/runs/\d+$"))
    page.get_by_role("button", name="致电省盐业公司").click()
    expect(page.get_by_text("第 10 分钟").first).to_be_visible()
    page.get_by_role("button", name="致电省卫生厅").click()
    expect(page.get_by_text("第 20 分钟").first).to_be_visible()
    page.get_by_label("你的发帖").fill(FIRST_POST)
    with page.expect_navigation():
        page.get_by_role("button", name="发布", exact=True).click()
    reply = page.locator("#reply-leaders-asked")
    reply.locator("summary").click()
    reply.get_by_role("textbox").fill(REPLY)
    with page.expect_navigation():
        reply.get_by_role("button", name="回复").click()
    decision = page.locator("section.decision")
    for _ in range(8):
        if decision.count():
            break
        with page.expect_navigation():
            page.get_by_role("button", name="等待 10 分钟").click()
    decision.get_by_label(re.compile("直播")).check()
    with page.expect_navigation():
        decision.get_by_role("button", name="确定").click()
    page.get_by_label("你的发帖").fill(FOLLOW_UP)
    with page.expect_navigation():
        page.get_by_role("button", name="发布", exact=True).click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束并查看复盘报告").click()
    expect(page).to_have_url(re.compile(r"/report$"))


def test_an_instructor_builds_a_course_and_a_learner_of_the_class_earns_its_certificate(
    app, live_server, browser, make_user, lessons_dir, sync, tmp_path
):
    # Reading is counted in seconds here, not minutes: the lessons still need their end reached.
    app.config["LESSON_BEAT_SECONDS"] = 1
    app.config["LESSON_COMPLETION_SHARE"] = 0.05
    add_exercise(lessons_dir, tmp_path, sync, SALT_PANIC)  # the course shipped with the platform
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher", name="李老师", locale="zh")
    learner_id = make_user(username="cadre", name="王干部", locale="zh")
    with app.app_context():
        cohort = Cohort(name=CLASS)
        cohort.instructors.append(db.session.get(User, teacher_id))
        cohort.members.append(db.session.get(User, learner_id))
        db.session.add(cohort)
        db.session.commit()

    teacher_seen, learner_seen = [], []
    context, page = desktop(browser, teacher_seen)
    sign_in(page, live_server, "teacher")
    build_the_course(page, live_server, tmp_path)
    write_the_bank(page, live_server)
    build_the_quiz(page, live_server)
    start_and_playtest_the_scenario(page, live_server)
    set_the_rule_and_publish(page, live_server)
    assign_to_the_class(page, live_server)
    screenshot(page, "journey-assigned-desktop")
    assert page.errors == []
    context.close()

    context, learner = desktop(browser, learner_seen, accept_downloads=True)
    sign_in(learner, live_server, "cadre")
    learner.goto(f"{live_server}/my-learning")
    learner.get_by_role("link", name=COURSE).first.click()
    for title in ("早讲话", "讲实话"):
        read_lesson(learner, title)
        learner.goto(f"{live_server}/courses/weibo-basics")
    image_page = f"{live_server}/courses/weibo-basics/speak-early"
    learner.goto(image_page)
    assert loaded_width(learner.get_by_role("img", name="示意图")) == 120

    learner.goto(f"{live_server}/courses/weibo-basics")
    learner.get_by_role("link", name="三讲小测").click()
    learner.get_by_role("button", name="开始测验").click()
    learner.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    questions = learner.locator("fieldset.question")
    expect(questions).to_have_count(3)
    for question in questions.all():
        answer(question)
    learner.once("dialog", lambda dialog: dialog.accept())
    learner.get_by_role("button", name="交卷").click()
    learner.wait_for_url(re.compile(r"/result$"))
    expect(learner.get_by_text("及格").first).to_be_visible()

    learner.goto(f"{live_server}/courses/weibo-basics")
    play_the_scenario(learner)
    screenshot(learner, "journey-report-desktop")

    learner.goto(f"{live_server}/my-learning")
    learner.locator(".certificate-list").get_by_role("link", name=COURSE).click()
    expect(learner.locator(".certificate").get_by_text("王干部")).to_be_visible()
    screenshot(learner, "journey-certificate-desktop")
    with learner.expect_download() as info:
        learner.get_by_role("button", name="下载 PDF").click()
    saved = tmp_path / "certificate.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert learner.errors == []
    context.close()
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        assert (certificate.user_id, certificate.credit_hours) == (learner_id, 2.0)
        assert db.session.scalar(sa.select(ExerciseRun)).passed

    check_on_a_phone(browser, live_server, "teacher", teacher_seen)
    check_on_a_phone(browser, live_server, "cadre", learner_seen)
