"""content sync: all or nothing, idempotent, archive-not-delete, browser edits kept; export round trip."""

import filecmp

import sqlalchemy as sa

from courseware.courses.models import Course
from courseware.db import db
from courseware.lessons.models import Lesson, LessonRevision
from courseware.progress.models import LessonProgress
from tests.conftest import lesson_text


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)),
            db.session.scalar(sa.select(sa.func.count()).select_from(LessonRevision)),
            db.session.scalar(sa.select(Course.updated_at)),
        )


def published_body(app, slug):
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))
        return lesson.published.body_zh


def test_first_sync_adds_and_a_second_changes_nothing(app, lessons_dir, sync):
    report = sync()
    assert len(report.changes) == 3
    before = counts(app)
    again = sync()
    assert again.changes == [] and again.conflicts == []
    assert counts(app) == before == (2, 2, before[2])


def test_a_changed_file_gets_a_new_revision(app, lessons_dir, sync):
    sync()
    (lessons_dir / "02-second.md").write_text(
        lesson_text("第二课", "改过的正文。", minutes=4), "utf-8"
    )
    report = sync()
    assert report.changes == ["test-course/02-second.md: new revision"]
    assert published_body(app, "second") == "改过的正文。\n"


def test_a_removed_lesson_is_archived_not_deleted_and_keeps_progress(
    app, lessons_dir, sync, make_user
):
    sync()
    learner = make_user()
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "second"))
        db.session.add(LessonProgress(user_id=learner, lesson_id=lesson.id))
        db.session.commit()
    (lessons_dir / "02-second.md").unlink()
    (lessons_dir / "01-first.md").write_text(lesson_text("第一课", "第一课正文。"), "utf-8")
    (lessons_dir / "course.yaml").write_text(
        (lessons_dir / "course.yaml").read_text("utf-8").replace("  - lesson: second\n", ""),
        "utf-8",
    )
    report = sync()
    assert "test-course/second: archived (no longer in the files)" in report.changes
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "second"))
        assert lesson.archived_at is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonProgress)) == 1


def test_sync_refuses_everything_when_one_file_is_bad(app, runner, lessons_dir):
    (lessons_dir / "02-second.md").write_text("---\nminutes: 3\n---\n正文\n", "utf-8")
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code != 0
    assert "02-second.md:2: a title is required" in result.output
    assert counts(app)[:2] == (0, 0)


def test_a_browser_edit_is_not_overwritten_by_a_changed_file(app, lessons_dir, sync, make_user):
    from courseware.content.files import LessonSource, LessonText
    from courseware.lessons.authoring import save_lesson

    sync()
    with app.test_request_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "second"))
        edit = LessonSource(
            "second", 2, 4, LessonText("第二课", ("目标一",), "浏览器里改的。\n"), None
        )
        save_lesson(lesson, edit, author=None, base_id=lesson.published.id, publish=True)
        db.session.commit()
    (lessons_dir / "02-second.md").write_text(
        lesson_text("第二课", "文件里改的。", minutes=4), "utf-8"
    )
    report = sync()
    assert report.changes == []
    assert report.conflicts and "02-second.md" in report.conflicts[0]
    assert published_body(app, "second") == "浏览器里改的。\n"
    # Taking the files is a deliberate choice.
    sync(take_files=True)
    assert published_body(app, "second") == "文件里改的。\n"


def test_export_sync_export_is_identical(app, runner, lessons_dir, sync, tmp_path):
    sync()
    root, again_root = tmp_path / "exported", tmp_path / "again"
    assert runner.invoke(args=["content", "export", "test-course", str(root)]).exit_code == 0
    exported, again = root / "lessons" / "test-course", again_root / "lessons" / "test-course"
    # Sync from the exported files: nothing changes, and a second export is byte for byte the same.
    app.config["LESSONS_DIR"] = str(exported.parent)
    assert sync().changes == []
    assert runner.invoke(args=["content", "export", "test-course", str(again_root)]).exit_code == 0
    names = sorted(p.name for p in exported.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert "01-first.en.md" in names
    match, mismatch, errors = filecmp.cmpfiles(exported, again, names, shallow=False)
    assert mismatch == [] and errors == []


def test_the_courses_pages_and_glossary_go_round_the_export(
    app, runner, lessons_dir, sync, tmp_path
):
    glossary = "# 术语表\nterms:\n  - zh: 同学们\n    en: students\n    avoid: [classmates]\n"
    (lessons_dir / "glossary.yaml").write_text(glossary, "utf-8")
    (lessons_dir / "guide.md").write_text("## 教学目的\n\n讲清楚。\n", "utf-8")
    (lessons_dir / "guide.en.md").write_text("## Aims\n\nMake it clear.\n", "utf-8")
    assert "test-course: course settings updated" in sync().changes
    exported = tmp_path / "exported" / "lessons" / "test-course"
    assert (
        runner.invoke(
            args=["content", "export", "test-course", str(tmp_path / "exported")]
        ).exit_code
        == 0
    )
    assert (exported / "guide.en.md").read_text("utf-8") == "## Aims\n\nMake it clear.\n"
    assert not (exported / "intro.md").exists()
    assert "students" in (exported / "glossary.yaml").read_text("utf-8")
    app.config["LESSONS_DIR"] = str(exported.parent)
    assert sync().changes == []
    # Exported over the original folder, a glossary that says the same keeps its comments.
    app.config["LESSONS_DIR"] = str(lessons_dir.parent)
    assert runner.invoke(args=["content", "export", "test-course"]).exit_code == 0
    assert (lessons_dir / "glossary.yaml").read_text("utf-8") == glossary
    assert (lessons_dir / "guide.md").read_text("utf-8") == "## 教学目的\n\n讲清楚。\n"


def reorder_in_the_browser(app):
    from courseware.courses import authoring, outline

    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        items = outline.move(course.items, "lesson", "second", -1)
        authoring.save_outline(course, items, "order", author=None, check_base=False)
        db.session.commit()


def items(app):
    with app.app_context():
        return db.session.scalar(sa.select(Course.items))


def test_an_outline_changed_in_the_browser_survives_a_sync_of_unchanged_files(
    app, lessons_dir, sync
):
    sync()
    reorder_in_the_browser(app)
    report = sync()
    assert report.changes == [] and report.conflicts == []
    assert items(app) == [["lesson", "second"], ["lesson", "first"]]
    # Changed in the files too: the browser's is kept and the conflict reported, until the files
    # are taken on purpose.
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace("credit_hours: 2", "credit_hours: 3")
    )
    report = sync()
    assert report.changes == [] and "course.yaml" in report.conflicts[0]
    assert items(app) == [["lesson", "second"], ["lesson", "first"]]
    report = sync(take_files=True)
    assert report.changes == ["test-course: course settings updated"]
    assert items(app) == [["lesson", "first"], ["lesson", "second"]]


def test_a_course_created_in_the_browser_is_not_archived_by_a_sync(app, lessons_dir, sync):
    from courseware.courses import authoring

    sync()
    with app.app_context():
        fields = authoring.CourseFields(
            {"zh": "新课", "en": ""}, {"zh": "", "en": ""}, {"zh": "", "en": ""}, 1
        )
        authoring.create_course("browser-only", fields, author=None)
        db.session.commit()
    report = sync()
    assert report.conflicts == [
        "browser-only: exists only in the database (created in the browser); export the course "
        "to keep it in the files"
    ]
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "browser-only"))
        assert course.archived_at is None


def test_a_lesson_taken_out_in_the_browser_stays_out(app, lessons_dir, sync):
    from courseware.lessons.authoring import take_out

    sync()
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "second"))
        take_out(lesson, author=None)
        db.session.commit()
    report = sync()
    assert report.changes == [] and "kept out" in report.conflicts[0]
    assert items(app) == [["lesson", "first"]]


def test_media_are_kept_in_the_database_and_served_from_there(
    app, client, auth, make_user, lessons_dir, sync
):
    from courseware.courses.models import CourseMedia

    (lessons_dir / "media").mkdir()
    (lessons_dir / "media" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\nfirst")
    report = sync()
    assert "test-course/media/chart.png: added" in report.changes
    (lessons_dir / "media" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\nsecond")
    assert sync().changes == ["test-course/media/chart.png: updated"]
    (lessons_dir / "media" / "chart.png").unlink()
    assert sync().changes == []
    make_user(username="zhang")
    auth.login("zhang")
    assert client.get("/courses/test-course/media/chart.png").data.endswith(b"second")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseMedia)) == 1
