"""Reminders: in-app notices for a new assignment, due soon, overdue and a certificate, a count in
the header, and mail through a real SMTP server on 127.0.0.1 in each recipient's language, once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import threading

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from courseware import jobs
from courseware.accounts.audit import AuditEvent
from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.notifications import mail
from courseware.notifications.models import MailState, Notification
from courseware.progress import classes
from courseware.progress.completion import check_completion
from courseware.progress.models import CourseAssignment
from courseware.timeutil import utcnow
from tests.conftest import Auth
from tests.progress.test_completion import complete_lessons
from tests.servers import free_port


class Inbox:
    """What an aiosmtpd server received: (envelope recipients, parsed message) each."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="peixun@example.org")
    yield inbox
    controller.stop()


@pytest.fixture
def course_id(app, lessons_dir, sync):
    sync()
    with app.app_context():
        return db.session.scalar(sa.select(Course.id))


@pytest.fixture
def people(app, make_user, make_class, make_unit):
    unit = make_unit("浙江省", "杭州市")
    ids = {
        "teacher": make_user(Role.INSTRUCTOR, username="teacher"),
        "zh": make_user(username="zhang", name="张三", email="zhang@example.org", unit_id=unit),
        "en": make_user(
            username="li", name="Li Si", email="li@example.org", locale="en", unit_id=unit
        ),
        "off": make_user(
            username="wang",
            name="王五",
            email="wang@example.org",
            email_reminders=False,
            unit_id=unit,
        ),
        "unit": unit,
    }
    ids["class"] = make_class([ids["teacher"]], [ids["zh"], ids["en"], ids["off"]], unit_id=unit)
    ids["admin"] = make_user(Role.ADMIN, username="hzadmin", admin_unit_id=unit, unit_id=unit)
    return ids


def assign(app, people, course_id, due_on):
    with app.app_context():
        from courseware.accounts.models import Cohort

        assignment = classes.assign(
            db.session.get(Cohort, people["class"]),
            db.session.get(Course, course_id),
            due_on - dt.timedelta(days=30),
            due_on,
            db.session.get(User, people["teacher"]),
        )
        db.session.commit()
        return assignment.id


def run_reminders(runner, today: dt.date):
    result = runner.invoke(args=["reminders", "send", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def notices(app, user_id):
    with app.app_context():
        return [
            (n.kind, n.key)
            for n in db.session.scalars(
                sa.select(Notification).where(Notification.user_id == user_id)
            )
        ]


def test_reminders_reach_the_smtp_server_in_each_language_once(
    app, runner, smtp, people, course_id
):
    today = utcnow().date()
    assignment = assign(app, people, course_id, today + dt.timedelta(days=2))
    run_reminders(runner, today)
    # Assigned, then due soon: each learner has both, in the app whatever their email setting.
    for who in ("zh", "en", "off"):
        assert sorted(k for k, _ in notices(app, people[who])) == ["assigned", "due_soon"]

    zh = smtp.to("zhang@example.org")
    en = smtp.to("li@example.org")
    assert [m["Subject"] for m in zh] == ["新分配的课程：测试课程", "即将到期：测试课程"]
    assert [m["Subject"] for m in en] == [
        "New course assigned: Test course",
        "Due soon: Test course",
    ]
    due = (today + dt.timedelta(days=2)).isoformat()
    plain = en[1].get_body(("plain",)).get_content()
    html = en[1].get_body(("html",)).get_content()
    assert f"The course Test course is due {due}." in plain and "Dear Li Si," in plain
    assert f"The course Test course is due {due}." in html
    assert "张三 同志" in zh[0].get_body(("plain",)).get_content()
    assert zh[0]["From"] == "peixun@example.org"
    assert smtp.to("wang@example.org") == []  # turned email off

    # Running again writes and sends nothing more.
    run_reminders(runner, today)
    assert len(smtp.messages) == 4
    assert len(notices(app, people["zh"])) == 2

    # Once past due: the overdue notice, once, and nothing to whoever has completed the course.
    complete_lessons(app, people["en"])
    with app.app_context():
        check_completion(course_id, people["en"], utcnow())
        db.session.commit()
    later = today + dt.timedelta(days=5)
    run_reminders(runner, later)
    run_reminders(runner, later)
    assert [m["Subject"] for m in smtp.to("zhang@example.org")][-1] == "已逾期：测试课程"
    assert len(smtp.to("zhang@example.org")) == 3
    en_subjects = [m["Subject"] for m in smtp.to("li@example.org")]
    assert en_subjects[-1] == "Certificate issued: Test course"
    assert not any(s.startswith("Overdue") for s in en_subjects)
    assert ("overdue", f"overdue:{assignment}") in notices(app, people["off"])
    assert smtp.to("wang@example.org") == []
    with app.app_context():
        states = set(db.session.scalars(sa.select(Notification.mail_state)))
    assert states == {MailState.SENT, MailState.SKIPPED}


def test_without_a_mail_server_notices_stay_in_the_app(app, runner, people, course_id):
    assign(app, people, course_id, utcnow().date() - dt.timedelta(days=1))
    run_reminders(runner, utcnow().date())
    with app.app_context():
        states = set(db.session.scalars(sa.select(Notification.mail_state)))
    assert states == {MailState.NONE}
    assert sorted(k for k, _ in notices(app, people["zh"])) == ["assigned", "overdue"]


def test_the_worker_mails_on_its_schedule(app, smtp, people, course_id):
    """The job worker's periodic tasks include the reminders and the mail-out."""
    assign(app, people, course_id, utcnow().date() + dt.timedelta(days=20))
    queue = jobs.huey(app)
    periodic = {task.__name__: task for task in queue._registry._periodic_tasks}
    assert {"send_reminders", "send_notification_mail"} <= set(periodic)
    periodic["send_notification_mail"]().execute()  # as the consumer runs it, each minute
    assert [m["Subject"] for m in smtp.to("li@example.org")] == ["New course assigned: Test course"]


def header_count(client) -> str | None:
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'<mark class="badge" aria-hidden="true">(\d+)</mark>', page)
    return match.group(1) if match else None


def test_the_header_counts_unread_and_the_list_marks_them_read(app, people, course_id):
    learner = Auth(app.test_client())
    assert learner.login("li").status_code == 302
    assert header_count(learner.client) is None
    # Written after the header was first rendered for this user: the count is not cached stale.
    assignment = assign(app, people, course_id, utcnow().date() - dt.timedelta(days=1))
    run_reminders(app.test_cli_runner(), utcnow().date())
    assert header_count(learner.client) == "2"
    page = learner.client.get("/notifications").get_data(as_text=True)
    assert "New course assigned: Test course" in page and "Overdue: Test course" in page

    with app.app_context():
        mine = db.session.scalar(
            sa.select(Notification.id).where(
                Notification.user_id == people["en"], Notification.kind == "assigned"
            )
        )
        theirs = db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == people["zh"])
        )
    # Without a CSRF token: refused.
    assert learner.client.post(f"/notifications/{mine}/read").status_code == 400
    # Another user's notice: not found, and left unread.
    assert learner.post(f"/notifications/{theirs}/read").status_code == 404
    assert learner.post(f"/notifications/{mine}/read").status_code == 302
    assert header_count(learner.client) == "1"
    assert learner.post("/notifications/read-all").status_code == 302
    assert header_count(learner.client) is None
    with app.app_context():
        assert db.session.get(Notification, theirs).read_at is None
        assert db.session.get(CourseAssignment, assignment) is not None


def test_remind_everyone_overdue_on_the_grid_and_the_unit_report(
    app, smtp, people, course_id, make_user
):
    make_user(Role.INSTRUCTOR, username="other")
    today = utcnow().date()
    assign(app, people, course_id, today - dt.timedelta(days=3))
    teacher = Auth(app.test_client())
    assert teacher.login("teacher").status_code == 302
    grid = teacher.client.get(f"/teach/classes/{people['class']}/progress")
    assert "Remind everyone overdue" in grid.get_data(as_text=True) or "提醒所有逾期学员" in (
        grid.get_data(as_text=True)
    )
    stranger = Auth(app.test_client())
    assert stranger.login("other").status_code == 302
    url = f"/teach/classes/{people['class']}/remind-overdue"
    assert stranger.post(url).status_code == 404
    assert teacher.client.post(url).status_code == 400  # no CSRF token
    assert teacher.post(url).status_code == 302
    assert teacher.post(url).status_code == 302  # once a day: the second reminds nobody
    with app.app_context():
        reminders = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.kind == "reminder")
        ).all()
        assert sorted(reminders) == sorted([people["zh"], people["en"], people["off"]])
        events = db.session.scalars(
            sa.select(AuditEvent.detail).where(AuditEvent.action == "notification.remind_class")
        ).all()
        assert len(events) == 2 and '"reminded": 3' in events[0] and '"reminded": 0' in events[1]
    assert smtp.messages == []  # requests only write notices: the worker mails them
    with app.app_context():
        # The assignment and the reminder: for two learners each; the third turned email off.
        assert mail.send_pending() == {"sent": 4, "skipped": 2, "failed": 0}
    assert [m["Subject"] for m in smtp.to("li@example.org")] == [
        "New course assigned: Test course",
        "Overdue: Test course",
    ]

    # The unit report: its administrator reminds; an instructor may not; tomorrow it goes again.
    admin = Auth(app.test_client())
    assert admin.login("hzadmin").status_code == 302
    report = admin.client.get(f"/reports/?unit={people['unit']}").get_data(as_text=True)
    assert f"/reports/units/{people['unit']}/remind-overdue" in report
    unit_url = f"/reports/units/{people['unit']}/remind-overdue"
    assert teacher.post(unit_url).status_code == 403
    assert admin.post(unit_url).status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "notification.remind_unit")
            )
            == 1
        )


def test_a_learner_turns_email_off_on_the_password_page(app, people):
    learner = Auth(app.test_client())
    assert learner.login("zhang").status_code == 302
    page = learner.client.get("/password").get_data(as_text=True)
    assert 'name="email_reminders"' in page and "zhang@example.org" in page
    bad = learner.post("/password/reminders", data={"email": "not-an-address"})
    assert bad.status_code == 400
    with app.app_context():
        assert db.session.get(User, people["zh"]).email == "zhang@example.org"
    done = learner.post("/password/reminders", data={"email": "z3@example.org"})
    assert done.status_code == 302
    with app.app_context():
        user = db.session.get(User, people["zh"])
        assert (user.email, user.email_reminders) == ("z3@example.org", False)
    learner.post("/password/reminders", data={"email": "z3@example.org", "email_reminders": "y"})
    with app.app_context():
        assert db.session.get(User, people["zh"]).email_reminders is True


def test_a_notice_already_written_elsewhere_is_not_written_again(
    app, people, course_id, monkeypatch
):
    """A second writer that read before the first committed meets the unique row and goes on."""
    from courseware.notifications import notify
    from courseware.notifications.models import Kind

    with app.app_context():
        db.session.add(Notification(user_id=people["zh"], kind="due_soon", key="due_soon:99"))
        db.session.commit()
        # As if the check had not seen it: the insert itself is refused, quietly, for that one.
        with monkeypatch.context() as patch:
            patch.setattr(db.session, "scalars", lambda *a, **k: iter(()))
            written = notify.notify([people["zh"], people["en"]], Kind.DUE_SOON, "due_soon:99")
        db.session.commit()
        owners = db.session.scalars(
            sa.select(Notification.user_id).where(Notification.key == "due_soon:99")
        ).all()
    assert written == 1
    assert sorted(owners) == sorted([people["zh"], people["en"]])


def test_the_count_read_with_the_session_follows_changes_made_in_the_same_request(app, make_user):
    """The header's count comes with the session's row; a notice written or read later in the
    same request makes the next count come from the database."""
    from courseware.accounts import sessions
    from courseware.accounts.models import UserSession
    from courseware.notifications import notify

    user_id = make_user()
    other_id = make_user()
    with app.app_context():
        db.session.add(UserSession(token="tok-count", user_id=user_id))
        db.session.add(Notification(user_id=user_id, kind="reminder", key="r-1"))
        db.session.commit()
    with app.test_request_context("/"):
        user = sessions.load_user("tok-count")
        assert sessions.value_read_along(notify.UNREAD, user) == 1
        assert notify.unread_count(user) == 1
        # Not this request's user: read from the database.
        other = db.session.get(User, other_id)
        assert sessions.value_read_along(notify.UNREAD, other) is None
        assert notify.unread_count(other) == 0
        assert notify.notify([user_id], notify.Kind.REMINDER, "r-2") == 1
        assert notify.unread_count(user) == 2
        notify.mark_read(user_id)
        assert notify.unread_count(user) == 0
