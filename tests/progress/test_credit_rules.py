"""Credit rules: outside training by kind with days converted, course 学时 from minutes, required
and elective hours against quotas, and carry-over."""

import datetime as dt

import pytest
import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress import ledger
from courseware.progress.credit_rules import (
    CourseCreditError,
    CourseCreditRule,
    CreditRules,
    days_hours,
)
from courseware.progress.models import CourseAssignment, CourseCompletion, CreditEntry
from tests.conftest import Auth
from tests.progress.test_forms import taught_class, teach  # noqa: F401

TODAY = dt.date(2026, 11, 27)


def admin_client(app, make_user, locale="en", **fields) -> Auth:
    make_user(Role.ADMIN, username="boss", locale=locale, **fields)
    client = app.test_client()
    assert Auth(client).login("boss").status_code == 302
    return Auth(client)


# --- outside training -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "days", "hours"),
    [({}, 1, 6), ({}, 0.5, 3), ({}, 2.5, 15), ({"day_hours": 8, "half_day_hours": 4}, 1.5, 12)],
)
def test_days_convert_by_the_classroom_day_rules(rules, days, hours):
    assert days_hours(CreditRules.from_config(rules), days) == hours


def test_outside_training_is_recorded_by_kind_and_reversed(app, make_user):
    learner = make_user(username="zhang", rank_level="township")
    auth = admin_client(app, make_user)
    sent = auth.post(
        f"/admin/credits/{learner}/add",
        data={
            "kind": "full_time",
            "earned_on": "2026-03-02",
            "ends_on": "2026-03-04",
            "days": "2.5",
            "organiser": "省委党校",
            "evidence": "结业证书 2026-017",
            "note": "中青班",
        },
    )
    assert sent.status_code == 302
    page = auth.client.get("/admin/credits/?q=zhang").get_data(as_text=True)
    assert "Full-time training (脱产培训)" in page and "省委党校" in page
    assert "2026-03-02 to 2026-03-04" in page and "结业证书 2026-017" in page
    with app.app_context():
        entry = db.session.scalar(sa.select(CreditEntry).where(CreditEntry.user_id == learner))
        assert (entry.kind, entry.training_kind, entry.hours) == ("external", "full_time", 15)
        assert entry.ends_on == dt.date(2026, 3, 4)
        entry_id = entry.id
    sent = auth.post(f"/admin/credits/entries/{entry_id}/reverse", data={"reason": "重复登记"})
    assert sent.status_code == 302
    with app.app_context():
        assert ledger.total_between(learner, dt.date(2026, 1, 1), TODAY) == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "holiday"}, "kind", "Choose a kind of training."),
        ({"days": "0.3", "hours": ""}, "days", "multiple of 0.5"),
        ({"days": "1"}, "hours", "not both"),
        ({"hours": "", "days": ""}, "hours", "Give the credit hours or the days."),
        ({"ends_on": "2026-02-01"}, "ends_on", "must not come before the first"),
        ({"ends_on": "3/4/2026"}, "ends_on", "Dates are written"),
    ],
)
def test_bad_outside_training_is_named_by_field(app, make_user, data, field, message):
    learner = make_user(username="zhang")
    auth = admin_client(app, make_user)
    sent = auth.post(
        f"/admin/credits/{learner}/add",
        data={"kind": "topic_class", "earned_on": "2026-03-02", "hours": "4", "note": "x"} | data,
    )
    page = sent.get_data(as_text=True)
    assert sent.status_code == 400 and message in page and f'id="{field}-error"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CreditEntry.id))) == 0


def test_outside_training_refused_in_chinese_names_the_field(app, make_user):
    learner = make_user(username="zhang")
    auth = admin_client(app, make_user, locale="zh")
    sent = auth.post(
        f"/admin/credits/{learner}/add",
        data={"kind": "teaching", "earned_on": "2026-03-02", "days": "0.2", "note": "授课"},
    )
    page = sent.get_data(as_text=True)
    assert sent.status_code == 400 and "天数应为 0.5 的倍数" in page and 'id="days-error"' in page


def test_a_unit_admin_records_only_for_their_units(app, make_user, make_unit):
    mine = make_unit("省委组织部", "干部一处")
    other = make_unit("省财政厅")
    inside = make_user(username="inside", unit_id=mine)
    outside = make_user(username="outside", unit_id=other)
    auth = admin_client(app, make_user, admin_unit_id=mine)
    data = {"kind": "group_study", "earned_on": "2026-03-02", "hours": "2", "note": "中心组"}
    assert auth.post(f"/admin/credits/{inside}/add", data=data).status_code == 302
    assert auth.post(f"/admin/credits/{outside}/add", data=data).status_code == 404


# --- a course's 学时 from its minutes --------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "passed", "hours"),
    [([30], False, 1), ([29], False, 0.5), ([15], False, 0.5), ([14], False, 0.25)]
    + [([45, 20, 5], False, 1.75), ([45, 20, 5], True, 2.25), ([], True, 0.5)],
)
def test_course_hours_from_minutes(minutes, passed, hours):
    assert CourseCreditRule.from_config(None).course_hours(minutes, passed) == hours


def test_the_course_rule_is_a_setting_checked_by_key():
    rule = CourseCreditRule.from_config({"steps": [[0, 0.5], [45, 1]], "passed_test": 1})
    assert rule.course_hours([50, 10], True) == 2.5
    for bad, key in [
        ({"per": 1}, "'per'"),
        ({"steps": [[30]]}, "'steps'"),
        ({"passed_test": -1}, "'passed_test'"),
    ]:
        with pytest.raises(CourseCreditError, match=key):
            CourseCreditRule.from_config(bad)


def test_a_course_credited_from_minutes(app, make_user, lessons_dir, sync):
    learner = make_user(username="zhang")
    sync()
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert ledger.course_credit(course) == course.credit_hours  # set by hand
        course.credit_from_minutes = True
        minutes = [lesson.published.minutes for lesson in course.lessons]
        expected = CourseCreditRule.from_config(None).course_hours(minutes, False)
        completion = CourseCompletion(
            user_id=learner, course_id=course.id, rule={"lessons": "all"}, score=None
        )
        completion.completed_at = dt.datetime(2026, 5, 1, 9)
        db.session.add(completion)
        db.session.flush()
        entry = ledger.credit_course(completion, course)
        assert entry.hours == expected > 0
        with_test = {"lessons": "all", "quizzes": ["check"]}
        assert ledger.course_credit(course, with_test) == expected + 0.5


# --- required and elective hours, quotas, carry-over -------------------------------------------


def _course_entry(user_id, course_id, hours, on):
    db.session.add(
        CreditEntry(
            user_id=user_id,
            hours=hours,
            earned_on=on,
            kind="course",
            course_id=course_id,
            note="x",
        )
    )


def test_required_hours_against_the_quota_minimum(app, make_user, lessons_dir, sync):
    learner_id = make_user(username="zhang", rank_level="township")
    sync()
    with app.app_context():
        learner = db.session.get(User, learner_id)
        first = db.session.scalar(sa.select(Course))
        second = Course(
            slug="elective",
            title={"zh": "选修课"},
            summary={},
            audience={},
            credit_hours=50,
            items=[],
            completion={},
            settings_hash="",
        )
        db.session.add(second)
        cohort = Cohort(name="2026 班")
        cohort.members.append(learner)
        db.session.add(cohort)
        db.session.flush()
        for course, requirement in [(first, "required"), (second, "elective")]:
            db.session.add(
                CourseAssignment(
                    cohort_id=cohort.id,
                    course_id=course.id,
                    starts_on=dt.date(2026, 1, 1),
                    due_on=dt.date(2026, 12, 31),
                    requirement=requirement,
                )
            )
        _course_entry(learner_id, first.id, 30, dt.date(2026, 3, 1))
        _course_entry(learner_id, second.id, 70, dt.date(2026, 4, 1))
        db.session.commit()
        standing = ledger.quota_standing(learner, TODAY)
        assert (standing.period_total, standing.required_total, standing.elective_total) == (
            100,
            30,
            70,
        )
        assert not standing.behind and ledger.behind(TODAY) == []
        ledger.set_quota("township", 90, 1, 40)
        db.session.commit()
        standing = ledger.quota_standing(learner, TODAY)
        assert standing.behind and standing.missing_required == 10 and standing.missing == 0
        assert [u.username for u, _ in ledger.behind(TODAY)] == ["zhang"]
        with pytest.raises(ledger.LedgerError):
            ledger.set_quota("township", 90, 1, 91)


def test_the_quotas_form_sets_a_required_minimum(app, make_user):
    auth = admin_client(app, make_user)
    form = {"township-hours": "90", "township-years": "1", "county-hours": "550"}
    form |= {"county-years": "5", "county-min_required": "100"}
    assert auth.post("/admin/credits/quotas", data=form).status_code == 302
    with app.app_context():
        assert ledger.required_minimums() == {"township": 0.0, "county": 100.0}
    refused = auth.post("/admin/credits/quotas", data=form | {"township-min_required": "95"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="township-min_required-error"' in page


def test_carry_over_is_off_by_default(app, make_user):
    learner_id = make_user(username="zhang", rank_level="township")
    with app.app_context():
        db.session.add_all(
            [
                CreditEntry(user_id=learner_id, hours=h, earned_on=on, kind="external", note="x")
                for h, on in [(120, dt.date(2025, 6, 1)), (70, dt.date(2026, 2, 1))]
            ]
        )
        db.session.commit()
        learner = db.session.get(User, learner_id)
        standing = ledger.quota_standing(learner, TODAY)
        assert (standing.carried, standing.behind) == (0, True)
        assert [u.username for u, _ in ledger.behind(TODAY)] == ["zhang"]
        app.config["CREDIT_CARRY_OVER"] = True
        try:
            standing = ledger.quota_standing(learner, TODAY)
            assert (standing.carried, standing.counted, standing.behind) == (30, 100, False)
            assert ledger.behind(TODAY) == []
        finally:
            app.config["CREDIT_CARRY_OVER"] = False


def test_an_assignment_is_marked_elective(app, make_user, taught_class):
    cohort_id, course_id = taught_class
    auth = teach(app, make_user, taught_class, "en")
    data = {"course": str(course_id), "starts_on": "2026-01-01", "due_on": "2026-02-01"}
    sent = auth.post(f"/teach/classes/{cohort_id}/courses", data=data | {"requirement": "elective"})
    assert sent.status_code == 302
    page = auth.client.get(f"/teach/classes/{cohort_id}/courses").get_data(as_text=True)
    assert "Elective (选修)" in page
    refused = auth.post(f"/teach/classes/{cohort_id}/courses", data=data | {"requirement": "x"})
    assert refused.status_code == 400 and 'id="requirement-error"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(CourseAssignment.requirement)) == "elective"


def test_the_course_rule_is_switched_from_the_command_line(app, lessons_dir, sync):
    sync()
    runner = app.test_cli_runner()
    with app.app_context():
        slug, hand = db.session.execute(sa.select(Course.slug, Course.credit_hours)).one()
    shown = runner.invoke(args=["credits", "course-rule", slug])
    assert shown.exit_code == 0 and f"{hand:g} credit hours" in shown.output
    switched = runner.invoke(args=["credits", "course-rule", slug, "--from-minutes"])
    assert switched.exit_code == 0 and "from its lessons' minutes" in switched.output
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert course.credit_from_minutes
        assert f"{ledger.course_credit(course):g} credit hours" in switched.output
    assert runner.invoke(args=["credits", "course-rule", "nope"]).exit_code != 0
