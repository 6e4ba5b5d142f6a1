"""`flask --app courseware certificates issue-missing`: certificates for completions that have none."""

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from courseware.certificates import operations
from courseware.db import db

certificates_cli = AppGroup("certificates", help="Issue certificates.")


@certificates_cli.command("issue-missing")
def issue_missing():
    """Issue a certificate for every completion without one (completions recorded before
    certificates were issued). Safe to run again: it issues nothing twice."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(operations.without_certificate().subquery())
    )
    with click.progressbar(
        length=total, label=f"Issuing {total:,} certificates", file=sys.stderr
    ) as bar:
        issued = operations.issue_missing(progress=bar.update)
    db.session.commit()
    click.echo(f"Issued {issued:,} certificates.")


def init_app(app):
    app.cli.add_command(certificates_cli)
