"""The quiz builder keeps a quiz's order: a file that mixes fixed questions and draws is saved
from the browser in its own order; ↑ and ↓ move ticked questions and draws (posting the form
back reordered when the page has no script, saving nothing); the question search answers without
reloading the form, in the page's language."""

import re

import pytest
import sqlalchemy as sa

from courseware.db import db
from courseware.quizzes.models import Quiz, QuizVersion
from tests.conftest import csrf_token
from tests.quizzes.builder_fixtures import bank, BASICS, editor, quiz_form  # noqa: F401

EDIT = "/author/test-course/quizzes/mixed/edit"
MIXED_YAML = """\
title: {zh: 混合小测, en: Mixed}
pass_mark: 50
questions:
  - question: b-two
  - draw: 1
    from: practice
  - question: b-one
"""


@pytest.fixture
def mixed(app, bank, lessons_dir, sync):  # noqa: F811
    """A quiz file that puts a draw between two fixed questions, synced."""
    (bank / "mixed.yaml").write_text(MIXED_YAML, "utf-8")
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - quiz: check\n", "  - quiz: check\n  - quiz: mixed\n"
        ),
        "utf-8",
    )
    assert "quiz mixed: added" in sync().changes
    return bank


def slots(app, slug="mixed"):
    with app.app_context():
        return db.session.scalar(sa.select(Quiz).where(Quiz.slug == slug)).slots


def version_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(QuizVersion.id)))


def post(auth, path, data):
    data = dict(data, csrf_token=csrf_token(auth.client, "/"))
    return auth.client.post(path, data=data)


def ticked_order(page: str) -> list[str]:
    return re.findall(r'name="questions" value="([^"]+)" checked', page)


def test_a_file_quiz_saved_from_the_browser_keeps_its_order(app, editor, mixed):  # noqa: F811
    before = slots(app)
    assert before == [
        {"question": "b-two"},
        {"draw": 1, "category": "practice"},
        {"question": "b-one"},
    ]
    page = editor.client.get(EDIT).get_data(as_text=True)
    # The ticked questions come first, in the quiz's order; the form remembers the mix.
    assert ticked_order(page) == ["b-two", "b-one"]
    layout = re.search(r'id="layout" name="layout" type="hidden" value="([a-z]*)"', page).group(1)
    assert layout == "qdq"
    base = re.search(
        r'id="base_version_id" name="base_version_id" type="hidden" value="(\d+)"', page
    )
    form = quiz_form(
        title_zh="混合小测",
        title_en="Mixed",
        description_zh="",
        questions=["b-two", "b-one"],
        **{"draws-0-category": "practice", "draws-0-count": "1", "draws-1-category": ""},
        **{"draws-1-count": "", "layout": layout, "base_version_id": base.group(1)},
    )
    form["pass_mark"] = "50"
    form["save"] = "1"
    saved = post(editor, EDIT, form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "mixed"))
        newest = db.session.scalar(
            sa.select(QuizVersion)
            .where(QuizVersion.quiz_id == quiz.id)
            .order_by(QuizVersion.number.desc())
            .limit(1)
        )
        assert newest.slots == before


def test_the_arrows_move_ticked_questions_and_draws_without_saving(app, editor, mixed):  # noqa: F811
    count = version_count(app)
    form = quiz_form(
        questions=["b-two", "pick-one", "b-one"],
        layout="qqqdd",
        move="q:b-one:up",
        base_version_id="",
    )
    moved = post(editor, EDIT, form)
    page = moved.get_data(as_text=True)
    assert moved.status_code == 200
    assert ticked_order(page) == ["b-two", "b-one", "pick-one"]
    # The moved question's ↑ has the focus, so the next key press moves it again.
    assert re.search(r'value="q:b-one:up"[^>]*autofocus', page)
    # The first ticked question cannot go up, the last cannot go down.
    assert re.search(r'value="q:b-two:up"[^>]*disabled', page)
    assert re.search(r'value="q:pick-one:down"[^>]*disabled', page)
    # What was typed stays.
    assert 'value="浏览器小测"' in page
    # A draw changes places with its neighbour; the rows keep their labels.
    moved = post(editor, EDIT, dict(form, move="d:0:down"))
    page = moved.get_data(as_text=True)
    first = re.search(r'<select[^>]*id="draws-0-category"[^>]*>(.*?)</select>', page, re.S)
    assert re.search(r'<option selected value="practice">', first.group(1))
    assert re.search(r'<input[^>]*id="draws-0-count"[^>]*value="1"', page)
    assert re.search(r'<input[^>]*id="draws-1-count"[^>]*value="2"', page)
    assert re.search(r'value="d:1:down"[^>]*autofocus', page)
    # Nothing was saved by either move; nothing out of place moves.
    assert version_count(app) == count
    assert post(editor, EDIT, dict(form, move="q:b-two:up")).status_code == 200
    assert post(editor, EDIT, dict(form, move="d:2:down")).status_code == 200
    assert version_count(app) == count


def test_a_new_quiz_keeps_the_order_its_author_gave(app, editor):  # noqa: F811
    new = "/author/test-course/quizzes/new"
    form = quiz_form(slug="ordered", questions=["b-three", "pick-one"], position="end")
    moved = post(editor, new, dict(form, move="q:pick-one:up"))
    assert ticked_order(moved.get_data(as_text=True)) == ["pick-one", "b-three"]
    assert post(editor, new, dict(form, questions=["pick-one", "b-three"])).status_code == 302
    assert [s.get("question") for s in slots(app, "ordered")][:2] == ["pick-one", "b-three"]


@pytest.mark.parametrize(
    ("language", "one", "every"),
    [
        ("zh-CN", "找到 1 道题。", "已显示题库中的全部题目。"),
        ("en", "1 question matches.", "Every question of the bank is shown."),
    ],
)
def test_the_question_search_answers_without_reloading_the_form(
    editor,
    language,
    one,
    every,  # noqa: F811
):
    find = "/author/test-course/quizzes/questions"
    headers = {"Accept-Language": language}
    found = editor.client.get(find, query_string={"q": "谣言"}, headers=headers).get_json()
    assert found == {"names": ["p-one"], "status": one}
    by_category = editor.client.get(find, query_string={"q": "基础"}, headers=headers).get_json()
    assert set(by_category["names"]) == {"b-one", "b-two", "b-three"}
    assert "3" in by_category["status"]
    everything = editor.client.get(find, headers=headers).get_json()
    assert everything["status"] == every and "p-two" in everything["names"]
    # The builder's page points its search at it, and still has the plain search without script.
    page = editor.client.get("/author/test-course/quizzes/new").get_data(as_text=True)
    assert f'data-find-url="{find}"' in page and 'id="search-form" method="get"' in page
    assert BASICS not in everything["status"]
