"""Scenarios written in the browser: the YAML editor and its problems on their lines, drafts and
publishing, a new scenario started from another, concurrent saves, the play-test that records
nothing, and the files' round trip."""

import json
import re

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Role
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises.models import (
    Exercise,
    ExerciseRevision,
    ExerciseRun,
    PlayTest,
    RunAction,
)
from courseware.exercises.runs import best_runs
from courseware.progress.classes import course_items
from tests.conftest import Auth
from tests.courses.conftest import signed_in
from tests.lessons.test_export import empty_database, export, same_bytes

BASE = re.compile(r'name="base_revision_id" type="hidden" value="(\d*)"')
EDIT = "/author/test-course/scenarios/drill/edit"
OLD_INJECT = "超市的盐被抢光了！"
NEW_INJECT = "超市门口排起了长队！"


@pytest.fixture
def editor(app, make_user, exercise_course):
    """The test course with the drill scenario, and an instructor who edits the course (Chinese)."""
    return signed_in(app, make_user)


def base_of(auth, path=EDIT) -> str:
    return BASE.search(auth.client.get(path).get_data(as_text=True)).group(1)


def exercise_row(slug="drill") -> Exercise:
    return db.session.scalar(sa.select(Exercise).where(Exercise.slug == slug))


def current_text(app, slug="drill") -> str:
    with app.app_context():
        exercise = exercise_row(slug)
        return (exercise.published or latest(exercise)).text


def latest(exercise) -> ExerciseRevision:
    return db.session.scalar(
        sa.select(ExerciseRevision)
        .where(ExerciseRevision.exercise_id == exercise.id)
        .order_by(ExerciseRevision.number.desc())
        .limit(1)
    )


def revision_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(ExerciseRevision.id)))


def save(auth, text, button="save", path=EDIT, base=None, **extra):
    data = {"text": text, "base_revision_id": base if base is not None else base_of(auth, path)}
    data[button] = "1"
    data.update(extra)
    return auth.post(path, data=data)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


# --- the editor's checks, on their lines, in the page's language ------------------------------


@pytest.mark.parametrize(
    ("locale", "heading", "message"),
    [
        ("zh", "第 {line} 行", "YAML 无法读取"),
        ("en", "Line {line}", "The YAML cannot be read here"),
    ],
)
def test_a_yaml_syntax_error_is_shown_on_its_line(
    app, make_user, exercise_course, locale, heading, message
):
    auth = signed_in(app, make_user, locale=locale)
    text = current_text(app).replace("    channel: post\n", "    channel: post: oops\n", 1)
    wrong = line_of(text, "post: oops")
    page = save(auth, text, "check").get_data(as_text=True)
    assert heading.format(line=wrong) in page
    assert f'data-line="{wrong}"' in page and message in page
    assert f'data-problem-lines="{wrong}"' in page


@pytest.mark.parametrize(
    ("locale", "messages"),
    [
        ("zh", ["人物列表（personas）中没有“nobody”", "未知字段“colour”"]),
        ("en", ["There is no persona “nobody” in personas.", "Unknown field “colour”."]),
    ],
)
def test_schema_errors_are_shown_on_their_lines_and_block_publishing(
    app, make_user, exercise_course, locale, messages
):
    auth = signed_in(app, make_user, locale=locale)
    text = current_text(app).replace("    persona: netizen\n", "    persona: nobody\n", 1)
    text = "colour: red\n" + text
    before = revision_count(app)
    refused = save(auth, text, "publish")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'data-line="{line_of(text, "persona: nobody")}"' in page
    assert 'data-line="1"' in page
    for message in messages:
        assert message in page
    assert revision_count(app) == before  # nothing saved, nothing published
    with app.app_context():
        assert OLD_INJECT in exercise_row().published.text
    # Saved as a draft, it is kept with its problems and still cannot be published.
    assert save(auth, text, "save").status_code == 302
    with app.app_context():
        draft = latest(exercise_row())
        assert draft.status == "draft" and draft.problems == 2
        draft_id, published_id = draft.id, exercise_row().published_revision_id
    shown = auth.client.get(EDIT).get_data(as_text=True)
    assert "persona: nobody" in shown and messages[0] in shown
    auth.post(f"/author/test-course/scenarios/drill/revisions/{draft_id}/publish")
    with app.app_context():
        assert exercise_row().published_revision_id == published_id


def test_an_empty_text_is_refused_beside_the_field(app, editor):
    refused = save(editor, "   ", "save")
    assert refused.status_code == 400
    assert "场景内容为空" in refused.get_data(as_text=True)


# --- publishing -------------------------------------------------------------------------------


def test_publishing_gives_learners_the_new_scenario_and_runs_keep_theirs(
    app, editor, make_user, client
):
    make_user(Role.LEARNER, username="l1")
    learner = Auth(client)
    learner.login("l1")
    started = learner.post("/exercises/test-course/drill/start")
    run_id = int(started.location.rsplit("/", 1)[1])
    assert learner.post(f"/exercises/runs/{run_id}/finish").status_code == 302
    with app.app_context():
        score = db.session.get(ExerciseRun, run_id).score
    text = current_text(app).replace(OLD_INJECT, NEW_INJECT)
    text = text.replace("min_score: 60", "min_score: 10")
    published = save(editor, text, "publish", note="新的开场")
    assert published.status_code == 302
    with app.app_context():
        exercise = exercise_row()
        assert exercise.published.note == "新的开场" and exercise.published.source == "browser"
        assert NEW_INJECT in str(exercise.data)
        run = db.session.get(ExerciseRun, run_id)
        # The run was played with the former scenario, and is scored and reported with it.
        assert run.scenario_hash is not None and run.scenario_hash != exercise.content_hash
        assert OLD_INJECT in str(run.scenario.injects[0].text)
        assert run.score == score
        actions = {e.action for e in db.session.scalars(sa.select(AuditEvent))}
        assert {"scenario.draft", "scenario.publish"} <= actions
    report = learner.client.get(f"/exercises/runs/{run_id}/report").get_data(as_text=True)
    assert OLD_INJECT in report and NEW_INJECT not in report
    new_run = learner.post("/exercises/test-course/drill/start").location
    assert NEW_INJECT in learner.client.get(new_run).get_data(as_text=True)


def test_a_draft_is_published_from_the_history(app, editor):
    text = current_text(app).replace(OLD_INJECT, NEW_INJECT)
    assert save(editor, text, "save").status_code == 302
    with app.app_context():
        draft = latest(exercise_row())
        assert draft.is_draft and OLD_INJECT in str(exercise_row().data)
        draft_id = draft.id
    history = editor.client.get("/author/test-course/scenarios/drill/history")
    assert f"/revisions/{draft_id}/publish" in history.get_data(as_text=True)
    editor.post(f"/author/test-course/scenarios/drill/revisions/{draft_id}/publish")
    with app.app_context():
        assert exercise_row().published_revision_id == draft_id
        assert NEW_INJECT in str(exercise_row().data)


# --- two people saving at once ----------------------------------------------------------------


def test_the_second_save_over_a_newer_version_is_refused_and_both_texts_kept(
    app, editor, make_user
):
    other = signed_in(app, make_user, username="t2")
    base = base_of(editor)
    theirs = current_text(app).replace(OLD_INJECT, "他们的版本")
    mine = current_text(app).replace(OLD_INJECT, "我的版本")
    assert save(other, theirs, "publish", base=base).status_code == 302
    refused = save(editor, mine, "publish", base=base)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "他们的版本" in page and "我的版本" in page
    with app.app_context():
        exercise = exercise_row()
        assert "他们的版本" in exercise.published.text
        kept = exercise.published
        statuses = [
            r.status
            for r in db.session.scalars(
                sa.select(ExerciseRevision).where(ExerciseRevision.exercise_id == exercise.id)
            )
        ]
        assert "conflict" in statuses
        conflict = db.session.scalar(
            sa.select(ExerciseRevision).where(ExerciseRevision.status == "conflict")
        )
        assert "我的版本" in conflict.text and kept.id != conflict.id != exercise.published.id
        assert "我的版本" not in str(exercise.data)


# --- a new scenario from a shipped one --------------------------------------------------------


def test_start_a_new_scenario_from_another_in_one_click(app, editor, make_user, client):
    index = editor.client.get("/author/test-course/scenarios/").get_data(as_text=True)
    assert 'value="drill-copy"' in index
    made = editor.post(
        "/author/test-course/scenarios/drill/copy",
        data={"copy-drill-slug": "drill-copy", "copy-drill-position": "after:lesson:first"},
    )
    assert made.status_code == 302 and made.location.endswith("/scenarios/drill-copy/edit")
    with app.app_context():
        copy = exercise_row("drill-copy")
        assert copy.archived_at is not None and copy.published_revision_id is None
        assert latest(copy).source == "copy" and latest(copy).problems == 0
        course = db.session.scalar(sa.select(Course))
        assert [list(i) for i in course.items][:2] == [
            ["lesson", "first"],
            ["exercise", "drill-copy"],
        ]
        # Learners, class grids and the files do not see a scenario never published.
        assert "drill-copy" not in best_runs(course, 1)
        assert ("exercise", "drill-copy") not in {(k, s) for k, s, _t in course_items(course)}
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "scenario.copy"))
    outline = editor.client.get("/author/test-course/").get_data(as_text=True)
    assert 'id="item-exercise-drill-copy"' in outline
    make_user(Role.LEARNER, username="l2")
    learner = Auth(client)
    learner.login("l2")
    assert learner.client.get("/exercises/test-course/drill-copy").status_code == 404
    # Published, learners get it.
    text = current_text(app, "drill-copy").replace(OLD_INJECT, NEW_INJECT)
    path = "/author/test-course/scenarios/drill-copy/edit"
    assert save(editor, text, "publish", path=path).status_code == 302
    assert learner.client.get("/exercises/test-course/drill-copy").status_code == 200


def test_a_copy_needs_a_free_well_formed_short_name(app, editor):
    for slug in ("drill", "Bad Name"):
        editor.post(
            "/author/test-course/scenarios/drill/copy",
            data={"copy-drill-slug": slug, "copy-drill-position": "end"},
        )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Exercise.id))) == 1


def new_course(app, slug="blank", published=False) -> None:
    """A course written in the browser from nothing, edited by t1; in the catalogue if published."""
    from courseware.accounts.models import User
    from courseware.courses import authoring as course_authoring
    from courseware.timeutil import utcnow

    with app.app_context():
        author = db.session.scalar(sa.select(User).where(User.username == "t1"))
        fields = course_authoring.CourseFields({"zh": "新课", "en": "New"}, {}, {}, 1.0)
        course = course_authoring.create_course(slug, fields, author=author)
        course.published_at = utcnow() if published else None
        db.session.commit()


def test_a_course_written_from_nothing_starts_a_scenario_from_another_courses(app, editor):
    """A new course has no scenario of its own: its scenarios page offers those learners play in
    the catalogue's other courses, and one click copies one into it as its own draft."""
    new_course(app)
    index = editor.client.get("/author/blank/scenarios/").get_data(as_text=True)
    assert "以其他课程的场景为蓝本" in index
    with app.app_context():
        drill = exercise_row("drill")
        drill_id, drill_text = drill.id, current_text(app)
    # Its own short name is free in the new course: the form offers it as it is.
    assert f'id="shipped-{drill_id}-slug"' in index and 'value="drill"' in index
    made = editor.post(
        f"/author/blank/scenarios/from/{drill_id}",
        data={f"shipped-{drill_id}-slug": "drill", f"shipped-{drill_id}-position": "end"},
    )
    assert made.status_code == 302 and made.location.endswith("/author/blank/scenarios/drill/edit")
    with app.app_context():
        blank = db.session.scalar(sa.select(Course).where(Course.slug == "blank"))
        copy = db.session.scalar(
            sa.select(Exercise).where(Exercise.course_id == blank.id, Exercise.slug == "drill")
        )
        assert copy.archived_at is not None and copy.published_revision_id is None
        assert latest(copy).text == drill_text and latest(copy).note == "copy of test-course/drill"
        assert [list(i) for i in blank.items] == [["exercise", "drill"]]
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "scenario.copy"))
        assert event.target == "blank/exercises/drill"
        assert json.loads(event.detail) == {"from": "test-course/drill"}
        # The shipped course keeps its scenario as it was.
        assert exercise_row_in("test-course", "drill").archived_at is None
    # Published in the new course, it is that course's own.
    assert (
        save(editor, drill_text, "publish", path="/author/blank/scenarios/drill/edit").status_code
        == 302
    )
    with app.app_context():
        assert exercise_row_in("blank", "drill").published_revision_id is not None


def exercise_row_in(course_slug, slug) -> Exercise:
    return db.session.scalar(
        sa.select(Exercise)
        .join(Course, Course.id == Exercise.course_id)
        .where(Course.slug == course_slug, Exercise.slug == slug)
    )


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_copy_from_another_course_needs_a_free_name_there(
    app, make_user, exercise_course, locale
):
    auth = signed_in(app, make_user, locale=locale)
    new_course(app)
    with app.app_context():
        drill_id = exercise_row("drill").id
    path = f"/author/blank/scenarios/from/{drill_id}"
    data = {f"shipped-{drill_id}-slug": "drill", f"shipped-{drill_id}-position": "end"}
    assert auth.post(path, data=data).status_code == 302
    again = auth.post(path, data=data)
    assert again.location.endswith("/author/blank/scenarios/")
    page = auth.client.get(again.location).get_data(as_text=True)
    message = {
        "zh": "本课程已有同一简称的场景。",
        "en": "This course already has a scenario with that short name.",
    }[locale]
    assert f"drill: {message}" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Exercise.id))) == 2


def test_only_scenarios_learners_play_in_the_catalogue_are_offered(app, editor, make_user):
    """A course not yet in the catalogue (or archived) lends none of its scenarios; another
    course's editor who does not edit the target is refused."""
    new_course(app, "blank")
    with app.app_context():
        shipped = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        shipped.published_at = None  # withdrawn from the catalogue
        db.session.commit()
        drill_id = exercise_row("drill").id
    assert "以其他课程的场景为蓝本" not in editor.client.get("/author/blank/scenarios/").get_data(
        as_text=True
    )
    data = {f"shipped-{drill_id}-slug": "drill", f"shipped-{drill_id}-position": "end"}
    assert editor.post(f"/author/blank/scenarios/from/{drill_id}", data=data).status_code == 404
    assert editor.post("/author/blank/scenarios/from/999999", data=data).status_code == 404
    outsider = signed_in(app, make_user, username="t2", edits=False)
    assert outsider.post(f"/author/blank/scenarios/from/{drill_id}", data=data).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Exercise.id))) == 1


# --- the play-test ----------------------------------------------------------------------------


def test_a_play_test_records_no_run_and_shows_the_report(app, editor):
    text = current_text(app).replace(OLD_INJECT, NEW_INJECT)
    assert save(editor, text, "save").status_code == 302  # a draft, not published
    started = editor.post("/author/test-course/scenarios/drill/playtest")
    assert started.status_code == 302
    page = editor.client.get("/author/test-course/scenarios/drill/playtest").get_data(as_text=True)
    assert NEW_INJECT in page and "+5" in page
    act = "/author/test-course/scenarios/drill/playtest/act"
    assert editor.post(act, data={"kind": "forward", "minutes": "5"}).status_code == 302
    with app.app_context():
        test = db.session.scalar(sa.select(PlayTest))
        assert test.actions[-1] == {"kind": "wait", "minutes": 5.0, "ref": None}
    editor.post(act, data={"kind": "forward", "target": "next"})
    with app.app_context():
        # The next inject (i2) comes at minute 20: the clock moved there, and no further.
        assert db.session.scalar(sa.select(PlayTest)).actions[-1]["minutes"] == 15.0
    editor.post(
        act, data={"kind": "post", "text": "碘盐不能防辐射，盐的储备充足，请大家不要抢购。"}
    )
    refused = editor.post(act, data={"kind": "post", "text": "   "})
    assert refused.status_code == 422
    finished = editor.post(act, data={"kind": "finish"})
    assert finished.location.endswith("/playtest/report")
    report = editor.client.get("/author/test-course/scenarios/drill/playtest/report")
    body = report.get_data(as_text=True)
    assert report.status_code == 200 and "总分" in body and "改进计划" in body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ExerciseRun.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(RunAction.id))) == 0
        course = db.session.scalar(sa.select(Course))
        user_id = db.session.scalar(sa.select(PlayTest.user_id))
        assert best_runs(course, user_id)["drill"][1:] == (None, "not_started")
        assert OLD_INJECT in str(exercise_row().data)  # the draft is still a draft


def test_a_play_test_of_a_draft_with_problems_is_refused(app, editor):
    save(editor, current_text(app).replace("persona: netizen\n", "persona: nobody\n", 1), "save")
    refused = editor.post("/author/test-course/scenarios/drill/playtest")
    assert refused.status_code == 302 and refused.location.endswith("/edit")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PlayTest.id))) == 0


def test_another_instructor_cannot_reach_the_editor(app, make_user, exercise_course):
    outsider = signed_in(app, make_user, username="t9", edits=False)
    assert outsider.client.get(EDIT).status_code == 404
    assert outsider.post("/author/test-course/scenarios/drill/playtest").status_code == 404


# --- the files --------------------------------------------------------------------------------


def test_a_browser_edit_round_trips_through_the_files(app, backend, editor, runner, tmp_path):
    text = current_text(app).replace(OLD_INJECT, NEW_INJECT)
    assert save(editor, text, "publish").status_code == 302
    editor.post(
        "/author/test-course/scenarios/drill/copy",
        data={"copy-drill-slug": "drill-copy", "copy-drill-position": "end"},
    )
    first = tmp_path / "first"
    export(runner, "test-course", first)
    written = (first / "exercises" / "test-course" / "drill.yaml").read_text("utf-8")
    assert NEW_INJECT in written
    # A draft never published is neither written nor listed in the outline's file.
    assert not (first / "exercises" / "test-course" / "drill-copy.yaml").exists()
    assert "drill-copy" not in (first / "lessons" / "test-course" / "course.yaml").read_text(
        "utf-8"
    )
    fresh = empty_database(app, backend, tmp_path)
    fresh.config.update(
        LESSONS_DIR=str(first / "lessons"),
        QUIZZES_DIR=str(first / "quizzes"),
        EXERCISES_DIR=str(first / "exercises"),
    )
    synced = fresh.test_cli_runner().invoke(args=["content", "sync"])
    assert synced.exit_code == 0 and "exercise drill: added" in synced.output, synced.output
    second = tmp_path / "second"
    export(fresh.test_cli_runner(), "test-course", second)
    same_bytes(first, second)
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_sync_keeps_and_reports_a_browser_edit_newer_than_the_file(
    app, editor, exercise_course, sync
):
    text = current_text(app).replace(OLD_INJECT, NEW_INJECT)
    assert save(editor, text, "publish").status_code == 302
    # Nothing changed in the files: the sync leaves the browser's edit alone, silently.
    report = sync()
    assert report.conflicts == [] and not any("drill" in c for c in report.changes)
    # The file changes too: the browser's edit is kept and the conflict reported.
    path = exercise_course / "drill.yaml"
    path.write_text(path.read_text("utf-8").replace(OLD_INJECT, "文件里的新版本"), "utf-8")
    report = sync()
    assert any("drill" in c and "browser" in c for c in report.conflicts)
    with app.app_context():
        assert NEW_INJECT in str(exercise_row().data)
    # --take-files takes the file.
    report = sync(take_files=True)
    assert "exercise drill: updated" in report.changes
    with app.app_context():
        assert "文件里的新版本" in str(exercise_row().data)
        assert exercise_row().published.source == "file"
