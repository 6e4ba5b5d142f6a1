"""`flask --app courseware records export USERNAME [--year YYYY] --format pdf|xlsx OUT`: a cadre's
training record (个人培训档案) as a file."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from courseware.accounts.audit import record as audit
from courseware.accounts.models import User
from courseware.db import db
from courseware.reports import record_files, records
from courseware.timeutil import utcnow

records_cli = AppGroup("records", help="Cadres' training records (个人培训档案).")


@records_cli.command("export")
@click.argument("username")
@click.option(
    "--year", type=click.IntRange(2000, 9999), help="The year, e.g. 2026 (default: this year)."
)
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), required=True)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_record(username, year, fmt, out):
    """Write USERNAME's record for the year and the five years ending with it to OUT."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.BadParameter(f"no account with the username {username}", param_hint="USERNAME")
    this_year = utcnow().year
    if year is not None and year > this_year:
        raise click.BadParameter(f"{year} has not begun yet", param_hint="--year")
    record = records.record_of(user, year or this_year)
    if fmt == "pdf":
        from courseware.reports import record_pdf  # ReportLab loads when a record is printed

        body = record_pdf.record_pdf(record)
    else:
        body = record_files.record_xlsx(record)
    out.write_bytes(body)
    audit("record.export_cli", f"user:{user.username}", {"year": record.year, "format": fmt})
    db.session.commit()
    click.echo(f"Wrote {user.username}'s training record for {record.year} to {out}")
