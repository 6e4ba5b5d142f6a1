"""A quiz taken out of its course and put back from the browser (audited, the outline revisioned,
its file left out of an export and kept out by a sync), and its history: two versions compared
with the changed words marked, and an earlier version made the quiz's again — refused when
someone saved since."""

import re

import sqlalchemy as sa

from courseware.accounts.models import AuditEvent
from courseware.courses.models import Course, CourseRevision
from courseware.db import db
from courseware.quizzes.models import QuestionRecord, Quiz, QuizVersion
from tests.conftest import Auth, csrf_token
from tests.courses.conftest import signed_in
from tests.lessons.test_export import export, tree
from tests.quizzes.builder_fixtures import bank, editor, quiz_form  # noqa: F401
from tests.quizzes.test_quiz_versions import base_of, post

COURSE = "/author/test-course/"
QUIZ = "/author/test-course/quizzes/check"


def outline(app) -> list:
    with app.app_context():
        return db.session.scalar(sa.select(Course.items).where(Course.slug == "test-course"))


def quiz_of(app) -> Quiz:
    with app.app_context():
        return db.session.scalar(sa.select(Quiz).where(Quiz.slug == "check"))


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_quiz_taken_out_and_put_back(app, editor, bank, sync, runner, tmp_path, make_user):
    assert ["quiz", "check"] in outline(app)
    make_user(username="taker")
    learner = Auth(app.test_client())
    learner.login("taker")
    assert learner.client.get("/quizzes/test-course/check").status_code == 200

    taken = post(editor, f"{QUIZ}/take-out", {})
    assert taken.status_code == 302 and taken.location.endswith(COURSE)
    assert quiz_of(app).archived_at is not None
    assert ["quiz", "check"] not in outline(app)
    assert "quiz.archive" in actions(app)
    with app.app_context():
        change = db.session.scalar(
            sa.select(CourseRevision.change).order_by(CourseRevision.id.desc()).limit(1)
        )
    assert change == "quiz_removed"
    assert learner.client.get("/quizzes/test-course/check").status_code == 404
    page = editor.client.get(COURSE).get_data(as_text=True)
    assert "Quizzes taken out" in page or "已移出的测验" in page
    assert f"{QUIZ}/put-back" in page
    # The outline's history names the change in the reader's language.
    history = editor.client.get(f"{COURSE}history").get_data(as_text=True)
    assert "quiz_removed" not in history

    # A sync keeps it out while its file is still there, and says so.
    report = sync()
    assert quiz_of(app).archived_at is not None
    assert any("quiz check: taken out of the course in the browser" in c for c in report.conflicts)
    # An export leaves its file out — into another folder, and into the content folder itself.
    out = tmp_path / "out"
    export(runner, "test-course", out)
    assert "check.yaml" not in tree(out / "quizzes" / "test-course")
    export(runner, "test-course", tmp_path)
    assert not (bank / "check.yaml").exists()
    report = sync()
    assert report.conflicts == [] and quiz_of(app).archived_at is not None
    with app.app_context():
        gone = db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == "pick-one"))
        assert gone.archived_at is not None  # its own questions left the files with it

    put = post(editor, f"{QUIZ}/put-back", {})
    assert put.status_code == 302
    assert quiz_of(app).archived_at is None
    assert outline(app)[-1] == ["quiz", "check"]
    assert actions(app)[-1] == "quiz.restore"
    with app.app_context():
        back = db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == "pick-one"))
        assert back.archived_at is None
    assert learner.client.get("/quizzes/test-course/check").status_code == 200
    # Exported again, its file and questions are back; a sync finds nothing to change.
    export(runner, "test-course", tmp_path)
    assert "  - id: pick-one\n" in (bank / "check.yaml").read_text("utf-8")
    report = sync()
    assert report.conflicts == []


def test_take_out_and_put_back_are_refused_to_who_does_not_edit_the_course(app, bank, make_user):
    outsider = signed_in(app, make_user, "outsider", edits=False)
    assert post(outsider, f"{QUIZ}/take-out", {}).status_code == 404
    assert quiz_of(app).archived_at is None
    # Putting back a quiz that is not taken out finds nothing to put back.
    owner = signed_in(app, make_user, "owner")
    assert post(owner, f"{QUIZ}/put-back", {}).status_code == 404


def two_versions(app, editor):
    """Version 2 of quiz `check`: a new title in both languages, a pass mark and a question
    fewer."""
    changed = quiz_form(
        title_zh="政务微博小测（修订）",
        title_en="Revised check",
        pass_mark="80",
        questions=["pick-one", "yes-no"],
        base_version_id=base_of(app, "check"),
        publish="y",
        **{
            "draws-0-category": "",
            "draws-0-count": "",
            "draws-1-category": "",
            "draws-1-count": "",
        },
    )
    assert post(editor, f"{QUIZ}/edit", changed).status_code == 302


def version_ids(app) -> dict[int, int]:
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "check"))
        return dict(
            db.session.execute(
                sa.select(QuizVersion.number, QuizVersion.id).where(QuizVersion.quiz_id == quiz.id)
            ).all()
        )


def test_two_versions_compared_with_the_changed_words_marked(app, editor, bank, make_user):
    two_versions(app, editor)
    ids = version_ids(app)
    page = editor.client.get(f"{QUIZ}/history").get_data(as_text=True)
    assert f'name="a" value="{ids[1]}"' in page and f'name="b" value="{ids[2]}"' in page
    diff = editor.client.get(f"{QUIZ}/diff", query_string={"a": ids[1], "b": ids[2]})
    assert diff.status_code == 200
    text = diff.get_data(as_text=True)
    assert "<del>" in text and "<ins>" in text
    # The title, the pass mark and the questions left out, each marked in its line.
    assert re.search(r"<ins><span[^>]*>[^<]*</span>政务微博小测（修订）<span", text)
    assert re.search(r"及格线（%）：<del><span[^>]*>[^<]*</span>50<span", text)
    assert re.search(r"<ins><span[^>]*>[^<]*</span>80<span", text)
    assert re.search(r"<del><span[^>]*>[^<]*</span>pick-two · 选两项", text)
    assert "从第 1 版到第 2 版的改动" in text
    # In English, the labels are English; the Chinese texts keep their language.
    english = signed_in(app, make_user, "reader", locale="en")
    page = english.client.get(f"{QUIZ}/diff", query_string={"a": ids[1], "b": ids[2]})
    text = page.get_data(as_text=True)
    assert "Pass mark (%): <del>" in text and "Title (Chinese)" in text
    assert 'lang="zh-CN"' in text and "Changes from version 1 to version 2" in text
    # Without two versions chosen, the history page asks for them.
    asked = editor.client.get(f"{QUIZ}/diff", query_string={"a": ids[1]})
    assert asked.status_code == 302 and asked.location.endswith(f"{QUIZ}/history")


def test_revert_adds_a_version_and_is_refused_when_stale(app, editor, bank, make_user):
    two_versions(app, editor)
    ids = version_ids(app)
    token = csrf_token(editor.client, "/")
    stale = editor.client.post(
        f"{QUIZ}/versions/{ids[1]}/revert", data={"csrf_token": token, "base_version_id": ids[1]}
    )
    assert stale.status_code == 302
    assert len(version_ids(app)) == 2  # refused: version 2 was saved after version 1
    shown = editor.client.get(stale.location).get_data(as_text=True)
    assert "有人在您打开此页后保存了第 2 版" in shown
    done = editor.client.post(
        f"{QUIZ}/versions/{ids[1]}/revert", data={"csrf_token": token, "base_version_id": ids[2]}
    )
    assert done.status_code == 302
    ids = version_ids(app)
    assert len(ids) == 3
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "check"))
        first, third = db.session.get(QuizVersion, ids[1]), db.session.get(QuizVersion, ids[3])
        assert third.content_hash == first.content_hash and third.note == "revert to version 1"
        assert quiz.version_id == third.id and quiz.settings["pass_mark"] == 50
    assert actions(app)[-1] == "quiz.revert"
    page = editor.client.get(f"{QUIZ}/history").get_data(as_text=True)
    assert "回到第 1 版" in page
    # Reverting to what the quiz already says adds nothing.
    again = editor.client.post(
        f"{QUIZ}/versions/{ids[1]}/revert", data={"csrf_token": token, "base_version_id": ids[3]}
    )
    assert again.status_code == 302 and len(version_ids(app)) == 3


def test_revert_to_a_version_whose_question_left_the_bank_is_refused(app, editor, bank):
    two_versions(app, editor)
    ids = version_ids(app)
    with app.app_context():
        db.session.execute(
            sa.update(QuestionRecord)
            .where(QuestionRecord.name == "pick-two")
            .values(archived_at=sa.func.now())
        )
        db.session.commit()
    token = csrf_token(editor.client, "/")
    refused = editor.client.post(
        f"{QUIZ}/versions/{ids[1]}/revert", data={"csrf_token": token, "base_version_id": ids[2]}
    )
    assert len(version_ids(app)) == 2
    shown = editor.client.get(refused.location).get_data(as_text=True)
    assert "pick-two" in shown and "题库" in shown
