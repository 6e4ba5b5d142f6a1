"""The after-action report's new parts on a 360 px phone, in zh and en: whether the run passed, the
pass conditions, the posts stated before the facts were known, the outcome and a decision's points,
all without widening the page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_width, screenshot, sign_in
from tests.exercises.conftest import salt_panic_course  # noqa: F401  (a fixture)
from tests.exercises.test_report import play_the_slogan

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "language", "conditions", "claims", "not_passed"),
    [
        ("zh-CN", "zh", "通过条件", "对照你当时掌握的情况核查的说法", "未通过"),
        ("en-US", "en", "Pass conditions", "Claims checked against what you knew", "Not passed"),
    ],
)
def test_the_report_fits_a_phone(
    app,
    live_server,
    browser,
    make_user,
    salt_panic_course,  # noqa: F811
    locale,
    language,
    conditions,
    claims,
    not_passed,
):
    make_user(username="reader", locale=language)
    run_id, _ = play_the_slogan(app, app.test_client(), "reader")
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale=locale)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "reader")
    page.goto(f"{live_server}/exercises/runs/{run_id}/report")
    expect(page.locator(".pass-status")).to_contain_text(not_passed)
    for name in (conditions, claims):
        region = page.get_by_role("region", name=name)
        expect(region).to_be_visible()
        box = region.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    expect(page.locator("ul.conditions li")).to_have_count(3)
    expect(page.locator("ol.questioned > li")).to_have_count(1)
    expect(page.locator("tr.decision-points")).to_have_count(1)
    assert page_width(page) <= 360
    screenshot(page, f"exercise-report-pass-360-{language}")
    assert errors == []
    context.close()
