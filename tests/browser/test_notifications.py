"""In the browser, on a 360-px phone: a learner sees the unread count in the header, opens the
notifications, marks one read by keyboard, and turns reminder emails off on the password page."""

import datetime as dt

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Cohort, Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress import classes
from courseware.timeutil import utcnow
from tests.browser.conftest import open_menu, page_width, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_learner_reads_notifications_and_turns_email_off_on_a_phone(
    app, live_server, page, make_user, make_class, lessons_dir, sync
):
    sync()
    teacher = make_user(Role.INSTRUCTOR, username="teacher")
    learner = make_user(username="reader", name="张伟", email="zw@example.org")
    cohort_id = make_class([teacher], [learner])
    with app.app_context():
        classes.assign(
            db.session.get(Cohort, cohort_id),
            db.session.scalar(sa.select(Course)),
            utcnow().date() - dt.timedelta(days=10),
            utcnow().date() + dt.timedelta(days=2),
            db.session.get(User, teacher),
        )
        db.session.commit()

    sign_in(page, live_server, "reader")
    open_menu(page)
    link = page.get_by_role("link", name="通知 1 条未读通知")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_load_state()
    expect(page.get_by_text("新分配的课程：测试课程")).to_be_visible()
    assert page_width(page) <= 360
    screenshot(page, "notifications-360")

    button = page.get_by_role("button", name="标为已读：新分配的课程：测试课程")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="标为已读：新分配的课程：测试课程")).to_have_count(0)
    expect(page.locator("header mark.badge")).to_have_count(0)

    page.goto(f"{live_server}/password")
    box = page.get_by_label("通过邮件给我发送提醒")
    expect(box).to_be_checked()
    box.uncheck()
    page.get_by_role("button", name="保存邮件设置").click()
    page.wait_for_load_state()
    expect(page.get_by_text("您的邮件设置已保存。")).to_be_visible()
    expect(page.get_by_label("通过邮件给我发送提醒")).not_to_be_checked()
    assert page_width(page) <= 360
    screenshot(page, "reminder-settings-360")
    assert page.console_errors == []
