"""A course's 学时 derived from its minutes, switched in the settings form and shown on its pages."""

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress import ledger
from tests.courses.conftest import signed_in
from tests.courses.test_course_editor import SETTINGS, settings_form


def derived_hours(app) -> float:
    with app.app_context():
        return ledger.minutes_credit(db.session.scalar(sa.select(Course)))


@pytest.mark.parametrize(
    ("locale", "label", "shown"),
    [
        ("zh", "由课时分钟数折算学时", "{h} 学时"),
        ("en", "Derive the credit hours", "{h} credit hours"),
    ],
)
def test_the_settings_form_switches_hours_from_minutes(
    app, make_user, lessons_dir, sync, locale, label, shown
):
    sync()
    auth = signed_in(app, make_user, locale=locale)
    form_page = auth.client.get(SETTINGS).get_data(as_text=True)
    assert label in form_page and 'name="credit_from_minutes"' in form_page
    derived = derived_hours(app)
    assert derived != 2  # the fixture's course is worth 2 by hand
    # The course page (and its kept head part) shows the hand-set hours first ...
    assert shown.format(h=2) in auth.client.get("/courses/test-course").get_data(as_text=True)
    data = settings_form(auth) | {"credit_from_minutes": "y"}
    assert auth.client.post(SETTINGS, data=data).status_code == 302
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert course.credit_from_minutes and course.credit_hours == 2
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "course.credit_rule")
        )
        assert event is not None and event.target == "course:test-course"
    # ... then the derived hours, on the course page, its introduction and the catalogue.
    expected = shown.format(h=f"{derived:g}")
    for page in ("/courses/test-course", "/courses/test-course/about", "/courses/"):
        assert expected in auth.client.get(page).get_data(as_text=True), page
    # Saving again unticked sets it back by hand, audited once more.
    assert auth.client.post(SETTINGS, data=settings_form(auth)).status_code == 302
    with app.app_context():
        assert not db.session.scalar(sa.select(Course.credit_from_minutes))
        count = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "course.credit_rule")
        )
        assert count == 2
    assert shown.format(h=2) in auth.client.get("/courses/test-course").get_data(as_text=True)


def test_bad_settings_with_the_switch_change_nothing(app, make_user, lessons_dir, sync):
    sync()
    auth = signed_in(app, make_user, locale="en")
    data = settings_form(auth) | {"credit_from_minutes": "y", "credit_hours": "x"}
    response = auth.client.post(SETTINGS, data=data)
    assert response.status_code == 400 and "must be a number above 0" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert not db.session.scalar(sa.select(Course.credit_from_minutes))
