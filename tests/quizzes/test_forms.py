"""Bad input on the instructors' quiz forms is answered beside its field, in the page's language,
with what was typed kept; nothing is stored and nothing fails."""

import io
import re

import pytest
import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.db import db
from courseware.quizzes.models import Answer, QuestionRecord, Quiz, QuizOverride
from tests.conftest import Auth, csrf_token
from tests.quizzes.conftest import RIGHT
from tests.quizzes.test_attempts import learner, start
from tests.quizzes.test_bank import GOOD_GIFT


def instructor(app, make_user, locale) -> Auth:
    """An instructor teaching a class of every learner so far: instructors see their own only."""
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher", locale=locale)
    with app.app_context():
        cohort = Cohort(name="测验班")
        cohort.instructors.append(db.session.get(User, teacher_id))
        cohort.members.extend(db.session.scalars(sa.select(User).where(User.role == Role.LEARNER)))
        db.session.add(cohort)
        db.session.commit()
    client = app.test_client()
    assert Auth(client).login("teacher").status_code == 302
    return Auth(client)


def quiz_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Quiz.id))


@pytest.mark.parametrize(
    ("locale", "points", "message"),
    [
        ("zh", "", "分数应为 0 到"),
        ("en", "2", "Points must be a number from 0 to 1."),
        ("en", "-0.5", "Points must be a number from 0 to 1."),
        ("zh", "满分", "分数应为 0 到"),
    ],
)
def test_a_bad_grade_is_refused_beside_the_box_and_kept(
    app, client, auth, make_user, quiz_course, locale, points, message
):
    learner(make_user, auth)
    attempt_id = start(auth)
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, "/"), "sequence": "1", **RIGHT},
    )
    teacher = instructor(app, make_user, locale)
    queue = teacher.client.get("/teach/quizzes/grading").get_data(as_text=True)
    answer_id = int(re.search(r"/teach/quizzes/answers/(\d+)", queue).group(1))
    refused = teacher.post(
        f"/teach/quizzes/answers/{answer_id}", data={"points": points, "comment": "再想想"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200  # the page again, as it always answered a bad grade
    assert message in page and 'id="points-error"' in page
    assert re.search(rf'<input[^>]*name="points"[^>]*value="{re.escape(points)}"', page)
    assert "再想想</textarea>" in page
    with app.app_context():
        assert db.session.get(Answer, answer_id).graded_by_id is None


def test_the_grade_form_shows_the_points_given(app, client, auth, make_user, quiz_course):
    learner(make_user, auth)
    attempt_id = start(auth)
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, "/"), "sequence": "1", **RIGHT},
    )
    teacher = instructor(app, make_user, "zh")
    queue = teacher.client.get("/teach/quizzes/grading").get_data(as_text=True)
    answer_id = int(re.search(r"/teach/quizzes/answers/(\d+)", queue).group(1))
    saved = teacher.post(
        f"/teach/quizzes/answers/{answer_id}", data={"points": "0,5", "comment": "好"}
    )
    assert saved.status_code == 302
    page = teacher.client.get(f"/teach/quizzes/answers/{answer_id}").get_data(as_text=True)
    assert (
        re.search(r'<input[^>]*name="points"[^>]*value="0.5"', page) and "\n好</textarea>" in page
    )


@pytest.mark.parametrize(
    ("locale", "data", "field", "message"),
    [
        ("zh", {"extra_minutes": "10"}, "username", "没有用户名为 — 的账号"),
        ("en", {"username": "nobody"}, "username", "No account with the username nobody."),
        (
            "en",
            {"username": "learner-a", "extra_minutes": "601"},
            "extra_minutes",
            "Extra time must be 0–600 minutes and extra attempts 0–20.",
        ),
        ("zh", {"username": "learner-a", "extra_attempts": "一次"}, "extra_attempts", "0–20"),
    ],
)
def test_a_bad_override_is_refused_beside_its_field(
    app, auth, make_user, quiz_course, locale, data, field, message
):
    learner(make_user, auth)
    teacher = instructor(app, make_user, locale)
    refused = teacher.post(f"/teach/quizzes/{quiz_id(app)}/overrides", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert message in page and f'id="{field}-error"' in page
    for name, typed in data.items():
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(typed)}"', page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizOverride)) == 0


@pytest.mark.parametrize(
    ("locale", "course", "message"),
    [("zh", "999", "请选择接收试题的课程"), ("en", "", "Choose the course that receives")],
)
def test_an_import_without_a_course_or_a_file_is_refused(
    app, make_user, quiz_course, locale, course, message
):
    teacher = instructor(app, make_user, locale)
    refused = teacher.post(
        "/teach/quizzes/import",
        data={"course": course, "file": (io.BytesIO(GOOD_GIFT.encode()), "good.gift")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    no_file = teacher.post("/teach/quizzes/import", data={"course": course})
    assert no_file.status_code == 400
    assert (
        "请选择 .gift 或 .yaml 文件" if locale == "zh" else "Choose a .gift or .yaml file."
    ) in no_file.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(QuestionRecord).where(QuestionRecord.name == "three-speaks")
            )
            is None
        )


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("zh", "没有这样的答案列表"),
        ("en", "There is no such list of answers; here are the essays."),
    ],
)
def test_an_unknown_grading_queue_or_export_part_is_named(
    app, make_user, quiz_course, locale, message
):
    teacher = instructor(app, make_user, locale)
    queue = teacher.client.get("/teach/quizzes/grading?show=everything")
    assert queue.status_code == 400 and message in queue.get_data(as_text=True)
    assert teacher.client.get("/teach/quizzes/grading?show=short").status_code == 200
    part = teacher.client.get(f"/teach/quizzes/{quiz_id(app)}/export.csv?part=secrets")
    assert part.status_code == 400
    items = teacher.client.get(f"/teach/quizzes/{quiz_id(app)}/export.csv?part=items")
    assert items.status_code == 200
