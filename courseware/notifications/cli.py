"""`flask --app courseware reminders send`: write the due-soon and overdue notices owed today and
mail what is pending. The job worker runs the same every hour; running it twice changes nothing."""

import datetime as dt

import click
from flask.cli import AppGroup

from courseware.db import db
from courseware.notifications import mail, notify
from courseware.timeutil import local_today

reminders_cli = AppGroup("reminders", help="Reminders of assigned courses.")


def run_reminders(today: dt.date | None = None) -> tuple[dict, dict]:
    """The periodic work: today's notices, committed, then the pending mail."""
    written = notify.send_due_reminders(today or local_today())
    db.session.commit()
    return written, mail.send_pending()


def send_pending_mail() -> None:
    """The worker's every-minute mail-out of notices written by requests."""
    mail.send_pending()


@reminders_cli.command("send")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Take this as today's date.")
def send_command(today):
    """Write today's due-soon and overdue notices and mail the pending ones."""
    written, mailed = run_reminders(today.date() if today else None)
    click.echo(
        f"Due soon: {written['due_soon']}, overdue: {written['overdue']}; "
        f"mailed {mailed['sent']}, skipped {mailed['skipped']}, failed {mailed['failed']}."
    )
