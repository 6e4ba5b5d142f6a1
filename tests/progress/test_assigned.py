"""The courses a learner's classes assign, as the home page, My learning and the catalogue list
them: once per course, the earliest due date, overdue or completed."""

import datetime as dt
import re

import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress import classes
from courseware.progress.models import CourseCompletion
from courseware.timeutil import local_today, utcnow
from tests.conftest import Auth


def assigned_items(client, path="/") -> list[str]:
    page = client.get(path).get_data(as_text=True)
    section = page.split("Assigned to you", 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in section.split("<li>")[1:]
    ]


def test_a_course_two_classes_assign_is_listed_once_with_its_earliest_due_date(
    app, lessons_dir, sync, make_user, make_class
):
    sync()
    teacher = make_user(Role.INSTRUCTOR, username="teacher")
    learner = make_user(username="li", locale="en")
    first = make_class([teacher], [learner], name="Class A")
    second = make_class([teacher], [learner], name="Class B")
    with app.app_context():
        today = local_today()
        course = db.session.scalar(sa.select(Course))
        course_id = course.id
        by = db.session.get(User, teacher)
        start = today - dt.timedelta(days=30)
        classes.assign(
            db.session.get(Cohort, second), course, start, today + dt.timedelta(days=9), by
        )
        classes.assign(
            db.session.get(Cohort, first), course, start, today - dt.timedelta(days=1), by
        )
        db.session.commit()
    client = Auth(app.test_client())
    assert client.login("li").status_code == 302
    overdue = (
        f"Test course — overdue: was due {(today - dt.timedelta(days=1)).isoformat()} (Class A)"
    )
    assert assigned_items(client.client) == [overdue]
    assert assigned_items(client.client, "/my-learning") == [overdue]

    with app.app_context():
        db.session.add(
            CourseCompletion(
                user_id=learner, course_id=course_id, completed_at=utcnow(), rule={}, score=None
            )
        )
        db.session.commit()
    assert assigned_items(client.client) == ["Test course — completed (Class A)"]
    catalogue = client.client.get("/courses/").get_data(as_text=True)
    assert "status-completed" in catalogue


def test_the_home_page_lists_the_learners_own_classes_by_name(app, make_user, make_class):
    teacher = make_user(Role.INSTRUCTOR, username="teacher")
    learner = make_user(username="li", locale="en")
    other = make_user(username="wang")
    make_class([teacher], [learner], name="Class B")
    make_class([teacher], [learner, other], name="Class A")
    make_class([teacher], [other], name="Class C")
    client = Auth(app.test_client())
    assert client.login("li").status_code == 302
    page = client.client.get("/").get_data(as_text=True)
    section = page.split('id="classes-heading"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r"<li>\s*([^<]+?)\s*<span", section) == ["Class A", "Class B"]
