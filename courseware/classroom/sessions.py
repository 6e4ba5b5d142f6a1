"""The work of a class session (课堂): opening it, check-in (签到) by the rotating code, leave
requests (请假), corrections, closing it with the in-person 学时 it credits, and reversing that.

Every change is a plain function over the database, with nothing kept in a worker's memory, so
several workers and servers serve one room. The caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from courseware.accounts.audit import record
from courseware.accounts.models import Cohort, cohort_member, User
from courseware.classroom import codes
from courseware.classroom.credit import CreditRules, learner_hours
from courseware.classroom.models import (
    Attendance,
    AttendanceStatus,
    ATTENDED,
    ClassSession,
    LeaveRequest,
    LeaveStatus,
    SessionStatus,
)
from courseware.db import built_once, db
from courseware.progress import ledger
from courseware.progress.models import CreditEntry

MAX_PLANNED_HOURS = 12
MAX_TEXT = 500


class ClassroomError(ValueError):
    """Something a class session cannot do now; `code` says what, for a message in the user's
    language (messages.py)."""

    def __init__(self, code: str, **detail):
        super().__init__(code)
        self.code = code
        self.detail = detail


# --- settings ---------------------------------------------------------------------------------


def credit_rules() -> CreditRules:
    return CreditRules.from_config(current_app.config.get("CLASSROOM_CREDIT"))


def code_seconds() -> int:
    return int(current_app.config.get("CLASSROOM_CODE_SECONDS", codes.WINDOW_SECONDS))


def late_after(session: ClassSession) -> dt.datetime:
    """From when a check-in is late: the start plus the grace setting."""
    grace = current_app.config.get("CLASSROOM_LATE_GRACE_MINUTES", 10)
    return session.starts_at + dt.timedelta(minutes=grace)


def checkin_opens(session: ClassSession) -> dt.datetime:
    early = current_app.config.get("CLASSROOM_CHECKIN_EARLY_MINUTES", 30)
    return session.starts_at - dt.timedelta(minutes=early)


def local_date(moment: dt.datetime) -> dt.date:
    """The date in the organisation's time zone of a stored (naive UTC) time."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    return moment.replace(tzinfo=dt.UTC).astimezone(zone).date()


# --- opening ----------------------------------------------------------------------------------


def open_session(
    cohort: Cohort,
    by: User,
    starts_at: dt.datetime,
    planned_hours: float,
    place: str = "",
    topic: str = "",
) -> ClassSession:
    """Open a session for a class: its learners may check in from shortly before it starts."""
    if not 0 < planned_hours <= MAX_PLANNED_HOURS:
        raise ClassroomError("planned_hours")
    while True:
        code = codes.new_join_code()
        taken = db.session.scalar(sa.select(ClassSession.id).where(ClassSession.join_code == code))
        if taken is None:
            break
    session = ClassSession(
        cohort_id=cohort.id,
        opened_by_id=by.id,
        starts_at=starts_at,
        planned_hours=round(planned_hours, 2),
        place=place.strip()[:200],
        topic=topic.strip()[:200],
        join_code=code,
        secret=codes.new_secret(),
        status=SessionStatus.OPEN,
    )
    db.session.add(session)
    db.session.flush()
    record(
        "classroom.open",
        f"class_session:{session.id}",
        {"class": cohort.name, "starts": starts_at.isoformat(), "hours": session.planned_hours},
    )
    return session


@built_once
def _membership():
    return sa.select(cohort_member.c.user_id).where(
        cohort_member.c.cohort_id == sa.bindparam("cohort_id"),
        cohort_member.c.user_id == sa.bindparam("user_id"),
    )


def is_member(session: ClassSession, user_id: int) -> bool:
    found = db.session.execute(
        _membership(), {"cohort_id": session.cohort_id, "user_id": user_id}
    ).first()
    return found is not None


@built_once
def _session_of_member():
    return (
        sa.select(ClassSession)
        .join(
            cohort_member,
            sa.and_(
                cohort_member.c.cohort_id == ClassSession.cohort_id,
                cohort_member.c.user_id == sa.bindparam("user_id"),
            ),
        )
        .where(ClassSession.id == sa.bindparam("session_id"))
    )


def session_of_member(session_id: int, user_id: int) -> ClassSession | None:
    """The session, if the user is a learner of its class (one query)."""
    return db.session.scalar(_session_of_member(), {"session_id": session_id, "user_id": user_id})


def member_ids(session: ClassSession) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(cohort_member.c.user_id).where(cohort_member.c.cohort_id == session.cohort_id)
        )
    )


def sessions_of_learner(user_id: int, now: dt.datetime) -> list[ClassSession]:
    """The learner's classes' open sessions, and those closed in the last day, soonest first."""
    return list(
        db.session.scalars(
            sa.select(ClassSession)
            .join(cohort_member, cohort_member.c.cohort_id == ClassSession.cohort_id)
            .where(
                cohort_member.c.user_id == user_id,
                sa.or_(
                    ClassSession.status == SessionStatus.OPEN,
                    ClassSession.closed_at >= now - dt.timedelta(days=1),
                ),
            )
            .order_by(ClassSession.starts_at)
        )
    )


# --- check-in ---------------------------------------------------------------------------------


@built_once
def _attendance():
    return sa.select(Attendance).where(
        Attendance.session_id == sa.bindparam("session_id"),
        Attendance.user_id == sa.bindparam("user_id"),
    )


def attendance_of(session_id: int, user_id: int) -> Attendance | None:
    return db.session.scalar(_attendance(), {"session_id": session_id, "user_id": user_id})


def _may_check_in(session: ClassSession, user_id: int, now: dt.datetime) -> None:
    if not session.is_open:
        raise ClassroomError("closed")
    if not is_member(session, user_id):
        raise ClassroomError("not_member")
    if now < checkin_opens(session):
        raise ClassroomError("too_early", opens=checkin_opens(session))


def check_in(
    session: ClassSession, user_id: int, code: str, now: dt.datetime, resent: bool = False
) -> Attendance:
    """Check a learner in with the code on the projector: once, late after the grace period.

    The code of the current or the previous window passes; an older one is refused as expired,
    unless the phone kept the check-in while offline and sends it again (`resent`) with a code
    valid within codes.RESENT_SECONDS: then the learner counts as checked in when the code was
    last valid, which the code proves they saw in the room."""
    _may_check_in(session, user_id, now)
    existing = attendance_of(session.id, user_id)
    if existing is not None:
        raise ClassroomError("already", attendance=existing)
    verdict = codes.check(session.secret, code, now, code_seconds(), resent)
    if verdict == codes.EXPIRED:
        raise ClassroomError("expired")
    if verdict != codes.VALID:
        raise ClassroomError("wrong")
    back = codes.windows_back(session.secret, code, now, code_seconds())
    now = min(now, codes.valid_until(back, now, code_seconds()))
    status = AttendanceStatus.LATE if now > late_after(session) else AttendanceStatus.PRESENT
    attendance = Attendance(
        session_id=session.id, user_id=user_id, status=status, checked_in_at=now
    )
    try:
        with db.session.begin_nested():
            db.session.add(attendance)
            db.session.flush()
    except IntegrityError:
        # The same learner checked in from a second tab a moment ago.
        raise ClassroomError("already", attendance=attendance_of(session.id, user_id)) from None
    return attendance


def session_for_code(
    user_id: int, code: str, now: dt.datetime, resent: bool = False
) -> ClassSession:
    """The open session of the learner's classes whose current code was typed; an expired code or
    a wrong one is refused with what went wrong (a resent one as in check_in)."""
    candidates = [
        s for s in sessions_of_learner(user_id, now) if s.is_open and now >= checkin_opens(s)
    ]
    if not candidates:
        raise ClassroomError("no_session")
    expired = False
    for session in candidates:
        verdict = codes.check(session.secret, code, now, code_seconds(), resent)
        if verdict == codes.VALID:
            return session
        expired = expired or verdict == codes.EXPIRED
    raise ClassroomError("expired" if expired else "wrong")


# --- leave requests ---------------------------------------------------------------------------


def leave_of(session_id: int, user_id: int) -> LeaveRequest | None:
    return db.session.scalar(
        sa.select(LeaveRequest).where(
            LeaveRequest.session_id == session_id, LeaveRequest.user_id == user_id
        )
    )


def request_leave(session: ClassSession, user_id: int, reason: str) -> LeaveRequest:
    """Ask to be excused (请假): before checking in, while the session is open; a pending request
    may be reworded, a decided one stands."""
    if not session.is_open:
        raise ClassroomError("closed")
    if not is_member(session, user_id):
        raise ClassroomError("not_member")
    if not reason.strip():
        raise ClassroomError("reason")
    if attendance_of(session.id, user_id) is not None:
        raise ClassroomError("checked_in")
    leave = leave_of(session.id, user_id)
    if leave is not None and leave.status != LeaveStatus.PENDING:
        raise ClassroomError("decided")
    if leave is None:
        leave = LeaveRequest(session_id=session.id, user_id=user_id, reason="")
        db.session.add(leave)
    leave.reason = reason.strip()[:MAX_TEXT]
    db.session.flush()
    record("classroom.leave_request", f"class_session:{session.id}", {"user": user_id})
    return leave


def decide_leave(leave: LeaveRequest, approve: bool, by: User, now: dt.datetime) -> None:
    """The instructor approves or refuses a leave request, once."""
    if leave.status != LeaveStatus.PENDING:
        raise ClassroomError("decided")
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    leave.decided_by_id, leave.decided_at = by.id, now
    db.session.flush()
    record(
        "classroom.leave_decide",
        f"class_session:{leave.session_id}",
        {"user": leave.user_id, "decision": leave.status.value},
    )


def leave_requests(session: ClassSession) -> list[LeaveRequest]:
    return list(
        db.session.scalars(
            sa.select(LeaveRequest)
            .where(LeaveRequest.session_id == session.id)
            .order_by(LeaveRequest.created_at)
        )
    )


# --- the roster -------------------------------------------------------------------------------


@dataclass
class RosterLine:
    user: User
    attendance: Attendance | None
    leave: LeaveRequest | None

    @property
    def status(self) -> str:
        """present | late | absent | leave, or waiting while the session is open and no check-in."""
        if self.attendance is not None:
            return self.attendance.status.value
        if self.leave is not None and self.leave.status == LeaveStatus.APPROVED:
            return AttendanceStatus.LEAVE.value
        return "waiting"


def roster(session: ClassSession) -> list[RosterLine]:
    """Every learner of the class with their attendance and leave request, by name."""
    users = list(
        db.session.scalars(
            sa.select(User)
            .join(cohort_member, cohort_member.c.user_id == User.id)
            .where(cohort_member.c.cohort_id == session.cohort_id)
            .order_by(User.name, User.username)
        )
    )
    attendances = {
        a.user_id: a
        for a in db.session.scalars(
            sa.select(Attendance).where(Attendance.session_id == session.id)
        )
    }
    leaves = {leave.user_id: leave for leave in leave_requests(session)}
    return [RosterLine(u, attendances.get(u.id), leaves.get(u.id)) for u in users]


def counts(lines: list[RosterLine]) -> dict[str, int]:
    result = {"present": 0, "late": 0, "absent": 0, "leave": 0, "waiting": 0}
    for line in lines:
        result[line.status] += 1
    return result


@built_once
def _presence():
    return sa.select(Attendance.id).where(
        Attendance.session_id == sa.bindparam("session_id"),
        Attendance.user_id == sa.bindparam("user_id"),
        Attendance.status.in_(ATTENDED),
    )


def is_present(session_id: int, user_id: int) -> bool:
    """Whether the learner is in the room (checked in, present or late): one row, however large the
    class."""
    found = db.session.execute(_presence(), {"session_id": session_id, "user_id": user_id}).first()
    return found is not None


def present_ids(session: ClassSession) -> list[int]:
    """The learners in the room: checked in, present or late."""
    return list(
        db.session.scalars(
            sa.select(Attendance.user_id).where(
                Attendance.session_id == session.id, Attendance.status.in_(ATTENDED)
            )
        )
    )


# --- corrections ------------------------------------------------------------------------------


def correct(
    session: ClassSession, user_id: int, status: str, reason: str, by: User, now: dt.datetime
) -> Attendance:
    """The instructor sets a learner's attendance, with a reason, audited. After the session has
    credited 学时, the learner's credit follows: reversed (with the same reason) and credited anew."""
    if not reason.strip():
        raise ClassroomError("reason")
    status = AttendanceStatus(status)
    if not is_member(session, user_id):
        raise ClassroomError("not_member")
    attendance = attendance_of(session.id, user_id)
    before = attendance.status.value if attendance else None
    if attendance is None:
        attendance = Attendance(session_id=session.id, user_id=user_id, status=status)
        db.session.add(attendance)
    if status in ATTENDED and attendance.checked_in_at is None:
        attendance.checked_in_at = now
    attendance.status = status
    attendance.corrected_by_id = by.id
    attendance.correction_reason = reason.strip()[:MAX_TEXT]
    db.session.flush()
    record(
        "classroom.correct",
        f"class_session:{session.id}",
        {"user": user_id, "before": before, "after": status.value, "reason": reason.strip()},
    )
    if not session.is_open and session.credit_reversed_at is None:
        _recredit(session, attendance, reason, by, now)
    return attendance


def _recredit(
    session: ClassSession, attendance: Attendance, reason: str, by: User, now: dt.datetime
) -> None:
    entry = (
        db.session.get(CreditEntry, attendance.credit_entry_id)
        if attendance.credit_entry_id
        else None
    )
    hours = _hours_for(session, attendance, exclude=entry)
    if entry is not None and abs(entry.hours - hours) < 0.005:
        return
    if entry is not None:
        ledger.reverse(entry, reason, by, local_date(now))
        attendance.credit_entry_id = None
        db.session.flush()
    _credit(session, attendance, by)


# --- closing and credit -----------------------------------------------------------------------


def source_of(session: ClassSession) -> str:
    return f"class_session:{session.id}"


def _hours_for(
    session: ClassSession, attendance: Attendance, exclude: CreditEntry | None = None
) -> float:
    if attendance.status not in ATTENDED:
        return 0.0
    day = local_date(session.starts_at)
    already = ledger.in_person_on(attendance.user_id, day)
    if exclude is not None:
        already -= exclude.hours
    return learner_hours(
        credit_rules(),
        session.planned_hours,
        attendance.status == AttendanceStatus.LATE,
        already,
    )


def _credit(session: ClassSession, attendance: Attendance, by: User | None) -> CreditEntry | None:
    """Credit one attendance, unless it holds credit already or earns none."""
    if attendance.credit_entry_id is not None:
        return None
    hours = _hours_for(session, attendance)
    if hours <= 0:
        return None
    note = "课堂：" + (session.topic or session.cohort.name)
    entry = ledger.add_in_person(
        attendance.user_id, hours, local_date(session.starts_at), note, source_of(session), by
    )
    attendance.credit_entry_id = entry.id
    db.session.flush()
    return entry


def close(session: ClassSession, by: User, now: dt.datetime) -> list[CreditEntry]:
    """Close the session: learners who did not check in are absent (on leave, if it was approved),
    and each learner present or late is credited in-person 学时 by the conversion rules.

    Closing is a conditional update from open to closed, so of two clicks, tabs or servers exactly
    one closes and credits; the other finds it closed and credits nothing."""
    closed = db.session.execute(
        sa.update(ClassSession)
        .where(ClassSession.id == session.id, ClassSession.status == SessionStatus.OPEN)
        .values(status=SessionStatus.CLOSED, closed_at=now, closed_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        raise ClassroomError("closed")
    db.session.refresh(session)
    session.activity = None
    for line in roster(session):
        if line.attendance is None:
            status = (
                AttendanceStatus.LEAVE
                if line.leave is not None and line.leave.status == LeaveStatus.APPROVED
                else AttendanceStatus.ABSENT
            )
            db.session.add(Attendance(session_id=session.id, user_id=line.user.id, status=status))
    db.session.flush()
    entries = []
    for attendance in db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id == session.id).order_by(Attendance.id)
    ):
        entry = _credit(session, attendance, by)
        if entry is not None:
            entries.append(entry)
    record(
        "classroom.close",
        source_of(session),
        {"credited": len(entries), "hours": sum(e.hours for e in entries)},
    )
    return entries


def credited_entries(session: ClassSession) -> list[CreditEntry]:
    """The session's standing credit: in-person entries not reversed."""
    reversed_ids = sa.select(CreditEntry.reverses_id).where(CreditEntry.reverses_id.is_not(None))
    return list(
        db.session.scalars(
            sa.select(CreditEntry).where(
                CreditEntry.source == source_of(session),
                CreditEntry.kind == "in_person",
                CreditEntry.id.not_in(reversed_ids),
            )
        )
    )


def reverse_credit(
    session: ClassSession, reason: str, by: User, now: dt.datetime
) -> list[CreditEntry]:
    """Reverse every 学时 entry the session credited, with a reason; once."""
    if session.is_open:
        raise ClassroomError("open")
    if session.credit_reversed_at is not None:
        raise ClassroomError("reversed")
    if not reason.strip():
        raise ClassroomError("reason")
    reversals = [
        ledger.reverse(entry, reason, by, local_date(now)) for entry in credited_entries(session)
    ]
    session.credit_reversed_at = now
    session.credit_reversal_reason = reason.strip()[:MAX_TEXT]
    db.session.flush()
    record(
        "classroom.reverse_credit",
        source_of(session),
        {"reversed": len(reversals), "reason": reason.strip()},
    )
    return reversals
