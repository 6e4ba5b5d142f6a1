"""An exported course's quizzes folder is self-consistent: every question a quiz names is in
exactly one of its files, so `content check` passes on the export, and syncing it into an empty
database and exporting again gives the same bytes — after a GIFT quiz was changed in the
browser, a question of a quiz file was edited in the bank, and with GIFT quizzes whose
questions sit under `$CATEGORY:` lines."""

import os
import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from courseware.db import db
from courseware.quizzes.models import QuestionRecord, Quiz
from tests.courses.conftest import signed_in
from tests.lessons.test_export import empty_database, export, same_bytes, tree
from tests.quizzes.builder_fixtures import bank, BASICS, editor, quiz_form  # noqa: F401
from tests.quizzes.test_bank_editor import BANK, form_of
from tests.quizzes.test_quiz_versions import base_of, post

ROOT = Path(__file__).resolve().parents[2]
EDIT = "/author/test-course/quizzes/{}/edit"

GIFT_QUIZ = """\
// 用 GIFT 写的小测，没有分类
::gq-one::政务微博应当“早讲话”吗？{T}

::gq-two::哪一项是“三讲”之一？{=讲实话 ~少讲话 ~不讲话}
"""

GIFT_WITH_CATEGORY = """\
// 题目放在题库的分类里
$CATEGORY: $course$/top/政务微博/基础

::gc-one::谣言要及早澄清吗？{T}

::gc-two::“无可奉告”是好的回应吗？{F}
"""

NO_DRAWS = {
    "draws-0-category": "",
    "draws-0-count": "",
    "draws-1-category": "",
    "draws-1-count": "",
}


def content_check(root: Path) -> subprocess.CompletedProcess:
    """`flask --app courseware content check` with the content folders set to an export."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COURSEWARE_SECRET_KEY": "x" * 32,
        "DATABASE_URL": f"sqlite:///{root.parent / 'check.sqlite3'}",
        "COURSEWARE_LESSONS_DIR": str(root / "lessons"),
        "COURSEWARE_QUIZZES_DIR": str(root / "quizzes"),
        "COURSEWARE_EXERCISES_DIR": str(root / "exercises"),
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "courseware", "content", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def round_trip(app, backend, tmp_path, first: Path) -> None:
    """`content check` passes on the export; synced into an empty database, it exports to the
    same bytes."""
    checked = content_check(first)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no problems" in checked.stdout
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
        db.session.remove()
        db.engine.dispose()


def occurrences(folder: Path, name: str) -> int:
    """How many times the export defines a question (`id: NAME` in YAML, `::NAME::` in GIFT)."""
    count = 0
    for path in folder.rglob("*"):
        if path.suffix in (".yaml", ".gift"):
            text = path.read_text("utf-8")
            count += len(re.findall(rf"^\s*-?\s*id: {re.escape(name)}$", text, re.M))
            count += text.count(f"::{name}::")
    return count


def test_a_gift_quiz_changed_in_the_browser_exports_as_a_self_consistent_yaml_quiz(
    app, backend, editor, bank, sync, runner, tmp_path
):
    (bank / "gifted.gift").write_text(GIFT_QUIZ, "utf-8")
    # Another quiz draws from the GIFT quiz's own questions (category quiz:gifted).
    (bank / "drawn.yaml").write_text(
        "title: 抽题\nquestions:\n  - draw: 2\n    from: quiz:gifted\n", "utf-8"
    )
    assert "quiz gifted: added" in sync().changes
    changed = quiz_form(
        title_zh="改过的 GIFT 小测",
        questions=["gq-one", "gq-two"],
        pass_mark="80",
        base_version_id=base_of(app, "gifted"),
        publish="y",
        **NO_DRAWS,
    )
    assert post(editor, EDIT.format("gifted"), changed).status_code == 302
    first = tmp_path / "first"
    export(runner, "test-course", first)
    folder = first / "quizzes" / "test-course"
    files = tree(folder)
    assert "gifted.gift" not in files and "gifted.yaml" in files
    written = (folder / "gifted.yaml").read_text("utf-8")
    assert "改过的 GIFT 小测" in written and "pass_mark: 80\n" in written
    assert "  - question: gq-one\n  - question: gq-two\n" in written
    # Its questions keep their category, so that the other quiz still draws from them.
    held = (folder / "banks" / "quiz-gifted.yaml").read_text("utf-8")
    assert held.startswith("category: quiz:gifted\n") and "id: gq-two" in held
    assert occurrences(folder, "gq-one") == occurrences(folder, "gq-two") == 1
    # Exported into the content folder itself: the GIFT file gives way to the YAML one, and a
    # sync then finds the files saying what the database says.
    export(runner, "test-course", tmp_path)
    assert not (bank / "gifted.gift").exists() and (bank / "gifted.yaml").is_file()
    # The GIFT questions' Moodle markup is written as plain text (shown the same): the sync
    # takes that, and reports no conflict.
    report = sync()
    assert report.conflicts == []
    assert sorted(report.changes) == ["question gq-one: updated", "question gq-two: updated"]
    assert sync().changes == []
    round_trip(app, backend, tmp_path, first)


def edit_question_text(client, app, name: str, zh: str) -> None:
    with app.app_context():
        record = db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == name))
    form = form_of(client.get(f"{BANK}/{record.id}/edit").get_data(as_text=True))
    form["text-zh"] = zh
    assert client.post(f"{BANK}/{record.id}/edit", data=form).status_code == 302


def test_a_quiz_files_question_edited_in_the_bank_reaches_the_files(
    app, backend, bank, sync, make_user, runner, tmp_path
):
    teacher = signed_in(app, make_user)
    edit_question_text(teacher.client, app, "pick-one", "浏览器题库里改过的题干")
    first = tmp_path / "first"
    export(runner, "test-course", first)
    written = (first / "quizzes" / "test-course" / "check.yaml").read_text("utf-8")
    assert "浏览器题库里改过的题干" in written and "哪一项正确？" not in written
    assert occurrences(first / "quizzes", "pick-one") == 1
    # Into the content folder: the sync now finds the browser's edit in the files.
    export(runner, "test-course", tmp_path)
    report = sync()
    assert report.conflicts == [] and report.changes == []
    with app.app_context():
        record = db.session.scalar(
            sa.select(QuestionRecord).where(QuestionRecord.name == "pick-one")
        )
        assert record.file_hash == record.content_hash
    round_trip(app, backend, tmp_path, first)


def test_a_gift_quiz_under_a_category_line_writes_each_question_once(
    app, backend, editor, bank, sync, runner, tmp_path
):
    """Its questions share the category of banks/basics.yaml: neither the bank nor the quiz
    writes them twice, whether the GIFT file is copied or the quiz is written again."""
    (bank / "categorised.gift").write_text(GIFT_WITH_CATEGORY, "utf-8")
    sync()
    with app.app_context():
        category = db.session.scalar(
            sa.select(QuestionRecord.category).where(QuestionRecord.name == "gc-one")
        )
    assert category == BASICS
    untouched = tmp_path / "untouched"
    export(runner, "test-course", untouched)
    folder = untouched / "quizzes" / "test-course"
    assert (folder / "categorised.gift").read_text("utf-8") == GIFT_WITH_CATEGORY
    assert (folder / "banks" / "basics.yaml").read_bytes() == (
        bank / "banks" / "basics.yaml"
    ).read_bytes()
    for name in ("gc-one", "gc-two", "b-one", "b-two", "b-three"):
        assert occurrences(folder, name) == 1, name
    checked = content_check(untouched)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Changed in the browser, the quiz is written as YAML naming its questions; they join their
    # category's bank file.
    changed = quiz_form(
        questions=["gc-one", "gc-two"],
        base_version_id=base_of(app, "categorised"),
        publish="y",
        **NO_DRAWS,
    )
    assert post(editor, EDIT.format("categorised"), changed).status_code == 302
    first = tmp_path / "first"
    export(runner, "test-course", first)
    folder = first / "quizzes" / "test-course"
    assert "categorised.gift" not in tree(folder)
    assert "  - question: gc-one\n" in (folder / "categorised.yaml").read_text("utf-8")
    for name in ("gc-one", "gc-two", "b-one", "b-two", "b-three"):
        assert occurrences(folder, name) == 1, name
    round_trip(app, backend, tmp_path, first)


def test_a_copied_quiz_naming_a_question_of_a_quiz_written_again_stays_consistent(
    app, backend, bank, sync, make_user, runner, tmp_path
):
    """A quiz file naming a question that lives in another quiz's file: when the other file is
    written again (its question edited), the question is still written exactly once."""
    (bank / "again.yaml").write_text(
        "title: 再测\nquestions:\n  - question: pick-one\n  - question: yes-no\n", "utf-8"
    )
    sync()
    teacher = signed_in(app, make_user)
    edit_question_text(teacher.client, app, "yes-no", "改过：政务微博要讲实话。")
    first = tmp_path / "first"
    export(runner, "test-course", first)
    folder = first / "quizzes" / "test-course"
    assert (folder / "again.yaml").read_bytes() == (bank / "again.yaml").read_bytes()
    assert "改过：政务微博要讲实话。" in (folder / "check.yaml").read_text("utf-8")
    assert occurrences(folder, "yes-no") == 1 and occurrences(folder, "pick-one") == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 2
    round_trip(app, backend, tmp_path, first)


def test_a_quiz_locked_to_the_room_is_written_locked():
    """The export writes the room lock and the networks, so the files sync back locked."""
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from courseware.quizzes.export import quiz_file_data, quiz_file_text
    from courseware.quizzes.files import parse_quiz

    plan = SimpleNamespace(
        title={"zh": "课堂小测"},
        description={},
        lesson_slug=None,
        settings={"pass_mark": 60, "classroom_only": True, "networks": ["192.168.10.0/24"]},
        slots=[{"question": "q-one"}],
    )
    zone = ZoneInfo("Asia/Shanghai")
    written = quiz_file_text(quiz_file_data(plan, {}, set(), zone))
    assert "classroom_only: true" in written
    source, problems = parse_quiz(written, "check.yaml", "test-course", "check", zone)
    assert problems == []
    assert source.settings["classroom_only"] is True
    assert source.settings["networks"] == ["192.168.10.0/24"]
