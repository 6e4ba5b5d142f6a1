"""In the browser, on a 360-px phone: a learner opens their training record from My learning, and
a unit administrator downloads the unit's records as one workbook."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_width, screenshot
from tests.browser.test_lessons import sign_in
from tests.certificates.conftest import complete_course  # noqa: F401  (a fixture)
from tests.conftest import Role

pytestmark = pytest.mark.browser


def test_a_learner_reads_their_record_and_an_administrator_downloads_the_units(
    app,
    live_server,
    browser,
    make_user,
    make_unit,
    complete_course,  # noqa: F811
):
    app.config["JOBS_INLINE"] = True  # the unit's workbook is written as it is asked for
    hz = make_unit("浙江省", "杭州市")
    complete_course(make_user(username="rare1", name="𠮷祥", unit_id=hz, rank_level="township"))
    make_user(Role.ADMIN, username="hzadmin", unit_id=hz, admin_unit_id=hz, locale="en")

    phone = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    learner = phone.new_page()
    sign_in(learner, live_server, "rare1")
    learner.goto(f"{live_server}/my-learning")
    learner.get_by_role("link", name="我的个人培训档案").click()
    learner.wait_for_load_state()
    assert learner.get_by_role("heading", level=1).inner_text() == "培训档案: 𠮷祥"
    row = learner.locator("tr.record-period").first
    assert row.locator("td").first.inner_text() == "2"
    # Nothing runs off the side of a phone but the scrollable tables.
    width = page_width(learner)
    assert width <= 360
    screenshot(learner, "training-record-zh-360")
    phone.close()

    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="en-US", accept_downloads=True
    )
    admin = context.new_page()
    sign_in(admin, live_server, "hzadmin")
    admin.goto(f"{live_server}/records")
    admin.locator("#record-q").fill("rare1")
    admin.keyboard.press("Enter")
    admin.wait_for_url("**/records?q=rare1")
    expect(admin.get_by_role("link", name="Training record: 𠮷祥 (rare1)")).to_be_visible()
    screenshot(admin, "training-records-en-360")
    admin.get_by_role("button", name="浙江省 / 杭州市 (XLSX").click()
    admin.wait_for_url("**/records/exports/*")
    # The job ran as it was started (JOBS_INLINE): the page offers the file at once.
    screenshot(admin, "unit-records-job-en-360")
    with admin.expect_download() as info:
        admin.get_by_role("button", name="Download the workbook").click()
    book = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    rows = list(book["Summary"].iter_rows(values_only=True))
    assert rows[1][:2] == ("rare1", "𠮷祥") and rows[1][10] == 2  # the total of credit hours
    context.close()
