"""In the browser: a learner plays the crisis-response drill alone from the briefing to the
after-action report; a live class follows its instructor, with the projector, two learners in two
teams and htmx polling under the CSP."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Cohort, Role, User
from courseware.db import db
from courseware.exercises.models import Exercise, ExerciseRun, LiveSession, RunAction
from tests.browser.conftest import open_menu, page_width, screenshot
from tests.browser.conftest import sign_in as signed_in
from tests.exercises.conftest import exercise_course  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

RUN_URL = re.compile(r"/exercises/runs/(\d+)$")
REPORT_URL = re.compile(r"/exercises/runs/\d+/report$")
# Polling is every 2 s: a change shows within two polls and a margin.
POLL_MS = 6000
# States both facts of the drill, shows understanding and says what comes next; no contradiction.
POST_EN = (
    "We understand your worries: we hold sufficient reserves of salt. Iodised salt does not "
    "protect against radiation. We will keep you updated."
)
POST_ZH = "我们理解大家的担心。全省食盐储备充足，碘盐不能防辐射，请勿抢购。我们将持续通报。"
# A refused post comes back as a page with status 422, which Chromium reports on the console.
REFUSED = re.compile(
    r"^http://[^/]+/exercises/runs/\d+/act: Failed to load resource: "
    r"the server responded with a status of 422 \(UNPROCESSABLE ENTITY\)$"
)


def new_context(browser, locale, width=360, height=780):
    """A browser context whose pages record console errors (but a refused post's status), page errors
    and CSP violations, and accept confirm dialogs (keeping their messages)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    context.console_errors = []
    context.dialogs = []
    context.on(
        "console",
        lambda msg: (
            context.console_errors.append(f"{msg.page.url if msg.page else ''}: {msg.text}")
            if msg.type == "error"
            and not REFUSED.match(f"{msg.page.url if msg.page else ''}: {msg.text}")
            else None
        ),
    )
    context.on("weberror", lambda error: context.console_errors.append(f"pageerror: {error.error}"))
    # CSP violations are events on the document: report them on the console as well.
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI); });"
    )
    context.on(
        "page",
        lambda page: page.on(
            "dialog", lambda dialog: (context.dialogs.append(dialog.message), dialog.accept())
        ),
    )
    return context


def sign_in(page, base, username):
    signed_in(page, base, username)
    expect(page).not_to_have_url(re.compile(r"/login"))


def signed_in_page(browser, base, username, locale, **size):
    context = new_context(browser, locale, **size)
    page = context.new_page()
    sign_in(page, base, username)
    return context, page


def htmx_ready(page):
    """htmx loaded and processed the page (it is deferred)."""
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def count_swaps(page):
    """Count the times htmx refreshed the page's polled board (window.boardSwaps)."""
    page.evaluate(
        "() => { window.boardSwaps = 0;"
        " document.body.addEventListener('htmx:afterSettle', () => { window.boardSwaps += 1; }); }"
    )


def test_a_learner_plays_the_drill_from_briefing_to_report(
    app, live_server, browser, make_user, exercise_course
):  # noqa: F811
    make_user(username="reader", name="Reader", locale="en")
    context, page = signed_in_page(browser, live_server, "reader", "en-US")

    # From the course page to the briefing.
    open_menu(page)
    page.get_by_role("link", name="Courses").first.click()
    page.get_by_role("link", name="Test course").click()
    page.get_by_role("link", name="Drill: salt").click()
    expect(page).to_have_url(re.compile(r"/exercises/test-course/drill$"))
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Drill: salt", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Briefing")).to_be_visible()
    expect(page.get_by_text("A rumour says salt will run out.")).to_be_visible()
    expect(page.get_by_text("The exercise lasts 120 simulated minutes.")).to_be_visible()
    page.get_by_role("button", name="Start the exercise").click()
    expect(page).to_have_url(RUN_URL)
    run_id = int(RUN_URL.search(page.url).group(1))

    timeline = page.locator("#feed")
    expect(page.get_by_text("Minute 0 of 120")).to_be_visible()
    expect(timeline.get_by_text("The salt is sold out!")).to_be_visible()
    # A self-paced run on the turn clock does not poll.
    assert page.locator("#board").get_attribute("data-hx-trigger") is None

    # Call the department: it tells the facts, and the call takes ten minutes.
    page.get_by_role("button", name="Call Salt company").click()
    expect(timeline.get_by_text("Reserves are sufficient and prices are stable.")).to_be_visible()
    expect(page.get_by_text("Minute 10 of 120")).to_be_visible()

    # An empty post is answered by the server in the page's language, beside the box, not by the
    # browser's bubble in the browser's; the box has the focus again and nothing was posted.
    composer = page.get_by_role("textbox", name="Your post")
    composer.fill("   ")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish", exact=True).click()
    error = page.locator("#post-error")
    expect(error).to_have_text("Write something before posting.")
    expect(error).to_have_attribute("role", "alert")
    expect(composer).to_have_attribute("aria-invalid", "true")
    expect(composer).to_have_attribute("aria-describedby", re.compile(r"\bpost-error\b"))
    expect(composer).to_be_focused()
    expect(timeline.locator(".feed-item.mine")).to_have_count(0)
    expect(page.get_by_text("Minute 10 of 120")).to_be_visible()

    # The composer has an accessible name and counts the characters as one types.
    expect(composer).to_have_attribute("id", "post-text")
    counter = page.locator("#post-count")
    warning = page.locator("#post-over")
    expect(counter).to_have_text("Keep it within 140 characters.")
    composer.fill("Hello")
    expect(counter).to_have_text("5 / 140")
    expect(warning).to_have_text("")
    # Once the text is edited, the box is no longer marked wrong and the reason goes.
    expect(error).to_have_count(0)
    expect(composer).not_to_have_attribute("aria-invalid", "true")
    expect(composer).to_have_attribute("aria-describedby", "post-count post-over")
    # Longer than a microblog allows: still allowed, but the page says so in words, politely.
    composer.fill(POST_EN * 2)
    expect(counter).to_have_text(f"{len(POST_EN * 2)} / 140")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    expect(warning).to_have_text(
        "Longer than 140 characters: a microblog this long is cut off or loses readers."
    )
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("aria-live", "polite")
    expect(composer).to_have_attribute("aria-describedby", re.compile(r"\bpost-over\b"))
    screenshot(page, "exercise-over-length")
    composer.fill("")
    expect(warning).to_have_text("")
    composer.press_sequentially(POST_EN[:12])
    expect(counter).to_have_text("12 / 140")
    composer.fill(POST_EN)
    expect(counter).to_have_text(f"{len(POST_EN)} / 140")
    expect(counter).not_to_have_class(re.compile(r"\bover\b"))
    expect(warning).to_have_text("")

    # Publish by keyboard: from the text, Tab reaches the Publish button and Enter sends the post.
    composer.focus()
    page.keyboard.press("Tab")
    assert (
        page.evaluate(
            "document.activeElement.tagName + ' ' + document.activeElement.textContent.trim()"
        )
        == "BUTTON Publish"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(RUN_URL)
    mine = timeline.locator(".feed-item.mine")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(POST_EN)
    expect(mine).to_contain_text("Your post")
    expect(page.get_by_text("Minute 20 of 120")).to_be_visible()
    assert composer.input_value() == ""

    # A reload shows the post: it is on the server.
    page.reload()
    expect(timeline.locator(".feed-item.mine")).to_contain_text(POST_EN)
    expect(timeline.get_by_text("@ProvinceInfo does salt protect us?")).to_be_visible()

    # Wait until the deputy governor asks for a decision (minute 40), then decide.
    decision = page.locator("section.decision")
    minute = 20
    while decision.count() == 0 and minute < 60:
        page.get_by_role("button", name="Wait 10 minutes").click()
        minute += 10
        expect(page.get_by_text(f"Minute {minute} of 120")).to_be_visible()
    assert minute == 40
    expect(decision).to_have_count(1)
    expect(decision.get_by_role("heading", name="Decision: Press conference?")).to_be_visible()
    options = decision.get_by_role("radio")
    expect(options).to_have_count(2)
    expect(decision.get_by_role("radio", name="Yes")).to_be_visible()
    decision.get_by_role("radio", name="Yes").focus()
    page.keyboard.press("Space")
    expect(decision.locator("input[value=press]")).to_be_checked()
    decision.get_by_role("button", name="Decide").click()
    expect(decision).to_have_count(0)
    expect(timeline.locator(".feed-item.decided")).to_have_count(1)
    page.get_by_role("button", name="Wait 10 minutes").click()
    expect(timeline.get_by_text("The press conference is on")).to_be_visible()
    screenshot(page, "exercise-play")

    # Finish, confirmed, and read the after-action report.
    page.get_by_role("button", name="Finish and see the report").click()
    expect(page).to_have_url(re.compile(rf"/exercises/runs/{run_id}/report$"))
    assert context.dialogs == [
        "End the exercise now? The clock runs out to the end and you get your report."
    ]
    expect(
        page.get_by_role("heading", name="After-action report: Drill: salt", level=1)
    ).to_be_visible()

    scores = page.get_by_role("region", name="Scores")
    expect(scores.get_by_text(re.compile(r"^Total: [\d.]+ of 100"))).to_be_visible()
    dimensions = scores.locator("tbody th[scope=row]")
    expect(dimensions).to_have_text(
        ["Speak early (早讲话)", "Speak well (会讲话)", "Speak truthfully (讲实话)"]
    )
    expect(scores.locator("thead th")).to_have_text(["Dimension", "Weight", "Score", "Why"])
    expect(scores.locator("tbody tr").first.locator("td").nth(0)).to_have_text("35")
    expect(
        scores.get_by_text("First substantive post at minute 20 (window: 60 minutes).")
    ).to_be_visible()

    chart = page.locator("svg.chart[role=img]")
    expect(chart).to_be_visible()
    assert chart.get_attribute("aria-labelledby")
    for line in ("reach", "sentiment", "trust"):
        points = chart.locator(f"polyline.line-{line}").get_attribute("points")
        assert len(points.split()) == 121, line  # minute 0 to 120
    figures = page.get_by_role("group").filter(has_text="The figures")
    page.get_by_text("The figures").click()
    expect(figures.locator("tbody tr").first.locator("td").first).to_have_text("0")
    expect(figures.locator("tbody tr").last.locator("td").first).to_have_text("120")

    expected = page.get_by_role("region", name="Expected and actual action")
    expect(expected.locator("thead th")).to_have_text(
        ["Minute", "Event", "Expected", "What you did", "In time?"]
    )
    first_row = expected.locator("tbody tr").first
    expect(first_row).to_contain_text("The salt is sold out!")
    expect(first_row).to_contain_text("Publish the facts")
    expect(first_row).to_contain_text("minute 20")
    expect(first_row).to_contain_text("on time")
    expect(expected.locator("tbody tr").filter(has_text="does salt protect us?")).to_contain_text(
        "missed"
    )
    expect(
        expected.locator("tbody tr").filter(has_text="Shall we hold a press conference?")
    ).to_contain_text("on time")

    plan = page.get_by_role("region", name="Improvement plan")
    assert plan.locator("li").count() >= 1
    expect(plan.locator("li").first).not_to_be_empty()
    debrief = page.get_by_role("region", name="Debrief")
    expect(debrief).to_contain_text("Debrief.")
    expect(page.get_by_role("region", name="Timeline replayed")).to_contain_text(POST_EN)
    screenshot(page, "exercise-report")
    with app.app_context():
        run = db.session.get(ExerciseRun, run_id)
        assert run.status == "finished" and run.score >= 60
    assert context.console_errors == []

    # The course page counts the exercise done; the intro links to the report.
    page.goto(f"{live_server}/courses/test-course")
    item = page.locator("li.exercise-item")
    expect(item.get_by_role("link", name="Drill: salt")).to_be_visible()
    expect(item.locator(".status-completed")).to_have_text("done")
    item.get_by_role("link", name="Drill: salt").click()
    expect(page.get_by_role("link", name=re.compile(r"after-action report, score"))).to_be_visible()
    expect(page.get_by_role("button", name="Start the exercise")).to_be_visible()
    assert context.console_errors == []
    context.close()

    # Once in Chinese: the same pages are built the same way.
    make_user(username="lin", name="林")
    context, page = signed_in_page(browser, live_server, "lin", "zh-CN")
    page.goto(f"{live_server}/courses/test-course")
    page.get_by_role("link", name="演练：抢盐").click()
    assert page.locator("html").get_attribute("lang").startswith("zh")
    expect(page.get_by_role("heading", name="演练：抢盐", level=1)).to_be_visible()
    expect(page.get_by_text("有传言说盐要断供。")).to_be_visible()
    page.get_by_role("button", name="开始演练").click()
    expect(page).to_have_url(RUN_URL)
    expect(page.locator("#feed").get_by_text("超市的盐被抢光了！")).to_be_visible()
    page.get_by_role("button", name="致电省盐业公司").click()
    expect(page.locator("#feed").get_by_text("储备充足，价格稳定。")).to_be_visible()
    composer = page.get_by_role("textbox", name="你的发帖")
    composer.fill(POST_ZH)
    expect(page.locator("#post-count")).to_have_text(f"{len(POST_ZH)} / 140")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator("#feed .feed-item.mine")).to_contain_text(POST_ZH)
    expect(page.get_by_role("button", name="等待 10 分钟")).to_be_visible()
    screenshot(page, "exercise-play-zh")
    page.get_by_role("button", name="结束并查看复盘报告").click()
    expect(page).to_have_url(REPORT_URL)
    expect(page.get_by_role("region", name="改进计划")).to_be_visible()
    expect(page.locator("svg.chart polyline")).to_have_count(3)
    assert page.get_by_role("region", name="复盘讲评").inner_text().endswith("复盘。")
    assert len(context.dialogs) == 1
    assert context.console_errors == []
    context.close()


@pytest.fixture
def live_class(app, make_user, exercise_course):  # noqa: F811
    """An instructor and a class of two learners: one reads English, the other Chinese."""
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="李老师")
    learners = [
        make_user(username="anna", name="Anna", locale="en"),
        make_user(username="bo", name="薄"),
    ]
    with app.app_context():
        cohort = Cohort(name="2026 春季班", instructors=[db.session.get(User, teacher)])
        db.session.add(cohort)
        cohort.members.extend(db.session.get(User, i) for i in learners)
        db.session.commit()
        return cohort.id


def test_a_live_class_follows_the_instructor(app, live_server, browser, live_class):
    teacher_context, control = signed_in_page(
        browser, live_server, "teacher", "zh-CN", width=1280, height=900
    )
    learners = [
        signed_in_page(browser, live_server, username, locale)
        for username, locale in (("anna", "en-US"), ("bo", "zh-CN"))
    ]
    contexts = [teacher_context] + [c for c, _ in learners]
    anna, bo = (page for _, page in learners)

    # The instructor prepares a live run for the class in two teams.
    control.goto(f"{live_server}/teach/exercises/")
    form = control.locator("form").filter(has=control.get_by_role("button", name="准备现场演练"))
    form.get_by_label("班次").select_option(label="2026 春季班")
    form.get_by_label("小组数").fill("2")
    form.get_by_label("每分钟推进的模拟分钟数").fill("1")
    form.get_by_role("button", name="准备现场演练").click()
    expect(control).to_have_url(re.compile(r"/teach/exercises/live/\d+$"))
    live_id = int(control.url.rsplit("/", 1)[1])
    htmx_ready(control)
    expect(control.locator("#board")).to_contain_text("等待开始")

    # The projector opens in a page of its own.
    with teacher_context.expect_page() as opened:
        control.get_by_role("link", name="打开投影视图").click()
    projector = opened.value
    expect(projector).to_have_url(re.compile(rf"/teach/exercises/live/{live_id}/projector$"))
    htmx_ready(projector)
    board = projector.locator("#projector-board")
    expect(board.get_by_role("region", name="第 1 组")).to_be_visible()
    expect(board.get_by_role("region", name="第 2 组")).to_be_visible()

    # Each learner finds the team's run under Live exercises.
    team_runs = {}
    for page, link_name in ((anna, "Live exercises"), (bo, "现场演练")):
        open_menu(page)
        page.get_by_role("link", name=link_name).first.click()
        expect(page).to_have_url(re.compile(r"/exercises/live$"))
        links = page.locator("main ul a")
        expect(links).to_have_count(1)
        links.click()
        expect(page).to_have_url(RUN_URL)
        team_runs[page] = int(RUN_URL.search(page.url).group(1))
        htmx_ready(page)
        assert page.locator("#board").get_attribute("data-hx-trigger") == "every 2s"
    assert len(set(team_runs.values())) == 2
    expect(anna.locator("#board")).to_contain_text("waiting for the instructor")
    expect(bo.locator("#board")).to_contain_text("等待教师开始")
    # A live team has no wait or finish button: the instructor keeps the clock.
    expect(anna.get_by_role("button", name="Wait 10 minutes")).to_have_count(0)
    expect(anna.get_by_role("button", name="Finish and see the report")).to_have_count(0)

    # Posting before the start is refused with the reason beside the box, and the text stays in
    # it: counted, and over the limit, said so at once.
    early = POST_EN * 2
    anna.get_by_role("textbox", name="Your post").fill(early)
    with anna.expect_navigation():
        anna.get_by_role("button", name="Publish", exact=True).click()
    expect(anna.locator("#post-error")).to_have_text(
        "The instructor has not started the exercise yet."
    )
    expect(anna.get_by_role("textbox", name="Your post")).to_have_value(early)
    expect(anna.locator("#post-count")).to_have_text(f"{len(early)} / 140")
    expect(anna.locator("#post-over")).to_have_text(
        "Longer than 140 characters: a microblog this long is cut off or loses readers."
    )
    htmx_ready(anna)
    assert anna.locator("#board").get_attribute("data-hx-trigger") == "every 2s"

    # Start: the learners' pages follow by themselves.
    control.get_by_role("button", name="开始", exact=True).click()
    expect(control.locator("#board")).to_contain_text("进行中")
    expect(anna.locator("#board")).to_contain_text("running", timeout=POLL_MS)
    expect(bo.locator("#board")).to_contain_text("进行中", timeout=POLL_MS)
    expect(anna.locator("#feed").get_by_text("The salt is sold out!")).to_be_visible()
    expect(anna.locator("#feed").get_by_text("@ProvinceInfo does salt protect us?")).to_have_count(
        0
    )

    # The next inject reaches both teams within a couple of polls.
    control.get_by_role("button", name="发布下一个事件").click()
    expect(control.get_by_role("alert")).to_have_count(0)
    expect(anna.locator("#feed").get_by_text("@ProvinceInfo does salt protect us?")).to_be_visible(
        timeout=POLL_MS
    )
    expect(bo.locator("#feed").get_by_text("@某省发布 碘盐能防辐射吗？")).to_be_visible(
        timeout=POLL_MS
    )
    expect(board.get_by_role("region", name="事件")).to_contain_text(
        "碘盐能防辐射吗？", timeout=POLL_MS
    )

    # A reply being written survives the polls that refresh the timeline around it.
    mention = anna.locator("#feed .feed-item").filter(has_text="does salt protect us?")
    mention.locator("summary").filter(has_text="Reply").click()
    reply = mention.get_by_role("textbox", name="Your reply to Xiao Wang")
    reply.fill("Thank you for asking: iodised salt does not protect")
    count_swaps(anna)
    anna.wait_for_function("() => window.boardSwaps >= 2", timeout=POLL_MS)
    expect(reply).to_be_visible()
    expect(reply).to_have_value("Thank you for asking: iodised salt does not protect")
    expect(reply).to_be_focused()
    reply.press_sequentially(" against radiation.")
    reply.press("Tab")
    expect(mention.get_by_role("button", name="Reply")).to_be_focused()
    with anna.expect_navigation():
        anna.keyboard.press("Enter")
    expect(anna.locator("#feed .feed-item.mine")).to_contain_text(
        "Thank you for asking: iodised salt does not protect against radiation."
    )
    expect(anna.locator("#feed .feed-item.mine")).to_contain_text("Your reply")

    # Each learner posts; the projector shows both teams' posts.
    for page, label, button, text in (
        (anna, "Your post", "Publish", POST_EN),
        (bo, "你的发帖", "发布", POST_ZH),
    ):
        composer = page.get_by_role("textbox", name=label)
        composer.fill(text)
        expect(page.locator("#post-count")).to_have_text(f"{len(text)} / 140")
        page.get_by_role("button", name=button, exact=True).click()
        expect(page).to_have_url(RUN_URL)
        expect(page.locator("#feed .feed-item.mine").first).to_contain_text(text)
        htmx_ready(page)
    teams = {}
    with app.app_context():
        for run in db.session.scalars(sa.select(ExerciseRun).where(ExerciseRun.live_id == live_id)):
            teams[run.id] = f"第 {run.team_name} 组"
    expect(board.get_by_role("region", name=teams[team_runs[anna]])).to_contain_text(
        POST_EN, timeout=POLL_MS
    )
    expect(board.get_by_role("region", name=teams[team_runs[anna]])).to_contain_text(
        "does not protect against radiation."
    )
    expect(board.get_by_role("region", name=teams[team_runs[bo]])).to_contain_text(
        POST_ZH, timeout=POLL_MS
    )
    expect(control.locator("#board tbody tr")).to_have_count(2)
    screenshot(projector, "exercise-projector")
    screenshot(anna, "exercise-live-learner")

    # The next inject asks for a decision; a choice being made survives the polls too.
    control.get_by_role("button", name="发布下一个事件").click()
    decision = bo.locator("section.decision")
    expect(decision.get_by_role("heading", name=re.compile(r"^决策.*开发布会吗？$"))).to_be_visible(
        timeout=POLL_MS
    )
    expect(anna.get_by_role("heading", name="Decision: Press conference?")).to_be_visible(
        timeout=POLL_MS
    )
    decision.get_by_label("不开").check()
    count_swaps(bo)
    bo.wait_for_function("() => window.boardSwaps >= 2", timeout=POLL_MS)
    expect(decision.get_by_label("不开")).to_be_checked()
    decision.get_by_role("button", name="确定").click()
    expect(bo.locator("section.decision")).to_have_count(0)
    expect(bo.locator("#feed .feed-item.decided")).to_contain_text("不开")
    expect(anna.get_by_role("heading", name="Decision: Press conference?")).to_be_visible()

    # The instructor ends the exercise: the learners' pages move to their reports.
    control.get_by_role("button", name="结束演练").click()
    assert teacher_context.dialogs == ["为所有小组结束演练吗？"]
    expect(control.locator("#board")).to_contain_text("已结束")
    for page in (anna, bo):
        expect(page).to_have_url(
            re.compile(rf"/exercises/runs/{team_runs[page]}/report$"), timeout=POLL_MS
        )
    expect(anna.get_by_role("heading", level=1)).to_contain_text("After-action report: Drill: salt")
    expect(anna.get_by_role("region", name="Scores").locator("tbody tr")).to_have_count(3)
    expect(bo.get_by_role("region", name="复盘讲评")).to_contain_text("复盘。")
    expect(projector.locator("#projector-board")).to_contain_text("已结束", timeout=POLL_MS)
    with app.app_context():
        assert db.session.get(LiveSession, live_id).status == "finished"
        assert all(
            r.status == "finished" and r.score is not None
            for r in db.session.scalars(
                sa.select(ExerciseRun).where(ExerciseRun.live_id == live_id)
            )
        )
    anna.goto(f"{live_server}/exercises/live")
    expect(anna.get_by_text("No live exercise is running for you now.")).to_be_visible()

    for context in contexts:
        assert context.console_errors == []
        context.close()


def test_a_paused_live_run_refuses_a_post_and_the_projector_shows_the_join_code(
    app, live_server, browser, live_class
):
    """The instructor prepares a live run; learners join with the code the large-type projector
    shows; a post sent while the run is paused comes back with the reason in the page's language."""
    teacher_context, control = signed_in_page(
        browser, live_server, "teacher", "zh-CN", width=1280, height=900
    )
    bo_context, bo = signed_in_page(browser, live_server, "bo", "zh-CN")
    anna_context, anna = signed_in_page(browser, live_server, "anna", "en-US")
    contexts = [teacher_context, bo_context, anna_context]

    control.goto(f"{live_server}/teach/exercises/")
    form = control.locator("form").filter(has=control.get_by_role("button", name="准备现场演练"))
    form.get_by_label("班次").select_option(label="2026 春季班")
    form.get_by_label("小组数").fill("2")
    form.get_by_label("每分钟推进的模拟分钟数").fill("1")
    form.get_by_role("button", name="准备现场演练").click()
    expect(control).to_have_url(re.compile(r"/teach/exercises/live/\d+$"))
    live_id = int(control.url.rsplit("/", 1)[1])
    with app.app_context():
        code = db.session.get(LiveSession, live_id).join_code
    expect(control.get_by_text(code)).to_be_visible()

    # The large-type projector opens in a page of its own, with no site menu, at a projector's sizes.
    with teacher_context.expect_page() as opened:
        control.get_by_role("link", name="大字投影").click()
    projector = opened.value
    expect(projector).to_have_url(re.compile(rf"/teach/exercises/live/{live_id}/projector/full$"))
    htmx_ready(projector)
    expect(projector.locator("header nav")).to_have_count(0)
    join = projector.get_by_role("region", name="加入代码")
    expect(join.locator(".pf-code")).to_have_attribute("data-code", code)
    expect(projector.get_by_role("button", name="全屏")).to_be_visible()
    sizes = {}
    for width, height in ((1920, 1080), (1280, 720)):
        projector.set_viewport_size({"width": width, "height": height})
        screenshot(projector, f"exercise-projector-full-{width}x{height}-waiting")
        sizes[width] = projector.evaluate(
            "() => ({code: parseFloat(getComputedStyle(document.querySelector('.pf-code')).fontSize),"
            " text: parseFloat(getComputedStyle(document.querySelector('.pf-inject-text')).fontSize)})"
        )
        # The code and the inject can be read from the back of a room: at least 40 px and 32 px
        # tall on a 720-line projector, larger on a 1080-line one.
        assert sizes[width]["code"] >= 60 and sizes[width]["text"] >= 32, sizes
    assert sizes[1920]["text"] > sizes[1280]["text"]

    # Learners join with the code, typed by keyboard (in whatever case and spacing) or clicked.
    for page, label, button, typed in (
        (bo, "加入代码", None, f"{code[:3].lower()} {code[3:]}"),
        (anna, "Join code", "Join", code),
    ):
        page.goto(f"{live_server}/exercises/live")
        page.get_by_label(label).focus()
        page.keyboard.type(typed)
        if button:
            page.get_by_role("button", name=button, exact=True).click()
        else:
            page.keyboard.press("Enter")
        expect(page).to_have_url(RUN_URL)
        htmx_ready(page)
    expect(bo.get_by_role("heading", name="你的小组")).to_be_visible()
    screenshot(bo, "exercise-live-team-phone")

    control.get_by_role("button", name="开始", exact=True).click()
    expect(projector.locator(".pf-inject-text")).to_have_text("超市的盐被抢光了！", timeout=POLL_MS)
    expect(projector.locator(".pf-teams tbody tr")).to_have_count(2)
    expect(projector.locator(".pf-clock")).to_contain_text("进行中")

    # Paused: the learner's page says so, and a post is refused with the text kept in its box.
    control.get_by_role("button", name="暂停", exact=True).click()
    expect(bo.locator("#board")).to_contain_text("教师已暂停演练", timeout=POLL_MS)
    expect(projector.locator(".pf-clock")).to_contain_text("已暂停", timeout=POLL_MS)
    composer = bo.get_by_role("textbox", name="你的发帖")
    composer.fill(POST_ZH)
    with bo.expect_navigation():
        bo.get_by_role("button", name="发布", exact=True).click()
    expect(bo.locator("#post-error")).to_have_text("教师已暂停演练，请等待继续。")
    expect(bo.get_by_role("textbox", name="你的发帖")).to_have_value(POST_ZH)
    anna.reload()
    anna.get_by_role("textbox", name="Your post").fill(POST_EN)
    with anna.expect_navigation():
        anna.get_by_role("button", name="Publish", exact=True).click()
    expect(anna.locator("#post-error")).to_have_text(
        "The instructor has paused the exercise: wait until it resumes."
    )
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(RunAction)
                .where(RunAction.run_id.is_not(None))
            )
            == 0
        )

    # Resumed, the same text is published, under the name of whoever wrote it.
    control.get_by_role("button", name="继续", exact=True).click()
    expect(bo.locator("#board")).not_to_contain_text("教师已暂停演练", timeout=POLL_MS)
    bo.get_by_role("button", name="发布", exact=True).click()
    expect(bo.locator("#feed .feed-item.mine").first).to_contain_text(POST_ZH)
    expect(bo.locator("#feed .feed-item.mine .author").first).to_have_text("· 发布人：薄")
    for width, height in ((1920, 1080), (1280, 720)):
        projector.set_viewport_size({"width": width, "height": height})
        expect(projector.locator(".pf-clock")).to_contain_text("进行中", timeout=POLL_MS)
        # One screen: nothing to scroll on the projector.
        assert projector.evaluate("() => document.documentElement.scrollHeight") <= height + 1
        screenshot(projector, f"exercise-projector-full-{width}x{height}")
    # On a phone the teams' bars stack, and nothing runs off the side.
    projector.set_viewport_size({"width": 360, "height": 780})
    assert page_width(projector) <= 360
    screenshot(projector, "exercise-projector-full-phone")
    for context in contexts:
        assert context.console_errors == []
        context.close()


def test_an_observer_notes_and_rates_a_team_on_a_phone(app, live_server, browser, live_class):
    """An invited instructor, on a phone, pins a note to an inject and rates the team by keyboard;
    the team's report shows the rating beside the automatic scores."""
    from tests.conftest import PASSWORD

    with app.app_context():
        observer = User(username="wang", name="王老师", role=Role.INSTRUCTOR.value)
        observer.set_password(PASSWORD, generated=True)
        observer.must_change_password = False
        db.session.add(observer)
        db.session.commit()
    teacher_context, control = signed_in_page(
        browser, live_server, "teacher", "zh-CN", width=1280, height=900
    )
    control.goto(f"{live_server}/teach/exercises/")
    form = control.locator("form").filter(has=control.get_by_role("button", name="准备现场演练"))
    form.get_by_label("班次").select_option(label="2026 春季班")
    form.get_by_label("小组数").fill("1")
    form.get_by_role("button", name="准备现场演练").click()
    expect(control).to_have_url(re.compile(r"/teach/exercises/live/\d+$"))
    control.get_by_role("button", name="开始", exact=True).click()
    control.get_by_role("link", name="观察与评分").click()
    control.get_by_label("教师的用户名").fill("wang")
    control.get_by_role("button", name="邀请为观察员").click()
    expect(control.get_by_role("status")).to_have_text("已邀请观察员。")
    observe_url = control.url.split("#")[0]

    context, phone = signed_in_page(browser, live_server, "wang", "zh-CN")
    phone.goto(observe_url)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("观察与评分")
    phone.get_by_label("对应的事件").select_option(label="0′ · 超市的盐被抢光了！")
    note = phone.get_by_label("观察到的情况")
    note.fill("第 1 组先打电话核实，再发帖。")
    note.press("Tab")
    expect(phone.get_by_role("button", name="保存记录")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator("#notes .feed-item.note")).to_contain_text("第 1 组先打电话核实，再发帖。")
    team = phone.get_by_role("article", name="第 1 组")
    capability = team.get_by_role("group", name="公共信息与预警")
    capability.get_by_label("S：完成，但遇到一些困难").check()
    capability.get_by_label("评语（可选）").fill("回应稍慢")
    team.get_by_role("group", name="运行协调").get_by_label("P：顺利完成，没有困难").focus()
    phone.keyboard.press("Space")
    team.get_by_role("button", name="保存第 1 组的评分").click()
    expect(phone.get_by_role("status")).to_have_text("已保存第 1 组的 2 项评分。")
    expect(team.get_by_role("group", name="公共信息与预警")).to_contain_text(
        "综合：3.0（S–S），来自 1 位观察员"
    )
    assert page_width(phone) <= 360
    screenshot(phone, "exercise-observe-phone")
    phone.goto(observe_url.replace("/observe", "/report"))
    expect(phone.get_by_role("region", name=re.compile("观察员按能力项的评分"))).to_contain_text(
        "3.0（S：完成，但遇到一些困难）"
    )
    for each in (teacher_context, context):
        assert each.console_errors == []
        each.close()


def test_an_editor_previews_and_applies_a_timeline_sheet_on_a_phone(
    app, live_server, browser, make_user, exercise_course, tmp_path
):
    """The course's editor downloads the timeline, uploads an edited copy, sees what would change,
    and applies it."""
    from courseware.courses.models import Course, course_editor

    editor = make_user(Role.INSTRUCTOR, username="editor", name="编辑")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        db.session.execute(course_editor.insert().values(course_id=course.id, user_id=editor))
        db.session.commit()
    context, page = signed_in_page(browser, live_server, "editor", "zh-CN")
    page.goto(f"{live_server}/teach/exercises/")
    page.get_by_role("link", name="事件时间表（电子表格）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("事件时间表")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="（CSV）").click()
    sheet = tmp_path / "timeline.csv"
    downloaded.value.save_as(sheet)
    text = sheet.read_text("utf-8-sig")
    sheet.write_text(text.replace("i3,,,40,", "i3,,,45,"), "utf-8-sig")
    page.get_by_label("时间表文件（.xlsx 或 .csv）").set_input_files(str(sheet))
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("heading", name="预览：timeline.csv")).to_be_visible()
    expect(page.get_by_text("新增事件：0；修改：1；删除：0。")).to_be_visible()
    # Measured once the page's styles have loaded: before, a table is as wide as its text.
    page.wait_for_load_state("load")
    assert page_width(page) <= 360
    screenshot(page, "exercise-timeline-preview-phone")
    page.get_by_role("button", name="应用这份时间表").click()
    expect(page.get_by_role("status")).to_have_text("时间表已应用。新增事件：0；修改：1；删除：0。")
    with app.app_context():
        assert db.session.scalar(sa.select(Exercise)).scenario.inject("i3").at == 45
    assert context.console_errors == []
    context.close()
