"""An administrator on a 360-px phone records outside training counted in days and resolves a
row of an imported sheet that matched no cadre."""

import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role
from courseware.db import db
from courseware.progress.models import CreditEntry, TrainingImport, UnmatchedTraining
from tests.browser.conftest import page_width, sign_in


def test_outside_training_and_the_unmatched_queue_on_a_phone(app, live_server, page, make_user):
    make_user(Role.ADMIN, username="boss")
    learner = make_user(username="zhang", name="张三")
    with app.app_context():
        sheet = TrainingImport(
            filename="t.csv", file_sha256="0" * 64, key_field="employee_no", status="applied"
        )
        db.session.add(sheet)
        db.session.flush()
        db.session.add(
            UnmatchedTraining(
                import_id=sheet.id,
                row=3,
                key_value="Z999",
                name="王五",
                values={"kind": "topic_class", "start": "2026-05-06", "hours": 8, "note": "专题班"},
                import_key="1" * 64,
            )
        )
        db.session.commit()
    sign_in(page, live_server, "boss")
    page.goto(f"{live_server}/admin/credits/?q=zhang")
    page.get_by_label("培训类别").select_option("full_time")
    page.get_by_label("起始日期").fill("2026-03-02")
    page.get_by_label("或天数").fill("1.5")
    page.get_by_label("主办单位").fill("省委党校")
    page.get_by_label("说明", exact=True).fill("中青班")
    page.get_by_role("button", name="添加").click()
    page.wait_for_url("**q=zhang")
    expect(page.get_by_role("cell", name="脱产培训")).to_be_visible()
    assert page_width(page) <= 360
    page.screenshot(path="/tmp/rec16c-credits.png", full_page=True)
    page.goto(f"{live_server}/admin/credits/unmatched")
    assert page_width(page) <= 360
    page.screenshot(path="/tmp/rec16c-unmatched.png", full_page=True)
    page.locator("#username-1").fill("zhang")
    page.get_by_role("button", name="匹配并计入").click()
    page.wait_for_url("**/admin/credits/unmatched")
    expect(page.get_by_text("没有待匹配的记录。")).to_be_visible()
    with app.app_context():
        hours = sorted(
            db.session.scalars(sa.select(CreditEntry.hours).where(CreditEntry.user_id == learner))
        )
        assert hours == [8, 9]  # 1.5 days: a day and a half day by the day rules
    assert page.console_errors == []
