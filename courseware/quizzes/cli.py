"""`flask --app courseware quiz import | export | close-overdue`."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes import attempts, bank
from courseware.timeutil import utcnow

quiz_cli = AppGroup("quiz", help="Import and export questions; close overdue attempts.")


@quiz_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--course", "course_slug", help="The course whose question bank receives the questions."
)
def import_questions(file, course_slug):
    """Import a question bank (.gift or .yaml) into a course; all of it, or nothing on any problem."""
    course = _course(course_slug)
    questions, problems = bank.read_bank(file.read_bytes(), file.name, str(file))
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problems in {file}; nothing was imported")
    changes = bank.import_questions(course, questions)
    db.session.commit()
    click.echo(
        f"{len(questions)} questions read, {len(changes)} added or changed in {course.slug}."
    )


@quiz_cli.command("export")
@click.argument("quiz_slug")
@click.argument("out", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["gift", "yaml"]), default="yaml", show_default=True
)
@click.option("--course", "course_slug", help="The course, when several have a quiz of this name.")
def export_questions(quiz_slug, out, fmt, course_slug):
    """Write a quiz's questions (with every question its draws may pick) as GIFT or YAML."""
    quiz = bank.find_quiz(quiz_slug, course_slug)
    if quiz is None:
        raise click.ClickException(
            f"no quiz {quiz_slug!r}" + (f" in {course_slug}" if course_slug else "")
        )
    try:
        text, skipped = bank.export_quiz(quiz, fmt)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    for name, why in skipped:
        click.echo(f"skipped {name}: {why}", err=True)
    if out:
        out.write_text(text, "utf-8")
        click.echo(f"Wrote {out}.")
    else:
        click.echo(text, nl=False)


@quiz_cli.command("close-overdue")
def close_overdue():
    """Hand in and grade every attempt past its deadline (run it from cron every few minutes)."""
    count = attempts.close_overdue(utcnow())
    db.session.commit()
    click.echo(f"{count} overdue attempts handed in.")


def _course(slug):
    courses = list(db.session.scalars(sa.select(Course).where(Course.archived_at.is_(None))))
    if slug:
        course = next((c for c in courses if c.slug == slug), None)
        if course is None:
            raise click.ClickException(f"no course {slug!r}")
        return course
    if len(courses) != 1:
        raise click.ClickException("say which course with --course SLUG")
    return courses[0]


def init_app(app):
    app.cli.add_command(quiz_cli)
