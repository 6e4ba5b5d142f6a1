"""API fixtures: tokens with chosen scopes, a client that sends them, and an organisation with
units, people, a class, completions, ledger lines, a quiz with graded attempts and certificates."""

import datetime as dt

import pytest
import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.api import tokens
from courseware.api.models import SCOPES
from courseware.certificates.models import Certificate
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment, CourseCompletion, CreditEntry
from courseware.quizzes.models import Attempt, Quiz, QuizVersion


@pytest.fixture
def make_token(app):
    """Issue a token with the given scopes (all by default) and return its secret."""

    def make(*scopes, name="干部信息系统"):
        with app.app_context():
            _token, raw = tokens.issue_token(name, list(scopes or SCOPES), None)
            db.session.commit()
            return raw

    return make


class Api:
    """Call /api/v1 with a bearer token."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **kwargs):
        return self.client.get("/api/v1" + path, headers=self.headers(), **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.client.post("/api/v1" + path, headers=self.headers(), json=json, **kwargs)


@pytest.fixture
def api(client, make_token):
    """A client carrying a token with every scope."""
    return Api(client, make_token())


@pytest.fixture
def organisation(app, make_unit, make_user, lessons_dir, sync):
    """浙江省 > 组织部 > 干部一处, and 浙江省 > 宣传部; four learners and an instructor; one class
    assigned the course; two completions (one with a certificate, later revoked), three ledger
    lines, and a quiz with a passed, a failed and an ungraded attempt."""
    sync()
    office = make_unit("浙江省", "组织部", "干部一处")
    dept = make_unit("浙江省", "组织部")
    publicity = make_unit("浙江省", "宣传部")
    province = make_unit("浙江省")
    people = {
        "a": make_user(
            username="a", name="甲", unit_id=office, phone="13800000001", position="科员"
        ),
        "b": make_user(username="b", name="乙", unit_id=office),
        "c": make_user(username="c", name="丙", unit_id=dept),
        "d": make_user(username="d", name="丁", unit_id=publicity),
        "t": make_user(Role.INSTRUCTOR, username="t", name="师"),
    }
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        cohort = Cohort(
            name="2026 春季班", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 6, 30)
        )
        cohort.members.extend(db.session.get(User, people[k]) for k in "abcd")
        cohort.instructors.append(db.session.get(User, people["t"]))
        db.session.add(cohort)
        db.session.flush()
        db.session.add(
            CourseAssignment(
                cohort_id=cohort.id,
                course_id=course.id,
                starts_on=dt.date(2026, 1, 1),
                due_on=dt.date(2026, 3, 1),
            )
        )
        completions = {}
        for key, when, score in [
            ("a", dt.datetime(2026, 2, 10, 8, 30), 90.0),
            ("c", dt.datetime(2026, 5, 3), None),
        ]:
            completion = CourseCompletion(
                user_id=people[key], course_id=course.id, completed_at=when, rule={}, score=score
            )
            db.session.add(completion)
            db.session.flush()
            completions[key] = completion.id
            db.session.add(
                CreditEntry(
                    user_id=people[key],
                    hours=2.0,
                    earned_on=when.date(),
                    kind="course",
                    completion_id=completion.id,
                    course_id=course.id,
                )
            )
        db.session.add(
            CreditEntry(
                user_id=people["b"],
                hours=5.0,
                earned_on=dt.date(2026, 4, 1),
                kind="external",
                note="党校",
            )
        )
        db.session.add(
            Certificate(
                user_id=people["a"],
                course_id=course.id,
                completion_id=completions["a"],
                code="ABCDEFGHJK23",
                name="甲",
                unit="浙江省 / 组织部 / 干部一处",
                course_title=dict(course.title),
                credit_hours=2.0,
                issued_at=dt.datetime(2026, 2, 10, 8, 30),
            )
        )
        db.session.add(
            Certificate(
                user_id=people["c"],
                course_id=course.id,
                completion_id=completions["c"],
                code="MNPQRSTUVW45",
                name="丙",
                unit="浙江省 / 组织部",
                course_title=dict(course.title),
                credit_hours=2.0,
                issued_at=dt.datetime(2026, 5, 3),
                revoked_at=dt.datetime(2026, 6, 1),
                revoked_reason="录入错误",
            )
        )
        quiz = Quiz(
            course_id=course.id,
            slug="final",
            title={"zh": "结业测验", "en": "Final quiz"},
            description={"zh": ""},
            settings={"pass_mark": 60},
            slots=[],
            content_hash="x",
        )
        db.session.add(quiz)
        db.session.flush()
        version = QuizVersion(
            quiz_id=quiz.id,
            number=1,
            status="published",
            source="file",
            title=quiz.title,
            description=quiz.description,
            settings=quiz.settings,
            slots=quiz.slots,
            content_hash="x",
        )
        db.session.add(version)
        db.session.flush()
        quiz.version_id = version.id
        start = dt.datetime(2026, 2, 9, 9, 0)
        for number, (key, score, passed) in enumerate(
            [("a", 8.0, True), ("b", 3.0, False), ("c", None, None)], 1
        ):
            db.session.add(
                Attempt(
                    quiz_id=quiz.id,
                    quiz_version_id=version.id,
                    user_id=people[key],
                    number=number,
                    seed=number,
                    status="submitted",
                    started_at=start,
                    submitted_at=start + dt.timedelta(minutes=number * 10),
                    score=score,
                    max_score=10.0,
                    passed=passed,
                )
            )
        db.session.commit()
        ids = {"course": course.id, "class": cohort.id, "quiz": quiz.id, "completions": completions}
    units = {"office": office, "dept": dept, "publicity": publicity, "province": province}
    return {"units": units, "people": people, **ids}
