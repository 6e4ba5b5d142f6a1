"""An administrator imports a roster in the browser; a new learner must change the initial password."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role, User
from courseware.db import db
from tests.browser.conftest import open_menu, page_width, screenshot
from tests.browser.conftest import sign_in as browser_sign_in
from tests.conftest import PASSWORD

ROSTER = (
    "姓名,用户名,单位,职务,职级,手机\n"
    "张𠮷,zj101,省委组织部,科长,乡科级,13800138000\n"
    "王䶮,zj102,省委组织部,副处长,县处级,13900139000\n"
)

pytestmark = pytest.mark.browser


def sign_in(page, base, username, password):
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_admin_imports_a_roster_and_a_new_learner_changes_the_password(
    app, live_server, job_worker, page, make_user, make_unit, tmp_path
):
    make_unit("浙江省", "省委组织部")
    make_user(Role.ADMIN, username="boss", name="管理员")
    roster_file = tmp_path / "花名册.csv"
    roster_file.write_text(ROSTER, encoding="utf-8-sig")

    sign_in(page, live_server, "boss", PASSWORD)
    page.get_by_role("link", name="导入花名册").first.click()
    page.get_by_label(re.compile("花名册文件")).set_input_files(str(roster_file))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_url(re.compile(r"/admin/import/\d+$"))
    expect(page.locator("#creates tbody tr")).to_have_count(2)
    screenshot(page, "roster-preview")
    page.get_by_role("button", name=re.compile("导入 2")).click()
    password = page.locator("#credentials tbody tr").first.locator("td.secret").inner_text().strip()
    assert len(password) == 12
    screenshot(page, "roster-imported")

    page.get_by_role("link", name="前往用户列表").click()
    expect(page.get_by_role("link", name="zj101")).to_be_visible()
    expect(page.get_by_text("王䶮")).to_be_visible()

    open_menu(page)
    page.get_by_role("button", name="退出登录").click()
    sign_in(page, live_server, "zj101", password)
    page.wait_for_url(re.compile(r"/password$"))
    page.get_by_label("当前密码").fill(password)
    page.get_by_label("新密码", exact=True).fill("my-own-secret-1")
    page.get_by_label("确认新密码").fill("my-own-secret-1")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name=re.compile("张𠮷"))).to_be_visible()
    screenshot(page, "learner-home")
    assert page.console_errors == []
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "zj101"))
        assert not user.must_change_password


def test_language_switch_and_keyboard(app, live_server, page):
    page.goto(f"{live_server}/login")
    # The first Tab reaches the skip link, which jumps to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # Nothing is wider than a 360-px phone screen.
    assert page_width(page) <= 360
    screenshot(page, "login-en")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_a_large_roster_shows_its_progress_in_english(
    app, live_server, job_worker, page, make_user, make_unit, tmp_path
):
    """Hashing each new account's password is the slow part of an import: the page shows how far it
    has got, a bar read by the rows done, and moves on to the result by itself."""
    make_unit("Zhejiang", "Organisation Department")
    make_user(Role.ADMIN, username="boss", name="Admin", locale="en")
    rows = 400
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text(
        "name,username,unit\n"
        + "".join(
            f"Cadre {i},cadre{i:04d},Zhejiang/Organisation Department\n" for i in range(rows)
        ),
        encoding="utf-8",
    )

    browser_sign_in(page, live_server, "boss")
    page.goto(f"{live_server}/admin/import")
    page.get_by_label(re.compile("Roster file")).set_input_files(str(roster_file))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/admin/import/\d+$"))
    page.get_by_role("button", name=re.compile(f"Import {rows}")).click()
    page.wait_for_url(re.compile(r"/progress$"))
    bar = page.locator("#import-job progress")
    # The bar is labelled with the rows done; it may already be gone when the machine is quick.
    if bar.count():
        assert bar.get_attribute("max") == str(rows)
        expect(page.get_by_text(re.compile(f"of {rows} rows imported"))).to_have_count(1)
        screenshot(page, "roster-import-progress-en")
    page.wait_for_url(re.compile(r"/done$"), timeout=60_000)
    expect(page.get_by_role("status").filter(has_text=f"Accounts created: {rows};")).to_be_visible()
    expect(page.locator("#credentials tbody tr")).to_have_count(rows)
    assert page_width(page) <= 360
    screenshot(page, "roster-import-done-en")
    assert page.console_errors == []


def test_initial_passwords_for_accounts_that_never_signed_in_download_as_a_sheet(
    app, live_server, page, make_user, tmp_path
):
    """Chinese, on a phone: the administrator lists the accounts that never signed in, confirms, and
    receives their new passwords as a spreadsheet; the button is usable again afterwards."""
    from openpyxl import load_workbook

    make_user(Role.ADMIN, username="boss", name="管理员")
    for i in range(2):
        make_user(username=f"api{i}", name=f"接口学员{i}")
    browser_sign_in(page, live_server, "boss")
    page.goto(f"{live_server}/admin/users")
    page.get_by_label("仅显示从未登录过的账号").check()
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"never_signed_in=y"))
    button = page.get_by_role("button", name="发放初始密码（电子表格）")
    screenshot(page, "users-never-signed-in-zh")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_download() as download:
        button.focus()
        page.keyboard.press("Enter")
    path = tmp_path / "passwords.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "用户名", "初始密码") and sorted(r[1] for r in rows[1:]) == [
        "api0",
        "api1",
    ]
    assert page_width(page) <= 360
    assert page.console_errors == []
