"""Notifications: in-app notices of assignments, due dates and certificates, mailed by the job
worker when a mail server is configured."""

from courseware import jobs, signals, templating
from courseware.accounts import sessions
from courseware.notifications import cli, notify


def init_app(app) -> None:
    """Write a notice when a course is assigned or a certificate issued; count the unread in the
    header; have the worker write the daily reminders and mail pending notices."""
    signals.course_assigned.connect(notify.on_course_assigned)
    signals.certificate_issued.connect(notify.on_certificate_issued)
    templating.register_header_count(app, notify.unread_count)
    sessions.read_along(notify.UNREAD, notify.UNREAD_ALONG)
    jobs.register_periodic(app, "send_reminders", lambda: cli.run_reminders(), minute="5")
    jobs.register_periodic(app, "send_notification_mail", cli.send_pending_mail, minute="*")
    app.cli.add_command(cli.reminders_cli)
