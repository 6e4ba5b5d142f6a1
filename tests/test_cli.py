"""The command-line tools: user create and demo."""

import sqlalchemy as sa

from courseware.accounts.models import Cohort, User
from courseware.courses.models import Course
from courseware.db import db


def test_user_create_with_password_from_the_environment(app, runner, make_unit):
    make_unit("浙江省", "省委党校")
    result = runner.invoke(
        args=[
            "user",
            "create",
            "Teacher9",
            "--role",
            "instructor",
            "--name",
            "钱老师",
            "--unit",
            "省委党校",
        ],
        env={"COURSEWARE_PASSWORD": "long-enough-pw"},
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "teacher9"))
        assert user.role == "instructor" and user.name == "钱老师"
        assert user.unit.path() == "浙江省 / 省委党校"
        assert user.check_password("long-enough-pw") and not user.must_change_password


def test_user_create_refuses_a_short_password_and_an_unknown_unit(app, runner):
    short = runner.invoke(args=["user", "create", "a"], env={"COURSEWARE_PASSWORD": "short"})
    assert short.exit_code != 0
    unknown = runner.invoke(
        args=["user", "create", "b", "--unit", "不存在"],
        env={"COURSEWARE_PASSWORD": "long-enough-pw"},
    )
    assert unknown.exit_code != 0 and "不存在" in unknown.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_demo_only_fills_an_empty_database(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0
    assert "admin" in first.output and "courseware-demo" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 33
        cohort = db.session.scalar(sa.select(Cohort))
        assert len(cohort.members) == 30 and len(cohort.instructors) == 2
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        assert admin.is_demo and admin.check_password("courseware-demo")


def test_the_demo_instructors_edit_the_loaded_courses(app, runner, lessons_dir, sync):
    sync()
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        assert sorted(u.username for u in course.editors) == ["teacher1", "teacher2"]
