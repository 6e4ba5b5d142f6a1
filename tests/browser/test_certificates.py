"""In the browser: a learner who completed a course finds the certificate, prints it on one A4 sheet,
downloads the PDF; then a stranger checks the code on the public page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_lessons import sign_in
from tests.certificates.conftest import complete_course  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser


def test_a_learner_gets_the_certificate_and_a_stranger_verifies_it(
    app, live_server, browser, make_user, make_unit, complete_course, tmp_path
):
    unit_id = make_unit("浙江省", "杭州市")
    issued = complete_course(
        make_user(username="reader", name="张伟", unit_id=unit_id, locale="en")
    )

    learner = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True
    ).new_page()
    errors = []
    learner.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(learner, live_server, "reader")
    learner.get_by_role("link", name="My learning").click()
    learner.locator(".certificate-list").get_by_role("link", name="Test course").click()
    learner.wait_for_load_state()
    assert learner.url.endswith(f"/certificates/{issued.certificate_id}")
    certificate = learner.locator(".certificate")
    expect(certificate.get_by_text("张伟")).to_be_visible()
    expect(certificate.get_by_text("浙江省 / 杭州市")).to_be_visible()
    expect(learner.locator("svg.qr")).to_be_visible()
    code = learner.locator(".certificate-verify .certificate-code").inner_text()
    assert code.replace("-", "") == issued.code
    screenshot(learner, "certificate")

    # Printed, the certificate alone fills one A4 sheet.
    learner.emulate_media(media="print")
    printed = learner.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b", printed)) == 1
    assert learner.locator("body > header").is_hidden()
    learner.emulate_media(media="screen")

    with learner.expect_download() as info:
        learner.get_by_role("button", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == f"certificate-{issued.code}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert errors == []  # nothing the CSP refused, no script errors

    stranger = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="en-US"
    ).new_page()
    stranger.goto(f"{live_server}/verify")
    stranger.get_by_label("Verification code").fill(code.lower().replace("-", " "))
    stranger.get_by_role("button", name="Verify").click()
    stranger.wait_for_load_state()
    assert stranger.url.endswith(f"/verify/{issued.code}")
    expect(stranger.get_by_text("This certificate is valid.")).to_be_visible()
    expect(stranger.get_by_text("张伟")).to_be_visible()
    expect(stranger.get_by_text("杭州市")).to_have_count(0)
    screenshot(stranger, "certificate-verified")


def test_an_administrator_revokes_a_certificate_and_takes_back_its_hours(
    app, live_server, browser, make_user, complete_course
):
    """In Chinese, with the keyboard: the revoke form opens, takes a reason and the 学时 box; the ledger
    loses the course's hours and the public page says the certificate is no longer valid."""
    from courseware.accounts.models import Role

    issued = complete_course(make_user(username="reader", name="张伟"))
    make_user(Role.ADMIN, username="boss", name="管理员", locale="zh_CN")
    admin = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in(admin, live_server, "boss")
    admin.goto(f"{live_server}/admin/certificates")
    # On a phone each certificate is a card, its values under their columns' names: nothing scrolls sideways.
    assert admin.evaluate(
        "(() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth <= w.clientWidth; })()"
    )
    expect(admin.locator("td[data-label='用户名']").first).to_be_visible()
    admin.locator("details.revoke summary").focus()
    admin.keyboard.press("Enter")
    admin.get_by_label("撤销理由").fill("考试作弊，经核实")
    admin.get_by_label("同时冲销该课程计入的学时").check()
    screenshot(admin, "certificate-revoke-zh")
    admin.get_by_role("button", name="撤销", exact=True).press("Enter")
    admin.wait_for_load_state()
    expect(admin.get_by_text("已撤销。")).to_be_visible()
    expect(admin.get_by_text("学时。").first).to_be_visible()
    assert "已从学员的学时台账中冲减" in admin.content()

    stranger = browser.new_context(locale="en-US").new_page()
    stranger.goto(f"{live_server}/verify/{issued.code}")
    expect(stranger.get_by_text("no longer valid")).to_be_visible()
