"""`content sync` keeps a category name edited in the browser and reports it, unless the files
are to be taken."""

import sqlalchemy as sa

from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes import categories
from courseware.quizzes.models import QuestionCategory
from tests.quizzes.test_bank_editor import NAMED_BANK

RENAMED_IN_FILES = NAMED_BANK.replace("第一课题库", "第一课文件题库")


def name_of(app) -> dict:
    with app.app_context():
        return db.session.scalar(
            sa.select(QuestionCategory.name).where(QuestionCategory.path == "lesson-one")
        )


def rename_in_browser(app, zh):
    with app.app_context():
        course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == "test-course"))
        categories.rename(course_id, "lesson-one", {"zh": zh, "en": "Renamed"})
        db.session.commit()


def test_a_browser_name_is_kept_and_reported_unless_the_files_are_taken(app, quiz_course, sync):
    banks = quiz_course / "banks"
    banks.mkdir()
    (banks / "lesson-one.yaml").write_text(NAMED_BANK, "utf-8")
    assert "category lesson-one: named" in sync().changes
    # A rename in the browser alone survives a sync of unchanged files, with nothing to report.
    rename_in_browser(app, "浏览器改的名")
    quiet = sync()
    assert name_of(app)["zh"] == "浏览器改的名"
    assert not [c for c in quiet.conflicts if "category" in c]
    # The files name it otherwise: the browser's name is kept and the conflict named.
    (banks / "lesson-one.yaml").write_text(RENAMED_IN_FILES, "utf-8")
    report = sync()
    assert name_of(app)["zh"] == "浏览器改的名"
    assert any(
        c.startswith("category lesson-one: renamed in the browser") and "--take-files" in c
        for c in report.conflicts
    ), report.conflicts
    assert "category lesson-one: renamed" not in report.changes
    # --take-files: the files' name wins, and a later sync is quiet.
    taken = sync(take_files=True)
    assert "category lesson-one: renamed" in taken.changes
    assert name_of(app) == {"zh": "第一课文件题库", "en": "Lesson one bank"}
    again = sync()
    assert (
        not [c for c in again.conflicts if "category" in c]
        and name_of(app)["zh"] == "第一课文件题库"
    )


def test_a_name_changed_only_in_the_files_is_taken(app, quiz_course, sync):
    banks = quiz_course / "banks"
    banks.mkdir()
    (banks / "lesson-one.yaml").write_text(NAMED_BANK, "utf-8")
    sync()
    (banks / "lesson-one.yaml").write_text(RENAMED_IN_FILES, "utf-8")
    report = sync()
    assert "category lesson-one: renamed" in report.changes and not report.conflicts
    assert name_of(app)["zh"] == "第一课文件题库"


def test_a_category_named_only_in_the_browser_is_not_overwritten(app, quiz_course, sync):
    banks = quiz_course / "banks"
    banks.mkdir()
    (banks / "lesson-one.yaml").write_text(
        NAMED_BANK.replace("name: {zh: 第一课题库, en: Lesson one bank}\n", ""), "utf-8"
    )
    sync()
    rename_in_browser(app, "浏览器起的名")
    (banks / "lesson-one.yaml").write_text(NAMED_BANK, "utf-8")
    report = sync()
    assert name_of(app)["zh"] == "浏览器起的名"
    assert any(c.startswith("category lesson-one:") for c in report.conflicts)
