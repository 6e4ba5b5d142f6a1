"""The question bank in the browser: browsing by category, the form of every type with its
problems named in both languages, saving over a newer version refused, duplicate and archive,
and a changed answer key regrading the answers already handed in."""

import re

import pytest
import sqlalchemy as sa

from courseware.db import db
from courseware.quizzes.models import QuestionRecord
from tests.courses.conftest import signed_in

BANK = "/author/test-course/bank"
GIFT_BANK = """\
$CATEGORY: $course$/top/政务微博/基础

::g-one::政务微博应当“早讲话”吗？{T}

::g-two::哪一项是“三讲”之一？{=讲实话 ~少讲话 ~不讲话}
"""
NAMED_BANK = """\
category: lesson-one
name: {zh: 第一课题库, en: Lesson one bank}
questions:
  - id: b-one
    type: single
    text: {zh: 第一课讲了什么？, en: "What did lesson one say?"}
    options:
      - {text: 导语, correct: true}
      - {text: 别的}
"""


@pytest.fixture
def bank_course(app, quiz_course, make_user):
    """The test course with quiz `check`, a GIFT bank with a Moodle category path and a named
    YAML bank, synced; an instructor who edits it signed in (in Chinese)."""
    banks = quiz_course / "banks"
    banks.mkdir()
    (banks / "moodle.gift").write_text(GIFT_BANK, "utf-8")
    (banks / "lesson-one.yaml").write_text(NAMED_BANK, "utf-8")
    return quiz_course


@pytest.fixture
def editor_zh(app, bank_course, sync, make_user):
    sync()
    return signed_in(app, make_user, "t1", locale="zh")


@pytest.fixture
def editor_en(app, bank_course, sync, make_user):
    sync()
    return signed_in(app, make_user, "t2", locale="en")


def record(app, name):
    with app.app_context():
        return db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == name))


def visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, no attributes."""
    return re.sub(r"<[^>]*>", " ", page)


def form_of(page: str) -> dict:
    """The question form's fields as the page fills them in."""
    form = dict(
        re.findall(r'<input type="(?:text|hidden)"[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page)
    )
    for name, value in re.findall(
        r'id="f-[^"]+" name="([^"]+)"[^>]*?>(.*?)</textarea>', page, re.S
    ):
        form[name] = value
    for name, value in re.findall(
        r'<input type="(?:text|hidden)" id="f-[^"]+" name="([^"]+)"[^>]*?value="([^"]*)"', page
    ):
        form[name] = value
    chosen = re.search(r'name="category"[^>]*>.*?<option value="([^"]*)" selected', page, re.S)
    form["category"] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'type="radio" name="([^"]+)" value="([^"]+)" checked', page):
        form[name] = value
    return {k: v.replace("&#34;", '"').replace("&amp;", "&") for k, v in form.items()}


def test_the_bank_shows_categories_by_name_never_the_raw_path(editor_zh):
    page = visible(editor_zh.client.get(BANK).get_data(as_text=True))
    assert "政务微博" in page and "基础" in page
    assert "$course$" not in page and "top/" not in page
    assert "第一课题库" in page
    # A node of the tree filters the list to its questions.
    found = editor_zh.client.get(BANK, query_string={"category": "$course$/top/政务微博"})
    text = found.get_data(as_text=True)
    assert "g-one" in text and "g-two" in text and "b-one" not in text


def test_the_bank_names_categories_in_english_for_an_english_page(editor_en):
    page = editor_en.client.get(BANK).get_data(as_text=True)
    assert "Lesson one bank" in page and "第一课题库" not in page


def test_search_and_filters(editor_zh):
    def names(**query):
        page = editor_zh.client.get(BANK, query_string=query).get_data(as_text=True)
        return set(re.findall(r"<code>([a-z0-9-]+)</code>", page))

    assert names(q="三讲") == {"g-two"}
    assert names(q="what did lesson one") == {"b-one"}
    assert names(type="truefalse") >= {"g-one", "yes-no"}
    assert "pick-one" not in names(type="truefalse")
    bad = editor_zh.client.get(BANK, query_string={"type": "nonsense"})
    assert bad.status_code == 200 and "没有这种题型" in bad.get_data(as_text=True)


def test_a_question_page_shows_the_answer_key_uses_and_stats(app, editor_zh, make_user):
    pick = record(app, "pick-one")
    page = editor_zh.client.get(f"{BANK}/{pick.id}").get_data(as_text=True)
    assert "对的" in page and "100%" in page and "不对。" in page  # option, weight, feedback
    assert "见第一课。" in page  # general feedback
    assert "小测" in page  # quiz `check` shows it
    assert "还没有学员作答" in page


def test_other_courses_editors_get_nothing(app, bank_course, sync, make_user):
    sync()
    outsider = signed_in(app, make_user, "t9", edits=False)
    pick = record(app, "pick-one")
    assert outsider.client.get(BANK).status_code == 404
    assert outsider.client.get(f"{BANK}/{pick.id}/edit").status_code == 404
