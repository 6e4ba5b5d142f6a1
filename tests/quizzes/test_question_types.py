"""The question-type registry: a type defined here, in the tests only, goes through a quiz file, an
attempt, grading and item analysis; and numbers that cannot be read are flagged before hand-in."""

import re

import pytest
import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader

from courseware.accounts.models import Role
from courseware.db import db
from courseware.quizzes import analysis
from courseware.quizzes.models import _PARSED, Answer, Attempt, parsed_question, QuestionRecord
from courseware.quizzes.types import question_type, register, registered_names, unregister
from courseware.quizzes.types.base import Grade, int_or_none, QuestionType
from tests.conftest import Auth, csrf_token

JSON = {"Accept": "application/json"}
TOY_URL = "/quizzes/test-course/toy"

MACRO = """{% macro inputs(q, disabled=False) %}
{% set name = "a" ~ q.position %}
<label><input type="radio" name="{{ name }}" value="yes"> yes-toy</label>
<label><input type="radio" name="{{ name }}" value="no"> no-toy</label>
<input type="text" name="{{ name }}-n" value="">
{% endmacro %}"""


class YesNoNumber(QuestionType):
    """Yes or no, and how many: half the points each."""

    name = "yesno-number"
    label = "yes/no with a number"
    yaml_fields = frozenset({"answer", "number"})
    template = "tests/yesno-number.html"

    def read_yaml(self, reader, data, key, question):
        if not isinstance(data.get("answer"), bool):
            reader.problem(key + ("answer",), "answer must be true or false")
        number = reader.number(data.get("number"), key + ("number",), "number", whole=True)
        question.extra = {"answer": data.get("answer") is True, "number": number}

    def write_yaml(self, question):
        return dict(question.extra)

    def response_from_form(self, question, name, form):
        said = {"yes": True, "no": False}.get(form.get(name))
        return None if said is None else [said, int_or_none(form.get(f"{name}-n"))]

    def grade(self, question, response):
        said, number = response
        key = question.extra
        return Grade.of(0.5 * (said == key["answer"]) + 0.5 * (number == key["number"]))

    def distribution(self, question, responses):
        said = [r[0] for r in responses if isinstance(r, list)]
        key = question.extra["answer"]
        return [("yes", said.count(True), key), ("no", said.count(False), not key)]


TOY_QUIZ = """\
title: {zh: 玩具, en: Toy}
pass_mark: 50
questions:
  - id: toy
    type: yesno-number
    text: 有没有？有几个？
    answer: true
    number: 3
  - id: count
    type: numerical
    text: 参加的有多少人？
    answer: 689
    units: [个, 人]
"""


@pytest.fixture
def toy_type(app):
    """Register the toy type and its template macro; take both away afterwards."""
    kind = register(YesNoNumber())
    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({kind.template: MACRO}), loader])
    yield kind
    unregister(kind.name)
    app.jinja_env.loader = loader
    assert question_type(kind.name) is None


@pytest.fixture
def toy_course(app, lessons_dir, sync, tmp_path, toy_type):
    folder = tmp_path / "quizzes" / "test-course"
    folder.mkdir(parents=True)
    (folder / "toy.yaml").write_text(TOY_QUIZ, "utf-8")
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - lesson: second\n", "  - lesson: second\n  - quiz: toy\n"
        ),
        "utf-8",
    )
    report = sync()
    assert "quiz toy: added" in report.changes, report
    return folder


def start(client, url=TOY_URL):
    response = client.post(url + "/start", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302, response.status_code
    return int(re.search(r"/attempts/(\d+)$", response.location).group(1))


def save(client, attempt_id, sequence, answers):
    token = csrf_token(client, f"/quizzes/attempts/{attempt_id}")
    data = {"csrf_token": token, "sequence": str(sequence), **answers}
    return client.post(f"/quizzes/attempts/{attempt_id}/save", data=data, headers=JSON)


def test_the_built_in_types_are_registered_in_order():
    assert registered_names() == [
        "single",
        "multiple",
        "truefalse",
        "short",
        "numerical",
        "matching",
        "ordering",
        "fill",
        "essay",
        "description",
    ]
    with pytest.raises(ValueError):
        register(question_type("single"))


def test_a_type_from_outside_goes_through_file_attempt_grading_and_analysis(
    app, client, make_user, toy_course
):
    with app.app_context():
        record = db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == "toy"))
        assert record.type == "yesno-number"
        assert record.question.extra == {"answer": True, "number": 3}
    make_user(Role.LEARNER, username="toy-learner")
    assert Auth(client).login("toy-learner").status_code == 302
    attempt_id = start(client)
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert "yes-toy" in page and "有没有？有几个？" in page

    reply = save(client, attempt_id, 1, {"a0": "no", "a0-n": "3", "a1": "689个"})
    assert reply.status_code == 200 and reply.get_json()["problems"] == {}
    done = client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={
            "csrf_token": csrf_token(client, f"/quizzes/attempts/{attempt_id}"),
            "sequence": "2",
            "a0": "yes",
            "a0-n": "3",
            "a1": "六百八十九人",
        },
    )
    assert done.status_code == 302 and done.location.endswith("/result")
    with app.app_context():
        answers = db.session.scalars(
            sa.select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.position)
        ).all()
        assert answers[0].response == [True, 3] and answers[0].fraction == 1.0
        assert answers[1].response == "六百八十九人" and answers[1].state == "correct"
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.is_submitted and attempt.percent == 100.0
        stats = analysis.item_analysis([attempt])
        toy = next(item for item in stats if item.name == "toy")
        assert toy.type == "yesno-number" and toy.facility == 1.0
        assert toy.distribution == [("yes", 1, True), ("no", 0, False)]


@pytest.mark.parametrize(
    "locale, message",
    [
        ("zh_CN", "无法识别为数字"),
        ("en", "This cannot be read as a number"),
    ],
)
def test_text_that_is_no_number_is_flagged_in_the_page_language_and_kept(
    app, client, make_user, toy_course, locale, message
):
    make_user(Role.LEARNER, username="reader", locale=locale)
    assert Auth(client).login("reader").status_code == 302
    attempt_id = start(client)
    reply = save(client, attempt_id, 1, {"a1": "很多"})
    assert reply.status_code == 200
    assert message in reply.get_json()["problems"]["a1"]
    # The answer is kept as typed, and the page shows the flag beside the question on reload.
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert 'value="很多"' in page and message in page
    unit = save(client, attempt_id, 2, {"a1": "689只"}).get_json()["problems"]["a1"]
    assert "只" in unit and "个、人" in unit
    assert save(client, attempt_id, 3, {"a1": "689 个"}).get_json()["problems"] == {}
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert message not in page


def test_parsed_question_reads_a_version_missing_from_the_cache(app, toy_course):
    with app.app_context():
        content_hash = db.session.scalar(
            sa.select(QuestionRecord.content_hash).where(QuestionRecord.name == "count")
        )
        _PARSED.pop(content_hash, None)
        assert parsed_question(content_hash).units == ["个", "人"]
        with pytest.raises(LookupError):
            parsed_question("0" * 64)
