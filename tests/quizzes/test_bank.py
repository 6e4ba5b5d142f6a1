"""Question banks in and out: the CLI and the browser import with its preview."""

import io

import sqlalchemy as sa

from courseware.accounts.models import Role
from courseware.db import db
from courseware.quizzes.bank import read_bank
from courseware.quizzes.models import QuestionRecord
from tests.conftest import Auth

GOOD_GIFT = """\
$CATEGORY: imported/basics

::three-speaks:: 政府微博应当做到早讲话、会讲话和哪一条？ {
  =讲实话 #对。
  ~讲套话 #不对。
}

::year:: 政务微博兴起于哪一年？ {#2009:1}
"""
BAD_GIFT = "::ok:: 第一题 {=甲 ~乙}\n\n::broken:: 第二题 {=甲 ~乙\n"


def test_export_then_import_gives_the_same_questions(app, runner, quiz_course, tmp_path):
    out = tmp_path / "check.yaml"
    result = runner.invoke(args=["quiz", "export", "check", str(out), "--format", "yaml"])
    assert result.exit_code == 0, result.output
    questions, problems = read_bank(out.read_bytes(), out.name, str(out))
    assert problems == []
    with app.app_context():
        stored = {r.name: r.question for r in db.session.scalars(sa.select(QuestionRecord))}
    assert len(questions) == len(stored) == 9
    for question in questions:
        original = stored[question.name]
        question.category = original.category
        assert question.to_dict() == original.to_dict()
    # Importing it back changes nothing but the category the file gave.
    result = runner.invoke(args=["quiz", "import", str(out), "--course", "test-course"])
    assert result.exit_code == 0, result.output


def test_gift_export_skips_what_gift_cannot_say(app, runner, quiz_course, tmp_path):
    out = tmp_path / "check.gift"
    result = runner.invoke(args=["quiz", "export", "check", str(out), "--format", "gift"])
    assert result.exit_code == 0, result.output
    assert "skipped order" in result.output
    questions, problems = read_bank(out.read_bytes(), out.name, str(out))
    assert problems == [] and len(questions) == 8


def test_cli_import_reports_line_and_imports_nothing(app, runner, quiz_course, tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text(BAD_GIFT, "utf-8")
    result = runner.invoke(args=["quiz", "import", str(bad), "--course", "test-course"])
    assert result.exit_code != 0
    assert f"{bad}:3:" in result.output and "nothing was imported" in result.output
    with app.app_context():
        assert (
            db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == "ok")) is None
        )


def test_browser_import_previews_then_imports(app, client, make_user, quiz_course):
    make_user(Role.INSTRUCTOR, username="teacher-a")
    teacher = Auth(client)
    assert teacher.login("teacher-a").status_code == 302
    page = client.get("/teach/quizzes/import")
    assert page.status_code == 200
    from courseware.courses.models import Course

    with app.app_context():
        course_id = str(db.session.scalar(sa.select(Course.id)))

    bad = teacher.post(
        "/teach/quizzes/import",
        data={"course": course_id, "file": (io.BytesIO(BAD_GIFT.encode()), "bad.gift")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "bad.gift:3:" in bad.get_data(as_text=True)

    preview = teacher.post(
        "/teach/quizzes/import",
        data={"course": course_id, "file": (io.BytesIO(GOOD_GIFT.encode()), "good.gift")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "three-speaks" in html and "year" in html
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(QuestionRecord).where(QuestionRecord.name == "three-speaks")
            )
            is None
        )
    # Confirming sends back the text the preview carried.
    done = teacher.post(
        "/teach/quizzes/import",
        data={"course": course_id, "filename": "good.gift", "content": GOOD_GIFT},
    )
    # The page then says where each question went.
    assert done.status_code == 200 and "three-speaks" in done.get_data(as_text=True)
    with app.app_context():
        record = db.session.scalar(
            sa.select(QuestionRecord).where(QuestionRecord.name == "three-speaks")
        )
        assert (
            record is not None and record.category == "imported/basics" and record.type == "single"
        )


def test_repeated_gift_names_become_distinct_and_stable():
    text = "::same:: 一 {=甲 ~乙}\n\n::same:: 二 {=甲 ~乙}\n\n::same-2:: 三 {T}\n\n同一题 {}\n\n同一题 {}\n"
    first, problems = read_bank(text.encode(), "x.gift", "x.gift")
    assert problems == []
    names = [q.name for q in first]
    assert len(set(names)) == 5 and names[:3] == ["same", "same-3", "same-2"]
    again, _ = read_bank(text.encode(), "x.gift", "x.gift")
    assert [q.name for q in again] == names
