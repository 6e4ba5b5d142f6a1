"""Words on the quiz pages: a pass reads "及格" where a value is meant and "是否及格" only as the
column's question; the instructors' list names its count as a count."""

import re

import sqlalchemy as sa

from courseware.accounts.models import Role
from courseware.db import db
from courseware.quizzes.models import Quiz
from tests.conftest import Auth, csrf_token
from tests.quizzes.conftest import RIGHT
from tests.quizzes.test_attempts import learner, start


def hand_in_passing(client, auth):
    """Hand in every answer right but the essay, which is left blank: passed, nothing to grade."""
    answers = {key: value for key, value in RIGHT.items() if key != "a8"}
    attempt_id = start(auth)
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, "/"), "sequence": "1", **answers},
    )


def test_a_pass_reads_as_a_value_and_the_column_asks_the_question(
    app, client, auth, make_user, make_class, quiz_course
):
    learner_id = learner(make_user, auth)
    hand_in_passing(client, auth)
    mine = client.get("/my-learning").get_data(as_text=True)
    assert "<td>及格</td>" in mine and "是否及格" not in mine
    quiz = client.get("/quizzes/test-course/check").get_data(as_text=True)
    assert '<td data-label="结果">及格</td>' in quiz and "是否及格" not in quiz

    teacher = app.test_client()
    make_class([make_user(Role.INSTRUCTOR, username="teacher")], [learner_id])
    assert Auth(teacher).login("teacher").status_code == 302
    with app.app_context():
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    overview = teacher.get(f"/teach/quizzes/{quiz_id}").get_data(as_text=True)
    assert "<td>及格</td>" in overview and "是否及格" not in overview
    header = teacher.get(f"/teach/quizzes/{quiz_id}/export.csv").get_data(as_text=True)
    assert header.lstrip("\ufeff").splitlines()[0].endswith(",是否及格")


def test_the_instructors_quiz_list_heads_its_count_as_a_count(
    app, client, auth, make_user, make_class, quiz_course
):
    learner_id = learner(make_user, auth)
    hand_in_passing(client, auth)
    teacher = app.test_client()
    make_class([make_user(Role.INSTRUCTOR, username="teacher")], [learner_id])
    assert Auth(teacher).login("teacher").status_code == 302
    page = teacher.get("/teach/quizzes/").get_data(as_text=True)
    assert '<th scope="col">交卷人次</th>' in page and "交卷时间" not in page
    assert '<td data-label="交卷人次">1</td>' in page


def test_the_learners_attempts_read_as_cards_on_a_phone(app, client, auth, make_user, quiz_course):
    """Each value carries its column's name, so the narrow screen shows it whole, not cut off."""
    learner(make_user, auth)
    hand_in_passing(client, auth)
    page = client.get("/quizzes/test-course/check").get_data(as_text=True)
    assert '<table class="stack-on-phone">' in page
    row = page.split("<tbody>")[1].split("</tr>")[0]
    labels = re.findall(r'<td data-label="([^"]+)">', row)
    assert labels == ["作答", "交卷时间", "得分", "结果"]
