"""Notices in words, and by email: the job worker mails each pending notice once, in its
recipient's language, as plain text with a simple HTML part."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _

from courseware.accounts.models import User
from courseware.courses.models import Course
from courseware.db import db
from courseware.i18n import force_locale, text
from courseware.notifications.models import Kind, MailState, Notification
from courseware.timeutil import utcnow

log = logging.getLogger(__name__)


def describe(notification: Notification) -> tuple[str, str]:
    """The notice's title and sentence in the current language."""
    course = db.session.get(Course, notification.course_id) if notification.course_id else None
    title = text(course.title) if course else ""
    due = notification.due_on.isoformat() if notification.due_on else ""
    if notification.kind == Kind.ASSIGNED:
        return (
            _("New course assigned: %(course)s", course=title),
            _("The course %(course)s was assigned to you, due %(due)s.", course=title, due=due),
        )
    if notification.kind == Kind.DUE_SOON:
        return (
            _("Due soon: %(course)s", course=title),
            _("The course %(course)s is due %(due)s.", course=title, due=due),
        )
    if notification.kind in (Kind.OVERDUE, Kind.REMINDER):
        return (
            _("Overdue: %(course)s", course=title),
            _("The course %(course)s was due %(due)s; please complete it.", course=title, due=due),
        )
    if notification.kind == Kind.CERTIFICATE:
        return (
            _("Certificate issued: %(course)s", course=title),
            _("You completed %(course)s and your certificate was issued.", course=title),
        )
    return notification.kind, ""


def recipient_locale(user: User) -> str:
    return user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")


def message_for(notification: Notification, user: User) -> EmailMessage:
    """The email for a notice, in the recipient's language."""
    with force_locale(recipient_locale(user)):
        subject, body = describe(notification)
        greeting = _("Dear %(name)s,", name=user.name)
        footer = _(
            "Sign in to Courseware to see your courses. You can turn these emails off on your "
            "password page."
        )
        html = render_template(
            "notifications/email.html",
            subject=subject,
            body=body,
            greeting=greeting,
            footer=footer,
        )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config.get("MAIL_FROM") or "courseware@localhost"
    message["To"] = user.email
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="courseware")
    message.set_content(f"{greeting}\n\n{body}\n\n{footer}\n")
    message.add_alternative(html, subtype="html")
    return message


def _claim(notification_id: int) -> bool:
    """Take a pending notice for this worker: only one claim wins, so none is mailed twice."""
    claimed = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.mail_state == MailState.PENDING)
        .values(mail_state=MailState.SENDING)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _finish(notification_id: int, state: MailState) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id)
        .values(mail_state=state, mailed_at=utcnow() if state == MailState.SENT else None)
    )
    db.session.commit()


def connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=30)
    if config.get("MAIL_TLS"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def send_pending(limit: int = 500) -> dict[str, int]:
    """Mail the pending notices (the job worker runs this every minute); return what happened."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    if not current_app.config.get("MAIL_SERVER"):
        return counts
    pending = list(
        db.session.execute(
            sa.select(Notification.id, Notification.user_id)
            .where(Notification.mail_state == MailState.PENDING)
            .order_by(Notification.id)
            .limit(limit)
        ).all()
    )
    db.session.commit()
    smtp = None
    try:
        for notification_id, user_id in pending:
            if not _claim(notification_id):
                continue
            user = db.session.get(User, user_id)
            if not user.email or not user.email_reminders or not user.active:
                _finish(notification_id, MailState.SKIPPED)
                counts["skipped"] += 1
                continue
            try:
                smtp = smtp or connect()
                smtp.send_message(message_for(db.session.get(Notification, notification_id), user))
            except (smtplib.SMTPException, OSError):
                log.exception("could not mail notification %s", notification_id)
                _finish(notification_id, MailState.FAILED)
                counts["failed"] += 1
                smtp = None
                continue
            _finish(notification_id, MailState.SENT)
            counts["sent"] += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
    return counts
