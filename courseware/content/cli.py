"""`flask --app courseware content check | sync | export`."""

from pathlib import Path

import click
from flask.cli import AppGroup

from courseware.content.steps import check_all, count_all, export_all, sync_content
from courseware.db import db

content_cli = AppGroup("content", help="Check, sync and export the course files.")


def _report_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{len(problems)} problems in the content files")


@content_cli.command("check")
def check():
    """Check every content file; print each problem as path:line: message."""
    found, problems = check_all()
    if problems:
        _report_problems(problems)
    click.echo(", ".join(count_all(found)) + ": no problems.")


@content_cli.command("sync")
@click.option(
    "--take-files",
    is_flag=True,
    help="Where a lesson changed in the files and the browser, take the files.",
)
def sync(take_files):
    """Check, then update the database from the files in one transaction."""
    found, problems = check_all()
    if problems:
        _report_problems(problems)
    report = sync_content(found, take_files)
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
    """Write a course as files: FOLDER/lessons/COURSE (course.yaml, lessons, media) and the other
    content kinds beside it; without FOLDER, into the content folders themselves."""
    written = export_all(course_slug, folder)
    click.echo(f"Wrote {len(written)} files to {folder or 'the content folders'}.")


def init_app(app):
    app.cli.add_command(content_cli)
