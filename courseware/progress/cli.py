"""`flask --app courseware credits course-rule SLUG --from-minutes | --by-hand`."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from courseware.courses.credit_rule import set_credit_from_minutes
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress import ledger

credits_cli = AppGroup("credits", help="The 学时 ledger's rules.")


@credits_cli.command("course-rule")
@click.argument("slug")
@click.option(
    "--from-minutes/--by-hand",
    default=None,
    help="Credit the course by its lessons' minutes (COURSE_CREDIT) or by its credit_hours.",
)
def course_rule(slug, from_minutes):
    """Show, or set, how a completion of the course is credited."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"no course {slug!r}")
    if from_minutes is not None and set_credit_from_minutes(course, from_minutes):
        db.session.commit()
    how = "from its lessons' minutes" if course.credit_from_minutes else "as set by hand"
    click.echo(f"{course.slug}: {ledger.course_credit(course):g} credit hours a completion, {how}")
