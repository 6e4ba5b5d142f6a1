"""`flask --app courseware content check | sync | export`."""

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from courseware.content.files import load_courses, Problem
from courseware.courses.models import Course
from courseware.db import db

content_cli = AppGroup("content", help="Check, sync and export the course files.")


def content_dir(kind: str) -> Path:
    """Where lessons, quizzes or exercises live: COURSEWARE_<KIND>_DIR, else beside the package."""
    configured = current_app.config.get(f"{kind.upper()}_DIR")
    return Path(configured) if configured else Path(current_app.root_path).parent / kind


def item_exists(kind: str, course: str, slug: str) -> bool:
    """Whether a quiz or exercise named in course.yaml has a file."""
    folder = content_dir("quizzes" if kind == "quiz" else "exercises") / course
    suffixes = (".yaml", ".gift") if kind == "quiz" else (".yaml",)
    return any((folder / f"{slug}{s}").exists() for s in suffixes)


@dataclass
class CourseItems:
    """What the quizzes/ and exercises/ folders hold, checked."""

    quizzes: list
    exercises: dict


def content_zone() -> ZoneInfo:
    """The zone quiz opening and closing times are written in."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def check_all():
    """Load every course with its quizzes and exercises; return (courses, items, problems)."""
    from courseware.exercises.files import load_all_scenarios
    from courseware.quizzes.files import load_all_quizzes

    courses, problems = load_courses(content_dir("lessons"), item_exists)
    lessons = {c.slug: {lesson.slug for lesson in c.lessons} for c in courses}
    quizzes, quiz_problems = load_all_quizzes(content_dir("quizzes"), content_zone(), lessons)
    root = content_dir("quizzes")
    known = {c.slug for c in courses} | {
        p.name for p in content_dir("lessons").glob("*") if p.is_dir()
    }
    for course in quizzes:
        if course.course not in known:
            quiz_problems.append(
                Problem(
                    str(root.name + "/" + course.course),
                    1,
                    f"no course {course.course} in the lessons folder",
                )
            )
    exercises, exercise_problems = load_all_scenarios(content_dir("exercises"))
    for course_slug in exercises:
        if course_slug not in known:
            exercise_problems.append(
                Problem(
                    f"exercises/{course_slug}", 1, f"no course {course_slug} in the lessons folder"
                )
            )
    return (
        courses,
        CourseItems(quizzes, exercises),
        sorted(problems + quiz_problems + exercise_problems),
    )


def sync_content(courses, items, take_files=False):
    """Apply checked courses, quizzes and exercises to the database; the caller commits."""
    from courseware.exercises.sync import sync_exercises
    from courseware.lessons.sync import sync_courses
    from courseware.quizzes.sync import sync_quizzes

    report = sync_courses(courses, take_files=take_files)
    db.session.flush()
    course_ids = dict(db.session.execute(sa.select(Course.slug, Course.id)).all())
    report.changes += sync_quizzes(items.quizzes, course_ids)
    report.changes += sync_exercises(items.exercises, course_ids)
    return report


def _report_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{len(problems)} problems in the content files")


@content_cli.command("check")
def check():
    """Check every content file; print each problem as path:line: message."""
    courses, items, problems = check_all()
    if problems:
        _report_problems(problems)
    lessons = sum(len(c.lessons) for c in courses)
    quiz_count = sum(len(c.quizzes) for c in items.quizzes)
    questions = sum(len(c.questions) for c in items.quizzes)
    exercises = sum(len(found) for found in items.exercises.values())
    click.echo(
        f"{len(courses)} courses, {lessons} lessons, {quiz_count} quizzes, {questions} questions, "
        f"{exercises} exercises: no problems."
    )


@content_cli.command("sync")
@click.option(
    "--take-files",
    is_flag=True,
    help="Where a lesson changed in the files and the browser, take the files.",
)
def sync(take_files):
    """Check, then update the database from the files in one transaction."""
    courses, items, problems = check_all()
    if problems:
        _report_problems(problems)
    report = sync_content(courses, items, take_files)
    db.session.commit()
    for line in report.changes:
        click.echo(line)
    for line in report.conflicts:
        click.echo(f"conflict: {line}", err=True)
    if not report.changes:
        click.echo("Nothing changed.")


@content_cli.command("export")
@click.argument("course_slug")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def export(course_slug, folder):
    """Write a course's published lessons to FOLDER (default: its folder under lessons/)."""
    from courseware.lessons.export import export_course

    course = db.session.scalar(sa.select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}")
    source_folder = content_dir("lessons") / course_slug
    written = export_course(course, folder or source_folder, media_from=source_folder)
    click.echo(f"Wrote {len(written)} files to {folder or source_folder}.")


def init_app(app):
    app.cli.add_command(content_cli)
