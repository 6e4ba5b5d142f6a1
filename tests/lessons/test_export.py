"""Files stay the source of truth: `content export COURSE DIR` writes a course in the repository's
layout, and syncing that folder into an empty database and exporting again gives the same bytes —
for the course shipped with the repository, and for one built in the browser with an image."""

import filecmp
import io
import shutil
from pathlib import Path

import sqlalchemy as sa

from courseware.content.files import load_course
from courseware.courses.models import Course, CourseMedia
from courseware.db import db
from courseware.lessons.sync import sync_courses
from tests.conftest import database_url, make_app
from tests.courses.conftest import png, signed_in, token_of

SHIPPED = Path(__file__).resolve().parents[2] / "lessons" / "microblogging-and-leadership"


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def same_bytes(a: Path, b: Path) -> None:
    names = tree(a)
    assert names == tree(b)
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def empty_database(app, backend, tmp_path):
    """A second app on a database of its own, created empty (the first one's is let go)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    folder = tmp_path / "fresh"
    folder.mkdir()
    fresh = make_app(database_url(backend, folder))
    with fresh.app_context():
        db.create_all()
    return fresh


def export(runner, course: str, root: Path) -> None:
    result = runner.invoke(args=["content", "export", course, str(root)])
    assert result.exit_code == 0, result.output


def test_the_shipped_course_exports_to_the_bytes_it_was_synced_from(app, runner, tmp_path):
    """The course files in the repository are written as export writes them: an export into the
    repository after browser edits shows only those edits."""
    folder = tmp_path / "lessons" / SHIPPED.name
    shutil.copytree(SHIPPED, folder)
    app.config["LESSONS_DIR"] = str(folder.parent)
    with app.app_context():
        # Quizzes and exercises are checked by their own steps; here they are taken as present.
        source, problems = load_course(folder, folder.parent, lambda *args: True)
        assert problems == []
        sync_courses([source])
        db.session.commit()
    export(runner, SHIPPED.name, tmp_path / "out")
    out = tmp_path / "out" / "lessons" / SHIPPED.name
    # The comments of course.yaml and glossary.yaml are the repository's own: a fresh export
    # cannot know them, and everything else is the same bytes.
    commented = {"course.yaml", "glossary.yaml"}
    assert tree(SHIPPED) == tree(out)
    same_bytes_but(SHIPPED, out, commented)
    for name in commented:
        assert without_comments(out / name) == without_comments(SHIPPED / name)
    # Exported into the repository itself, the files keep their comments: nothing changes.
    export(runner, SHIPPED.name, tmp_path)
    same_bytes(SHIPPED, folder)


def same_bytes_but(a: Path, b: Path, skipped: set[str]) -> None:
    names = [name for name in tree(a) if name not in skipped]
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def without_comments(path: Path) -> list[str]:
    return [
        line for line in path.read_text("utf-8").splitlines() if not line.lstrip().startswith("#")
    ]


def build_in_the_browser(app, make_user):
    """A course made from nothing in the browser: settings, cover, two lessons, one with an image."""
    teacher = signed_in(app, make_user, "builder")
    page = teacher.client.get("/author/courses/new").get_data(as_text=True)
    created = teacher.client.post(
        "/author/courses/new",
        data={
            "csrf_token": token_of(page),
            "slug": "built",
            "title_zh": "浏览器里建的课",
            "title_en": "Built in the browser",
            "summary_zh": "说明：“引号”和 'single' 与 \"double\"。",
            "audience_zh": "基层干部",
            "credit_hours": "1.5",
            "cover": (io.BytesIO(png(60, 40)), "cover.png"),
        },
        content_type="multipart/form-data",
    )
    assert created.status_code == 302
    uploaded = teacher.client.post(
        "/author/built/media",
        data={"csrf_token": token_of(page), "image": (io.BytesIO(png(30, 20)), "图.png")},
        headers={"Accept": "application/json"},
        content_type="multipart/form-data",
    ).get_json()
    for slug, title, body, after in [
        ("intro", "导言", f"导言正文。\n\n{uploaded['markdown']}\n", "end"),
        ("practice", "实践", "实践正文：\n\n- 一\n- 二\n", "start"),
    ]:
        page = teacher.client.get("/author/built/new").get_data(as_text=True)
        response = teacher.client.post(
            "/author/built/new",
            data={
                "csrf_token": token_of(page),
                "slug": slug,
                "position": after,
                "title_zh": title,
                "minutes": "7",
                "objectives_zh": "目标：一\n目标二",
                "body_zh": body,
                "title_en": f"{slug.title()}: a lesson's title",
                "objectives_en": "Goal one",
                "body_en": "Body.\n",
                "publish": "1",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    return teacher


def test_a_course_built_in_the_browser_round_trips_through_its_files(
    app, backend, runner, make_user, tmp_path, lessons_dir
):
    build_in_the_browser(app, make_user)
    first = tmp_path / "first"
    export(runner, "built", first)
    folder = first / "lessons" / "built"
    assert tree(folder)[:2] == ["01-intro.en.md", "01-intro.md"]
    assert len(list((folder / "media").iterdir())) == 2
    assert "cover: media/cover-" in (folder / "course.yaml").read_text("utf-8")
    assert "items:\n  - lesson: practice\n  - lesson: intro\n" in (
        folder / "course.yaml"
    ).read_text("utf-8")
    # Into an empty database, from those files alone.
    fresh = empty_database(app, backend, tmp_path)
    fresh.config.update(
        LESSONS_DIR=str(first / "lessons"),
        QUIZZES_DIR=str(first / "quizzes"),
        EXERCISES_DIR=str(first / "exercises"),
    )
    synced = fresh.test_cli_runner().invoke(args=["content", "sync"])
    assert synced.exit_code == 0 and "built/media/" in synced.output, synced.output
    second = tmp_path / "second"
    export(fresh.test_cli_runner(), "built", second)
    same_bytes(folder, second / "lessons" / "built")
    with fresh.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "built"))
        assert course.published_at is not None and course.credit_hours == 1.5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseMedia)) == 2
        db.session.remove()
        db.engine.dispose()


def test_an_export_into_the_content_folder_leaves_no_stale_lesson_files(
    app, runner, make_user, lessons_dir, sync
):
    sync()
    teacher = signed_in(app, make_user)
    page = teacher.client.get("/author/test-course/").get_data(as_text=True)
    token = token_of_form(page)
    taken = teacher.client.post("/author/test-course/first/take-out", data={"csrf_token": token})
    assert "测试课程" in teacher.client.get(taken.location).get_data(as_text=True)
    result = runner.invoke(args=["content", "export", "test-course"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in lessons_dir.iterdir()) == ["02-second.md", "course.yaml"]
    # The files now say what the database says: a sync changes nothing and keeps it out.
    assert sync().changes == []


def token_of_form(page: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_export_of_an_unknown_course_fails_with_its_name(runner, lessons_dir, tmp_path):
    result = runner.invoke(args=["content", "export", "no-such", str(tmp_path)])
    assert result.exit_code != 0 and "no-such" in result.output


def test_the_whole_course_with_its_quizzes_and_exercises_round_trips(
    app, backend, runner, lessons_dir, sync, tmp_path
):
    from tests.exercises.conftest import DRILL
    from tests.quizzes.conftest import QUIZ_YAML

    quizzes = tmp_path / "quizzes" / "test-course"
    (quizzes / "banks").mkdir(parents=True)
    (quizzes / "check.yaml").write_text(QUIZ_YAML, "utf-8")
    exercises = tmp_path / "exercises" / "test-course"
    exercises.mkdir(parents=True)
    shutil.copy(DRILL, exercises / DRILL.name)
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - lesson: second\n", "  - lesson: second\n  - quiz: check\n  - exercise: drill\n"
        ),
        "utf-8",
    )
    sync()
    first = tmp_path / "first"
    export(runner, "test-course", first)
    assert tree(first / "quizzes" / "test-course") == ["check.yaml"]
    same_bytes(exercises, first / "exercises" / "test-course")
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
