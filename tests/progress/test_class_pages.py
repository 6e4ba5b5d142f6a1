"""A class's pages as an instructor reads them: the courses assigned by title, and a failed quiz
or drill shown as not passed in the progress grid."""

import re

import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.courses.models import Course
from courseware.db import db
from tests.conftest import Auth
from tests.progress.test_class_grid import fail_quiz, POOR
from tests.progress.test_completion import play_exercise


def taught_class(app, make_user, learners):
    """A class of the given learners taught by `teacher`, and a client signed in as the teacher."""
    teacher = make_user(Role.INSTRUCTOR, username="teacher")
    with app.app_context():
        cohort = Cohort(name="2026 秋季班")
        cohort.members.extend(db.session.get(User, i) for i in learners)
        cohort.instructors.append(db.session.get(User, teacher))
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id
        course_id = db.session.scalar(sa.select(Course.id))
    client = app.test_client()
    assert Auth(client).login("teacher").status_code == 302
    return client, cohort_id, course_id


def test_the_class_course_table_names_each_course_by_its_title(app, make_user, full_course):
    client, cohort_id, course_id = taught_class(app, make_user, [make_user(username="zhang")])
    Auth(client).post(
        f"/teach/classes/{cohort_id}/courses",
        data={"course": course_id, "starts_on": "2026-01-01", "due_on": "2026-02-01"},
    )
    page = client.get(f"/teach/classes/{cohort_id}/courses").get_data(as_text=True)
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert re.search(r"<tr><td>测试课程</td><td>2026-01-01</td>", body), body
    assert f"<td>{course_id}</td>" not in body


def test_the_grid_shows_a_failed_quiz_and_drill_as_not_passed(app, make_user, full_course):
    learner = make_user(username="zhang")
    fail_quiz(app, learner)
    play_exercise(app, learner, POOR)
    client, cohort_id, _ = taught_class(app, make_user, [learner])
    grid = client.get(f"/teach/classes/{cohort_id}/progress").get_data(as_text=True)
    row = grid.split("<tbody>")[1].split("</tr>")[0]
    assert row.count('<mark class="status status-failed">未及格</mark>') == 2, row
    assert "学习中" not in row

    english = app.test_client()
    make_user(Role.INSTRUCTOR, username="teacher-en", locale="en")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.instructors.append(
            db.session.scalar(sa.select(User).where(User.username == "teacher-en"))
        )
        db.session.commit()
    assert Auth(english).login("teacher-en").status_code == 302
    grid = english.get(f"/teach/classes/{cohort_id}/progress").get_data(as_text=True)
    row = grid.split("<tbody>")[1].split("</tr>")[0]
    assert row.count(">not passed</mark>") == 2 and "in progress" not in row


def test_a_class_lists_each_member_with_the_full_path_of_their_unit(
    app, client, auth, make_user, make_unit, make_class
):
    """The instructor's class page and the administrator's class form name each member's unit
    from the root (read for all members at once, not unit by unit); the class page names its
    instructors and lists its learners by username."""
    city = make_unit("浙江省", "杭州市", "西湖区")
    office = make_unit("浙江省", "省委组织部")
    members = [
        make_user(username="m1", name="甲", unit_id=city),
        make_user(username="m2", name="乙", unit_id=office),
        make_user(username="m3", name="丙"),
    ]
    teacher = make_user(Role.INSTRUCTOR, username="t1", name="王老师")
    other = make_user(Role.INSTRUCTOR, username="t2", name="李老师")
    make_user(Role.ADMIN, username="boss")
    cohort_id = make_class(instructors=[other, teacher], members=members[::-1])
    for username, path in (
        ("t1", f"/classes/{cohort_id}"),
        ("boss", f"/admin/classes/{cohort_id}"),
    ):
        auth.login(username)
        page = client.get(path).get_data(as_text=True)
        assert "<td>浙江省 / 杭州市 / 西湖区</td>" in page, username
        assert "<td>浙江省 / 省委组织部</td>" in page, username
        assert re.search(r"<td>丙</td><td>m3</td><td></td>", page), username
        if username == "t1":
            assert "王老师, 李老师" in page
            assert "(3)" in page
            assert page.index("<td>m1</td>") < page.index("<td>m2</td>") < page.index("<td>m3</td>")
        auth.logout()
