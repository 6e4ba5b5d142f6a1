"""The bank's filters and category names in the browser: lessons are listed by their titles in
the page's language, and a category (any level of the tree) is named in Chinese and English,
audited, with bad input named at its field in both languages and nothing changed."""

import json

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent
from courseware.db import db
from courseware.quizzes.models import QuestionCategory, Quiz
from tests.conftest import csrf_token
from tests.courses.conftest import signed_in
from tests.quizzes.test_bank_editor import BANK, bank_course, visible  # noqa: F401

GOV = "$course$/top/政务微博"


@pytest.fixture
def editors(app, bank_course, sync, make_user):  # noqa: F811
    """The bank synced, its quiz tied to the first lesson; an editor in each language."""
    sync()
    with app.app_context():
        db.session.scalar(sa.select(Quiz)).lesson_slug = "first"
        db.session.commit()
    return {
        "zh": signed_in(app, make_user, "t1", locale="zh"),
        "en": signed_in(app, make_user, "t2", locale="en"),
    }


def name_it(auth, key, zh="", en=""):
    return auth.client.post(
        f"{BANK}/category",
        data={
            "csrf_token": csrf_token(auth.client, BANK),
            "key": key,
            "name_zh": zh,
            "name_en": en,
        },
    )


def stored_names(app) -> dict:
    with app.app_context():
        return dict(
            db.session.execute(sa.select(QuestionCategory.path, QuestionCategory.name)).all()
        )


@pytest.mark.parametrize(("locale", "title"), [("zh", "第一课"), ("en", "Lesson one")])
def test_the_lesson_filter_lists_lessons_by_title_in_the_pages_language(editors, locale, title):
    page = editors[locale].client.get(BANK).get_data(as_text=True)
    assert f'<option value="first">{title}</option>' in page
    assert '<option value="first">first</option>' not in page
    # The filter still works by the lesson's slug.
    found = editors[locale].client.get(BANK, query_string={"lesson": "first"})
    assert found.status_code == 200 and "pick-one" in found.get_data(as_text=True)


def test_a_category_is_named_in_both_languages_and_audited(app, editors):
    shown = editors["zh"].client.get(BANK, query_string={"category": GOV}).get_data(as_text=True)
    assert "为该分类命名" in shown and 'name="name_zh"' in shown
    answer = name_it(editors["zh"], GOV, "政务微博题", "Government microblogs")
    assert answer.status_code == 302 and "category=" in answer.location
    assert stored_names(app)[GOV] == {"zh": "政务微博题", "en": "Government microblogs"}
    assert "分类已改名为“政务微博题”" in editors["zh"].client.get(answer.location).get_data(
        as_text=True
    )
    zh_tree = visible(editors["zh"].client.get(BANK).get_data(as_text=True))
    en_tree = visible(editors["en"].client.get(BANK).get_data(as_text=True))
    assert "政务微博题" in zh_tree and "Government microblogs" in en_tree
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "bank.category.name")
        )
        assert event.target == "course:test-course"
        assert json.loads(event.detail) == {
            "category": GOV,
            "before": None,
            "after": {"zh": "政务微博题", "en": "Government microblogs"},
        }
    # Both names emptied: the category is shown by its key's part again, and its row goes.
    answer = name_it(editors["en"], GOV)
    assert answer.status_code == 302 and GOV not in stored_names(app)
    page = editors["en"].client.get(answer.location).get_data(as_text=True)
    assert "The category has no name now" in page
    assert "Government microblogs" not in visible(page)


def test_a_bank_files_name_is_changed_in_the_browser(app, editors):
    assert stored_names(app)["lesson-one"] == {"zh": "第一课题库", "en": "Lesson one bank"}
    assert name_it(editors["en"], "lesson-one", "第一课", "Lesson one").status_code == 302
    assert stored_names(app)["lesson-one"] == {"zh": "第一课", "en": "Lesson one"}
    # Quizzes still draw by the key: the questions keep their category.
    page = editors["zh"].client.get(BANK, query_string={"category": "lesson-one"})
    assert "b-one" in page.get_data(as_text=True)
    # The quiz builder offers the category for a draw by its new name.
    builder = editors["en"].client.get("/author/test-course/quizzes/new").get_data(as_text=True)
    assert '<option value="lesson-one">Lesson one (1)</option>' in builder
    assert name_it(editors["zh"], GOV, "政务微博题").status_code == 302
    builder = editors["zh"].client.get("/author/test-course/quizzes/new").get_data(as_text=True)
    assert "政务微博题 › 基础 (" in builder


@pytest.mark.parametrize(
    ("locale", "key", "zh", "message"),
    [
        ("zh", GOV, "名" * 101, "最多 100 个字符。"),
        ("en", GOV, "名" * 101, "At most 100 characters."),
        ("zh", "no/such", "名称", "题库中没有这个分类，请在分类树中选择。"),
        ("en", "no/such", "名称", "This bank has no such category; choose one in the tree."),
    ],
)
def test_bad_names_are_refused_at_their_field_in_both_languages(
    app, editors, locale, key, zh, message
):
    before = stored_names(app)
    answer = name_it(editors[locale], key, zh, "x")
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert stored_names(app) == before
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(AuditEvent).where(AuditEvent.action == "bank.category.name")
            )
            is None
        )
