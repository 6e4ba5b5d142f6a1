"""Layout in the browser: the header in one row at 1280 px and a compact menu on a phone, for each
role and both languages; wide tables that scroll in a box the keyboard reaches, not the page; a
learner's attempts shown whole on a phone."""

import pytest
from playwright.sync_api import expect

from courseware.accounts.models import Role
from tests.browser.conftest import ARTIFACTS, page_width, screenshot, sign_in
from tests.conftest import Auth
from tests.exercises.conftest import exercise_course  # noqa: F401  (a fixture)
from tests.progress.test_completion import play_exercise
from tests.progress.test_reports import organisation  # noqa: F401  (a fixture)
from tests.quizzes.conftest import quiz_course  # noqa: F401  (a fixture)
from tests.quizzes.test_labels import hand_in_passing

pytestmark = pytest.mark.browser

ROLES = [(Role.LEARNER, "学员甲"), (Role.INSTRUCTOR, "李文华"), (Role.ADMIN, "赵敏")]
LOCALES = [("zh-CN", "菜单"), ("en-US", "Menu")]


def open_page(browser, base, username, locale, width, height, javascript=True):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=locale, java_script_enabled=javascript
    )
    page = context.new_page()
    sign_in(page, base, username)
    return context, page


def rows_of(page, selector):
    """How many rows the visible items take: items whose vertical middles differ by under 12 px
    share a row."""
    middles = page.eval_on_selector_all(
        selector,
        "items => items.filter(i => i.offsetParent).map(i => {"
        " const r = i.getBoundingClientRect(); return r.top + r.height / 2; })",
    )
    rows = []
    for middle in sorted(middles):
        if not rows or middle - rows[-1] >= 12:
            rows.append(middle)
    return len(rows)


@pytest.mark.parametrize("role,name", ROLES, ids=[r.value for r, _ in ROLES])
@pytest.mark.parametrize("locale,menu", LOCALES, ids=["zh", "en"])
def test_the_header_takes_one_row_at_1280_and_a_compact_menu_on_a_phone(
    app, live_server, browser, make_user, role, name, locale, menu
):
    # A demo account: its badge makes the longest header, the one `make run` signs in with.
    make_user(role, username="person", name=name, is_demo=True)
    tag = f"header-{role.value}-{locale[:2]}"

    context, page = open_page(browser, live_server, "person", locale, 1280, 800)
    expect(page.locator("header .nav-toggle")).to_be_hidden()
    assert rows_of(page, "header nav li") == 1
    screenshot(page, f"{tag}-1280")
    context.close()

    context, page = open_page(browser, live_server, "person", locale, 360, 740)
    toggle = page.get_by_role("button", name=menu)
    links = page.locator("#nav-links")
    expect(toggle).to_be_visible()
    expect(links).to_be_hidden()
    assert page.locator("header").bounding_box()["height"] < 100
    assert page_width(page) <= 360
    screenshot(page, f"{tag}-360")
    # By keyboard: the button is the first stop after the skip link, the brand and the
    # notifications link.
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(links).to_be_visible()
    expect(page.get_by_role("link", name=name)).to_be_visible()
    screenshot(page, f"{tag}-360-open")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(links).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    context.close()

    # Without script there is no button: the whole list shows.
    context, page = open_page(browser, live_server, "person", locale, 360, 740, javascript=False)
    expect(page.locator("header .nav-toggle")).to_be_hidden()
    expect(page.get_by_role("link", name=name)).to_be_visible()
    context.close()


def test_the_score_table_scrolls_in_a_box_the_keyboard_reaches(
    app, live_server, browser, make_user, exercise_course
):  # noqa: F811
    learner = make_user(username="reader", name="Reader", locale="en")
    play_exercise(app, learner)
    context, page = open_page(browser, live_server, "reader", "en-US", 360, 740)
    page.goto(f"{live_server}/exercises/runs/1/report")
    box = page.get_by_role("region", name="Scores by dimension")
    expect(box).to_have_attribute("tabindex", "0")
    assert page_width(page) <= 360
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the box should do the scrolling"
    for _ in range(30):
        page.keyboard.press("Tab")
        if box.evaluate("b => b === document.activeElement"):
            break
    expect(box).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[aria-label=\"Scores by dimension\"]').scrollLeft > 0"
    )
    screenshot(page, "report-scores-360-en")
    context.close()


def test_a_learners_attempts_show_whole_on_a_phone(
    app, live_server, browser, make_user, quiz_course
):  # noqa: F811
    make_user(username="reader")
    client = app.test_client()
    auth = Auth(client)
    assert auth.login("reader").status_code == 302
    hand_in_passing(client, auth)
    context, page = open_page(browser, live_server, "reader", "zh-CN", 360, 740)
    page.goto(f"{live_server}/quizzes/test-course/check")
    result = page.locator('td[data-label="结果"]')
    expect(result).to_have_text("及格")
    box = result.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page_width(page) <= 360
    screenshot(page, "quiz-attempts-360-zh")
    context.close()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_completions_chart_reads_at_both_widths(
    app, live_server, browser, make_user, organisation, locale
):  # noqa: F811
    make_user(Role.ADMIN, username="chief", name="赵敏", locale="en" if locale == "en" else None)
    for width, height in ((1280, 800), (360, 740)):
        context, page = open_page(browser, live_server, "chief", "zh-CN", width, height)
        page.goto(f"{live_server}/reports/")
        chart = page.locator("svg.bars")
        chart.scroll_into_view_if_needed()
        expect(chart.locator(".bar-count")).to_have_count(4)
        # Month labels are drawn at a readable size, not shrunk to fit a phone.
        label = chart.locator(".bar-label").last.bounding_box()
        assert label["height"] >= 10
        assert page_width(page) <= width
        page.locator("#months-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"chart-{locale}-{width}.png"))
        context.close()
