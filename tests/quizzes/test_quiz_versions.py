"""A quiz's versions: changing a quiz that has attempts (in the browser or in its file) adds a
version; graded attempts keep theirs, new attempts take the new one. A sync keeps and reports a
browser edit newer than the file. `content export` writes quizzes from the database, and the
export of a synced export is the same bytes."""

import re
import shutil

import sqlalchemy as sa

from courseware.db import db
from courseware.quizzes.attempts import total
from courseware.quizzes.models import Attempt, Quiz, QuizVersion
from tests.conftest import Auth, csrf_token
from tests.lessons.test_export import empty_database, export, same_bytes, tree
from tests.quizzes.builder_fixtures import bank, BASICS, editor, quiz_form  # noqa: F401

EDIT = "/author/test-course/quizzes/{}/edit"


def post(auth, path, data):
    return auth.client.post(path, data={**data, "csrf_token": csrf_token(auth.client, "/")})


def base_of(app, slug):
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == slug))
        return str(
            db.session.scalar(
                sa.select(QuizVersion.id)
                .where(QuizVersion.quiz_id == quiz.id, QuizVersion.status != "conflict")
                .order_by(QuizVersion.number.desc())
            )
        )


def take(app, learner, slug, answers) -> int:
    started = learner.post(f"/quizzes/test-course/{slug}/start")
    attempt_id = int(re.search(r"/attempts/(\d+)$", started.location).group(1))
    done = learner.client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(learner.client, "/"), "sequence": "1", **answers},
    )
    assert done.status_code == 302
    return attempt_id


def learner_of(app, make_user):
    make_user(username="taker")
    learner = Auth(app.test_client())
    learner.login("taker")
    return learner


def test_changing_a_quiz_with_graded_attempts_adds_a_version_they_keep(app, editor, make_user):
    # Two fixed questions, a pass mark of 50: one right answer of two passes.
    form = quiz_form(
        slug="pair",
        position="end",
        questions=["pick-one", "yes-no"],
        **{
            "draws-0-category": "",
            "draws-0-count": "",
            "draws-1-category": "",
            "draws-1-count": "",
        },
        pass_mark="50",
        publish="y",
    )
    assert post(editor, "/author/test-course/quizzes/new", form).status_code == 302
    learner = learner_of(app, make_user)
    old = take(app, learner, "pair", {"a0": "0", "a1": "false"})
    with app.app_context():
        attempt = db.session.get(Attempt, old)
        assert (attempt.score, attempt.max_score, attempt.passed) == (1.0, 2.0, True)

    # The pass mark goes up and the questions change: a new version, published.
    changed = quiz_form(
        questions=["pick-one", "number"],
        **{
            "draws-0-category": "practice",
            "draws-0-count": "1",
            "draws-1-category": "",
            "draws-1-count": "",
        },
        pass_mark="80",
        base_version_id=base_of(app, "pair"),
        publish="y",
    )
    assert post(editor, EDIT.format("pair"), changed).status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, old)
        total(attempt)  # a regrade of the old attempt reads its own version
        assert (attempt.score, attempt.passed) == (1.0, True)
        assert attempt.version.number == 1 and attempt.version.settings["pass_mark"] == 50
        assert [a.question.name for a in attempt.answers] == ["pick-one", "yes-no"]
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "pair"))
        assert quiz.version.number == 2 and quiz.settings["pass_mark"] == 80
    result = learner.client.get(f"/quizzes/attempts/{old}/result").get_data(as_text=True)
    assert "及格" in result and "未及格" not in result

    new = take(app, learner, "pair", {"a0": "0"})
    with app.app_context():
        attempt = db.session.get(Attempt, new)
        names = [a.question.name for a in attempt.answers]
        assert names[:2] == ["pick-one", "number"] and len(names) == 3
        assert names[2] in {"p-one", "p-two"}
        assert attempt.version.number == 2 and attempt.passed is False


def test_a_sync_of_a_changed_file_adds_a_version_and_attempts_keep_theirs(
    app, bank, make_user, sync
):
    learner = learner_of(app, make_user)
    attempt_id = take(app, learner, "check", {"a0": "0"})
    path = bank / "check.yaml"
    path.write_text(path.read_text("utf-8").replace("pass_mark: 50", "pass_mark: 90"), "utf-8")
    assert "quiz check: updated" in sync().changes
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.version.number == 1 and attempt.version.settings["pass_mark"] == 50
        assert attempt.quiz.version.number == 2 and attempt.quiz.settings["pass_mark"] == 90
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizVersion)) == 2


def test_a_sync_keeps_and_reports_a_browser_edit_newer_than_the_file(app, editor, bank, sync):
    path = bank / "check.yaml"
    path.write_text("lesson: first\n" + path.read_text("utf-8"), "utf-8")
    assert "quiz check: updated" in sync().changes
    edit = editor.client.get(EDIT.format("check")).get_data(as_text=True)
    assert 'value="50"' in edit
    form = quiz_form(
        questions=["pick-one", "yes-no"],
        **{
            "draws-0-category": "",
            "draws-0-count": "",
            "draws-1-category": "",
            "draws-1-count": "",
        },
        title_zh="浏览器改过的小测",
        base_version_id=base_of(app, "check"),
        publish="y",
    )
    assert post(editor, EDIT.format("check"), form).status_code == 302
    path.write_text(path.read_text("utf-8").replace("pass_mark: 50", "pass_mark: 90"), "utf-8")
    report = sync()
    assert any(
        "quiz check: changed in the files and in the browser" in line for line in report.conflicts
    )
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "check"))
        assert quiz.title["zh"] == "浏览器改过的小测" and quiz.settings["pass_mark"] == 60
        assert quiz.lesson_slug == "first"  # kept from the file, which the form does not show


def test_an_export_with_a_browser_made_quiz_round_trips_to_the_same_bytes(
    app, backend, editor, bank, runner, tmp_path
):
    made = quiz_form(
        slug="browser-check",
        position="after:lesson:first",
        opens="2026-12-01T09:00",
        closes="2026-12-20T18:30",
        publish="y",
    )
    assert post(editor, "/author/test-course/quizzes/new", made).status_code == 302
    # The file's quiz is changed in the browser too, so that it is written from the database.
    changed = quiz_form(
        questions=["pick-one", "yes-no", "think"],
        **{
            "draws-0-category": "",
            "draws-0-count": "",
            "draws-1-category": "",
            "draws-1-count": "",
        },
        base_version_id=base_of(app, "check"),
        publish="y",
    )
    assert post(editor, EDIT.format("check"), changed).status_code == 302
    first = tmp_path / "first"
    export(runner, "test-course", first)
    folder = first / "quizzes" / "test-course"
    assert tree(folder) == [
        "banks/basics.yaml",
        "banks/practice.yaml",
        "browser-check.yaml",
        "check.yaml",
    ]
    written = (folder / "browser-check.yaml").read_text("utf-8")
    assert "opens: 2026-12-01 09:00\n" in written and "closes: 2026-12-20 18:30\n" in written
    assert f"  - draw: 2\n    from: {BASICS}\n" in written
    assert "  - id: pick-one\n" in written  # a question of a quiz file, written once
    assert "  - question: pick-one\n" in (folder / "check.yaml").read_text("utf-8")
    course_yaml = (first / "lessons" / "test-course" / "course.yaml").read_text("utf-8")
    assert "  - lesson: first\n  - quiz: browser-check\n  - lesson: second\n" in course_yaml
    with app.app_context():
        before = dict(db.session.execute(sa.select(Quiz.slug, Quiz.content_hash)).all())

    fresh = empty_database(app, backend, tmp_path)
    fresh.config.update(
        LESSONS_DIR=str(first / "lessons"),
        QUIZZES_DIR=str(first / "quizzes"),
        EXERCISES_DIR=str(first / "exercises"),
    )
    synced = fresh.test_cli_runner().invoke(args=["content", "sync"])
    assert synced.exit_code == 0 and "quiz browser-check: added" in synced.output, synced.output
    with fresh.app_context():
        after = dict(db.session.execute(sa.select(Quiz.slug, Quiz.content_hash)).all())
    assert after == before  # the files say what the database said
    second = tmp_path / "second"
    export(fresh.test_cli_runner(), "test-course", second)
    same_bytes(first, second)
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(second)
