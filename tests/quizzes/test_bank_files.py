"""Questions edited in the browser go to the files: `content export` writes the banks from the
database, an export synced into an empty database exports to the same bytes, and a sync keeps
(and reports) what the browser changed since the files were last read."""

import shutil
from pathlib import Path

import sqlalchemy as sa

from courseware.db import db
from courseware.quizzes.models import QuestionRecord
from tests.courses.conftest import signed_in
from tests.lessons.test_export import empty_database, export, same_bytes, tree
from tests.quizzes.test_bank_editor import BANK, form_of, GIFT_BANK, NAMED_BANK, record

SHIPPED = Path(__file__).resolve().parents[2] / "quizzes" / "microblogging-and-leadership"


def edit_text(client, app, name, zh):
    """Change a question's Chinese text in the browser's form."""
    question = record(app, name)
    form = form_of(client.get(f"{BANK}/{question.id}/edit").get_data(as_text=True))
    form["text-zh"] = zh
    assert client.post(f"{BANK}/{question.id}/edit", data=form).status_code == 302


def test_an_edited_bank_round_trips_through_its_files(
    app, backend, runner, quiz_course, sync, make_user, tmp_path
):
    banks = quiz_course / "banks"
    banks.mkdir()
    (banks / "moodle.gift").write_text(GIFT_BANK, "utf-8")
    (banks / "lesson-one.yaml").write_text(NAMED_BANK, "utf-8")
    sync()
    teacher = signed_in(app, make_user)
    edit_text(teacher.client, app, "b-one", "第一课的导语讲了什么？")
    # An export with no edit to a bank leaves its file as it was (GIFT, comments and all).
    untouched = tmp_path / "untouched"
    export(runner, "test-course", untouched)
    exported = untouched / "quizzes" / "test-course"
    assert (exported / "banks" / "moodle.gift").read_text("utf-8") == GIFT_BANK
    written = (exported / "banks" / "lesson-one.yaml").read_text("utf-8")
    assert "第一课的导语讲了什么？" in written and "name:" in written and "第一课题库" in written
    # A question written in the browser in a new category gets a bank file of its own.
    client = teacher.client
    from tests.quizzes.test_bank_editor import new_form

    data = new_form(
        client, "short", id="new-short", **{"text-zh": "三讲之三？", "answers-0-text-zh": "讲实话"}
    )
    data["category_new"] = "新分类/浏览器"
    assert client.post(f"{BANK}/new?type=short", data=data).status_code == 302
    first = tmp_path / "first"
    export(runner, "test-course", first)
    files = tree(first / "quizzes" / "test-course")
    assert "check.yaml" in files and "banks/moodle.gift" in files
    made = [f for f in files if f.startswith("banks/bank-")]
    assert len(made) == 1
    assert "三讲之三？" in (first / "quizzes" / "test-course" / made[0]).read_text("utf-8")
    # Into an empty database from those files alone, and out again: the same bytes.
    fresh = empty_database(app, backend, tmp_path)
    fresh.config.update(
        LESSONS_DIR=str(first / "lessons"),
        QUIZZES_DIR=str(first / "quizzes"),
        EXERCISES_DIR=str(first / "exercises"),
    )
    synced = fresh.test_cli_runner().invoke(args=["content", "sync"])
    assert synced.exit_code == 0, synced.output
    second = tmp_path / "second"
    export(fresh.test_cli_runner(), "test-course", second)
    same_bytes(first / "quizzes", second / "quizzes")
    with fresh.app_context():
        edited = db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == "b-one"))
        assert edited.question.text["zh"] == "第一课的导语讲了什么？"
        assert edited.file_hash == edited.content_hash
        db.session.remove()
        db.engine.dispose()


def test_the_shipped_banks_export_to_the_bytes_they_were_synced_from(
    app, runner, lessons_dir, sync, tmp_path
):
    folder = tmp_path / "quizzes" / "test-course"
    shutil.copytree(SHIPPED / "banks", folder / "banks")
    sync()
    out = tmp_path / "out"
    export(runner, "test-course", out)
    same_bytes(folder / "banks", out / "quizzes" / "test-course" / "banks")


def test_a_sync_keeps_and_reports_browser_edits_newer_than_the_files(
    app, quiz_course, sync, make_user
):
    (quiz_course / "banks").mkdir()
    (quiz_course / "banks" / "lesson-one.yaml").write_text(NAMED_BANK, "utf-8")
    sync()
    teacher = signed_in(app, make_user)
    edit_text(teacher.client, app, "b-one", "浏览器里改的")
    edit_text(teacher.client, app, "pick-one", "测验自己的题，也在浏览器里改了")
    # The files unchanged: the browser's versions stay, and the sync says so.
    report = sync()
    assert record(app, "b-one").question.text["zh"] == "浏览器里改的"
    assert any("b-one: edited in the browser" in line for line in report.conflicts)
    assert any("pick-one: edited in the browser" in line for line in report.conflicts)
    # Changed in the files too: still the browser's, reported as changed on both sides.
    bank = quiz_course / "banks" / "lesson-one.yaml"
    bank.write_text(bank.read_text("utf-8").replace("第一课讲了什么？", "文件里改的"), "utf-8")
    report = sync()
    assert record(app, "b-one").question.text["zh"] == "浏览器里改的"
    assert any(
        "b-one: changed in the files and in the browser" in line for line in report.conflicts
    )
    # --take-files: the files win.
    sync(take_files=True)
    assert record(app, "b-one").question.text["zh"] == "文件里改的"
    # A question archived in the browser stays archived while its file is unchanged.
    teacher.post(f"{BANK}/{record(app, 'b-one').id}/archive")
    report = sync()
    assert record(app, "b-one").archived_at is not None
    assert any("b-one: archived in the browser" in line for line in report.conflicts)
