"""Bad input on the class, completion-rule and 学时 ledger forms is answered beside its field, in
the page's language, with what was typed kept; nothing is stored and nothing fails."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from courseware.accounts.models import Cohort, Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment, CreditEntry, QuotaRule
from courseware.reports.models import ExportJob
from tests.conftest import Auth, csrf_token


def signed_in(app, make_user, role, locale) -> Auth:
    make_user(role, username="staff", locale=locale)
    client = app.test_client()
    assert Auth(client).login("staff").status_code == 302
    return Auth(client)


def typed(page: str, name: str, value: str) -> bool:
    """The input named `name` shows `value` again."""
    return bool(
        re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"', page)
    ) or bool(re.search(rf'<input[^>]*value="{re.escape(value)}"[^>]*name="{name}"', page))


@pytest.fixture
def taught_class(app, make_user, full_course):
    """A class and the full course; returns (cohort id, course id). teach() makes its instructor."""
    with app.app_context():
        cohort = Cohort(name="2026 秋季班")
        db.session.add(cohort)
        db.session.commit()
        return cohort.id, db.session.scalar(sa.select(Course.id))


def teach(app, make_user, taught_class, locale) -> Auth:
    """The class's instructor, who also edits the course (completion rules are its editors')."""
    auth = signed_in(app, make_user, Role.INSTRUCTOR, locale)
    with app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
        cohort, course = (
            db.session.get(Cohort, taught_class[0]),
            db.session.get(Course, taught_class[1]),
        )
        cohort.instructors.append(staff)
        course.editors.append(staff)
        db.session.commit()
    return auth


@pytest.mark.parametrize(
    ("locale", "data", "field", "message"),
    [
        ("zh", {"starts_on": "2026-01-01", "due_on": "2026-02-01"}, "course", "请选择课程。"),
        (
            "en",
            {"course": "COURSE", "starts_on": "1.1.2026", "due_on": "2026-02-01"},
            "starts_on",
            "Dates are written as 2026-12-01.",
        ),
        (
            "zh",
            {"course": "COURSE", "starts_on": "2026-01-01"},
            "due_on",
            "日期格式为 2026-12-01。",
        ),
        (
            "en",
            {"course": "COURSE", "starts_on": "2026-03-01", "due_on": "2026-02-01"},
            "due_on",
            "The due date must not come before the start date.",
        ),
    ],
)
def test_a_bad_assignment_is_refused_beside_its_field(
    app, make_user, taught_class, locale, data, field, message
):
    auth = teach(app, make_user, taught_class, locale)
    cohort_id, course_id = taught_class
    data = {k: (str(course_id) if v == "COURSE" else v) for k, v in data.items()}
    refused = auth.post(f"/teach/classes/{cohort_id}/courses", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page and f'id="{field}-error"' in page
    if data.get("starts_on"):
        assert typed(page, "starts_on", data["starts_on"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseAssignment)) == 0


@pytest.mark.parametrize(
    ("locale", "pairs", "message"),
    [
        ("en", [("lessons", "first"), ("quizzes", "no-such-quiz")], "no-such-quiz is not an item"),
        (
            "zh",
            [("lessons", "first"), ("min_active_minutes", "10001")],
            "最少分钟数应为 0 到 10000",
        ),
        ("en", [("min_active_minutes", "half an hour")], "Minimum minutes must be a whole number"),
    ],
)
def test_a_bad_completion_rule_is_refused_and_kept(
    app, make_user, taught_class, locale, pairs, message
):
    auth = signed_in(app, make_user, Role.INSTRUCTOR, locale)
    with app.app_context():
        # Completion rules are set by the course's editors.
        course = db.session.scalar(sa.select(Course))
        course.editors.append(db.session.scalar(sa.select(User).where(User.username == "staff")))
        db.session.commit()
        before = db.session.scalar(sa.select(Course)).completion
    refused = auth.client.post(
        "/teach/courses/test-course/completion",
        data=MultiDict([("csrf_token", csrf_token(auth.client, "/")), *pairs]),
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page
    # The boxes come back as they were ticked, not as the stored rule has them.
    assert bool(re.search(r'value="first" checked', page)) == (("lessons", "first") in pairs)
    assert not re.search(r'value="second" checked', page)
    minutes = dict(pairs).get("min_active_minutes")
    if minutes:
        assert typed(page, "min_active_minutes", minutes)
    with app.app_context():
        assert db.session.scalar(sa.select(Course)).completion == before


@pytest.mark.parametrize(
    ("locale", "query", "message"),
    [
        ("zh", "?sort=age", "请选择排序方式。"),
        ("en", "?unit=99999999999", "Choose a unit."),
        ("en", "?course=x", "Choose a course."),
    ],
)
def test_a_bad_grid_filter_is_named_not_ignored(
    app, make_user, taught_class, locale, query, message
):
    auth = teach(app, make_user, taught_class, locale)
    page = auth.client.get(f"/teach/classes/{taught_class[0]}/progress{query}")
    assert page.status_code == 400 and message in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "data", "field", "message"),
    [
        ("zh", {"earned_on": "2026-01-05", "note": "党校培训"}, "hours", "请填写学时数或天数"),
        ("zh", {"hours": "0", "earned_on": "2026-01-05", "note": "x"}, "hours", "学时数应大于 0"),
        ("en", {"hours": "1001", "earned_on": "2026-01-05", "note": "x"}, "hours", "at most 1000"),
        (
            "en",
            {"hours": "8", "earned_on": "05/01/2026", "note": "x"},
            "earned_on",
            "Dates are written",
        ),
        ("zh", {"hours": "8", "earned_on": "2026-01-05", "note": " "}, "note", "请说明培训内容"),
    ],
)
def test_bad_external_credit_is_refused_beside_its_field(
    app, make_user, locale, data, field, message
):
    learner = make_user(username="zhang", rank_level="township")
    auth = signed_in(app, make_user, Role.ADMIN, locale)
    refused = auth.post(f"/admin/credits/{learner}/add", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page and f'id="{field}-error"' in page
    for name in ("hours", "earned_on"):
        if data.get(name):
            assert typed(page, name, data[name])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 0


@pytest.mark.parametrize(
    ("locale", "message"), [("zh", "请说明"), ("en", "Say what the training was")]
)
def test_a_reversal_without_a_reason_opens_its_box_with_the_reason(app, make_user, locale, message):
    learner = make_user(username="zhang", rank_level="township")
    auth = signed_in(app, make_user, Role.ADMIN, locale)
    auth.post(
        f"/admin/credits/{learner}/add", data={"hours": "8", "earned_on": "2026-01-05", "note": "x"}
    )
    with app.app_context():
        entry_id = db.session.scalar(sa.select(CreditEntry.id))
    refused = auth.post(f"/admin/credits/entries/{entry_id}/reverse", data={"reason": "  "})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page
    assert f'id="reason-{entry_id}-error"' in page and "<details open>" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 1


@pytest.mark.parametrize(
    ("locale", "data", "message"),
    [
        (
            "zh",
            {"township-hours": "90", "county-hours": "550", "county-years": "5"},
            "周期为 1–10 年",
        ),
        (
            "en",
            {
                "township-hours": "90",
                "township-years": "1",
                "county-hours": "9999",
                "county-years": "5",
            },
            "at most 5000",
        ),
        (
            "en",
            {
                "township-hours": "ninety",
                "township-years": "1",
                "county-hours": "550",
                "county-years": "11",
            },
            "the period 1–10 years",
        ),
    ],
)
def test_bad_quotas_are_refused_and_kept(app, make_user, locale, data, message):
    auth = signed_in(app, make_user, Role.ADMIN, locale)
    refused = auth.post("/admin/credits/quotas", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page and 'class="field-error"' in page
    for name, value in data.items():
        assert typed(page, name, value)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuotaRule)) == 0


def test_the_ledger_search_and_the_behind_list_name_what_they_cannot_find(app, make_user):
    auth = signed_in(app, make_user, Role.ADMIN, "en")
    page = auth.client.get("/admin/credits/?q=nobody").get_data(as_text=True)
    assert 'id="q-error"' in page and "No account with the username nobody." in page
    behind = auth.client.get("/admin/credits/behind?unit=abc")
    assert behind.status_code == 400 and "Choose a unit." in behind.get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "query", "field", "message"),
    [
        ("zh", "?by=age", "by", "请选择按单位、班次或课程统计。"),
        ("en", "?unit=abc", "unit", "Choose a unit."),
        ("en", "?from=2026-13-01", "from", "from: 2026-13-01 is not a date such as 2026-12-01."),
        ("zh", "?from=2026-05-01&to=2026-01-01", "to", "起始日期晚于结束日期。"),
    ],
)
def test_bad_report_filters_are_named_beside_their_boxes(
    app, make_user, locale, query, field, message
):
    auth = signed_in(app, make_user, Role.ADMIN, locale)
    response = auth.client.get(f"/reports/{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and f'id="{field}-error"' in page
    if "from=" in query:
        assert typed(page, "from", query.split("from=")[1].split("&")[0])


@pytest.mark.parametrize(
    ("locale", "message"), [("zh", "请选择 CSV 或 XLSX。"), ("en", "Choose CSV or XLSX.")]
)
def test_an_export_in_an_unknown_format_is_refused_with_a_message(app, make_user, locale, message):
    auth = signed_in(app, make_user, Role.ADMIN, locale)
    refused = auth.post("/reports/exports?by=unit", data={"format": "pdf"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page and 'id="format-error"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0
