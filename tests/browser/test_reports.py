"""An administrator filters a unit's completion report, downloads it and opens the XLSX."""

import io

from openpyxl import load_workbook

from courseware.accounts.models import Role
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD
from tests.progress.test_reports import organisation  # noqa: F401  (the fixture)


def test_admin_filters_a_units_report_and_opens_the_xlsx(
    live_server, browser, app, make_user, organisation
):
    make_user(Role.ADMIN, username="boss")
    context = browser.new_context(
        locale="zh-CN", accept_downloads=True, viewport={"width": 1100, "height": 900}
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server}/login")
    page.fill("#username", "boss")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}/reports/")
    page.select_option("select[name=unit]", label="浙江省 / 组织部")
    page.get_by_role("button", name="显示").click()
    page.wait_for_url("**/reports/?*unit=*")
    table = page.locator("table.report-table tbody tr")
    labels = table.locator("th").all_inner_texts()
    assert labels == ["浙江省", "浙江省 / 组织部", "浙江省 / 组织部 / 干部一处"]
    shown = {
        row.locator("th").inner_text(): row.locator("td").all_inner_texts() for row in table.all()
    }
    screenshot(page, "report-unit")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载（XLSX）").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    assert [r[0] for r in rows] == labels
    for row in rows:
        cells = shown[row[0]]
        assert [str(row[1]), str(row[2])] == cells[:2]  # enrolled and completed, as on the page
    assert errors == []
    context.close()
