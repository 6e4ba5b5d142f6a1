"""Writing notices: on a new assignment and a certificate (signals), due soon and overdue (the
daily run), and a reminder an instructor sends to everyone overdue; reading and marking them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from courseware import permissions
from courseware.accounts import sessions
from courseware.accounts.models import Cohort, cohort_member, User
from courseware.db import built_once, db
from courseware.notifications.models import Kind, MailState, Notification
from courseware.progress.models import CourseAssignment, CourseCompletion
from courseware.roles import Role
from courseware.timeutil import utcnow


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def notify(user_ids, kind: Kind, key: str, **fields) -> int:
    """Write the notice for each user who has none with this key yet; return how many were new.

    The check and the insert run in the caller's transaction; the unique (user, key) constraint
    is what finally keeps a second run, or a second worker, from writing one twice."""
    user_ids = set(user_ids)
    if not user_ids:
        return 0
    have = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.key == key, Notification.user_id.in_(user_ids)
            )
        )
    )
    state = MailState.PENDING if mail_configured() else MailState.NONE
    sessions.forget_read_along(UNREAD)
    written = 0
    for user_id in sorted(user_ids - have):
        try:
            # Two runs at once (the worker and `reminders send`, or a button pressed twice):
            # the unique row lets only one through, and the other goes on with the next learner.
            with db.session.begin_nested():
                db.session.add(
                    Notification(user_id=user_id, kind=kind, key=key, mail_state=state, **fields)
                )
                db.session.flush()
            written += 1
        except IntegrityError:
            continue
    return written


def _learners_of(cohort_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(cohort_member.c.user_id)
            .join(User, User.id == cohort_member.c.user_id)
            .where(
                cohort_member.c.cohort_id == cohort_id,
                User.active.is_(True),
                User.role == Role.LEARNER.value,
            )
        )
    )


def on_course_assigned(assignment, cohort, course, **extra) -> None:
    notify(
        _learners_of(cohort.id),
        Kind.ASSIGNED,
        f"assigned:{assignment.id}",
        course_id=course.id,
        due_on=assignment.due_on,
    )


def on_certificate_issued(certificate, course, **extra) -> None:
    notify(
        [certificate.user_id],
        Kind.CERTIFICATE,
        f"certificate:{certificate.id}",
        course_id=course.id,
        certificate_id=certificate.id,
    )


def open_pairs(assignments: sa.Select) -> list[tuple[int, CourseAssignment]]:
    """(learner id, assignment) for every active learner of the assignments' classes who has not
    completed the course."""
    assignment_ids = assignments.with_only_columns(CourseAssignment.id).subquery()
    done = sa.select(CourseCompletion.id).where(
        CourseCompletion.course_id == CourseAssignment.course_id,
        CourseCompletion.user_id == cohort_member.c.user_id,
    )
    rows = db.session.execute(
        sa.select(cohort_member.c.user_id, CourseAssignment)
        .join(CourseAssignment, CourseAssignment.cohort_id == cohort_member.c.cohort_id)
        .join(User, User.id == cohort_member.c.user_id)
        .where(
            CourseAssignment.id.in_(sa.select(assignment_ids.c.id)),
            User.active.is_(True),
            User.role == Role.LEARNER.value,
            ~done.exists(),
        )
        .order_by(CourseAssignment.id, cohort_member.c.user_id)
    ).all()
    return [(user_id, assignment) for user_id, assignment in rows]


def _by_assignment(pairs) -> dict[int, tuple[CourseAssignment, list[int]]]:
    grouped: dict[int, tuple[CourseAssignment, list[int]]] = {}
    for user_id, assignment in pairs:
        grouped.setdefault(assignment.id, (assignment, []))[1].append(user_id)
    return grouped


def send_due_reminders(today: dt.date) -> dict[str, int]:
    """Write the due-soon and overdue notices owed today; each learner gets each once per
    assignment, however often this runs. Return how many of each were new."""
    days = int(current_app.config.get("REMINDER_DUE_SOON_DAYS", 3))
    counts = {Kind.DUE_SOON.value: 0, Kind.OVERDUE.value: 0}
    soon = sa.select(CourseAssignment).where(
        CourseAssignment.due_on >= today,
        CourseAssignment.due_on <= today + dt.timedelta(days=days),
    )
    late = sa.select(CourseAssignment).where(CourseAssignment.due_on < today)
    for kind, query in ((Kind.DUE_SOON, soon), (Kind.OVERDUE, late)):
        for assignment, user_ids in _by_assignment(open_pairs(query)).values():
            counts[kind.value] += notify(
                user_ids,
                kind,
                f"{kind.value}:{assignment.id}",
                course_id=assignment.course_id,
                due_on=assignment.due_on,
            )
    return counts


def overdue_in_class(cohort: Cohort, today: dt.date):
    return open_pairs(
        sa.select(CourseAssignment).where(
            CourseAssignment.cohort_id == cohort.id, CourseAssignment.due_on < today
        )
    )


def overdue_in_unit(user, unit_ids: set[int], today: dt.date):
    """The overdue learners of the units, in the classes the user may teach (every class of
    their units for an administrator, the classes they teach for an instructor)."""
    pairs = open_pairs(
        sa.select(CourseAssignment).where(
            CourseAssignment.due_on < today,
            CourseAssignment.cohort_id.in_(
                permissions.visible_cohorts(user).with_only_columns(Cohort.id)
            ),
        )
    )
    units = dict(
        db.session.execute(
            sa.select(User.id, User.unit_id).where(User.id.in_({u for u, _ in pairs}))
        ).all()
    )
    return [(u, a) for u, a in pairs if units.get(u) in unit_ids]


def remind(pairs, today: dt.date) -> int:
    """Remind each overdue learner of each assignment, once a day at most; return how many."""
    sent = 0
    for assignment, user_ids in _by_assignment(pairs).values():
        sent += notify(
            user_ids,
            Kind.REMINDER,
            f"reminder:{assignment.id}:{today.isoformat()}",
            course_id=assignment.course_id,
            due_on=assignment.due_on,
        )
    return sent


# --- reading ----------------------------------------------------------------------------------


# Built once: the header counts unread notices on every page, and building the statement costs
# more than running it.
UNREAD_COUNT = (
    sa.select(sa.func.count())
    .select_from(Notification)
    .where(Notification.user_id == sa.bindparam("user_id"), Notification.read_at.is_(None))
)
# The same count for the signed-in user, read with their session's row (sessions.read_along).
UNREAD = "unread_notifications"
UNREAD_ALONG = (
    sa.select(sa.func.count())
    .where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .scalar_subquery()
)


def unread_count(user) -> int:
    """The user's unread notices: as read with this request's session row when it is theirs
    and nothing in this request changed their notices since, else from the database."""
    kept = sessions.value_read_along(UNREAD, user)
    if kept is not None:
        return kept
    return db.session.connection().execute(UNREAD_COUNT, {"user_id": user.id}).scalar_one()


@built_once
def _page_of():
    return (
        sa.select(Notification)
        .where(Notification.user_id == sa.bindparam("user_id"))
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
        .limit(sa.bindparam("limit"))
    )


def page_of(user_id: int, limit: int = 100) -> list[Notification]:
    """The user's notices, unread first, newest first."""
    return list(db.session.scalars(_page_of(), {"user_id": user_id, "limit": limit}))


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notices read, or all of them; another user's id changes nothing."""
    query = sa.update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    sessions.forget_read_along(UNREAD)
    return db.session.execute(query.values(read_at=utcnow())).rowcount
