"""A quiz locked to the room (classroom_only): it may be taken while its learner is checked in to
an open session of a class the quiz's course is assigned to. The quizzes package asks through the
quiz_room_check signal, so it never imports the classroom."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from courseware.accounts.models import cohort_member
from courseware.classroom.models import Attendance, ATTENDED, ClassSession, SessionStatus
from courseware.classroom.sessions import checkin_opens
from courseware.db import db
from courseware.progress.models import CourseAssignment


def sessions_for_quiz(quiz, user_id: int, now: dt.datetime) -> list[ClassSession]:
    """Open sessions, begun or about to, of the learner's classes that are assigned the quiz's course."""
    found = db.session.scalars(
        sa.select(ClassSession)
        .join(cohort_member, cohort_member.c.cohort_id == ClassSession.cohort_id)
        .join(CourseAssignment, CourseAssignment.cohort_id == ClassSession.cohort_id)
        .where(
            cohort_member.c.user_id == user_id,
            CourseAssignment.course_id == quiz.course_id,
            ClassSession.status == SessionStatus.OPEN,
        )
    )
    return [s for s in found if now >= checkin_opens(s)]


def quiz_room_check(quiz, user_id: int, now: dt.datetime, **extra):
    """Why the learner may not take the room-locked quiz now, or None."""
    sessions = sessions_for_quiz(quiz, user_id, now)
    if not sessions:
        return _l(
            "This quiz can only be taken during a class session of your class; none is open now."
        )
    checked_in = db.session.scalar(
        sa.select(Attendance.id).where(
            Attendance.session_id.in_([s.id for s in sessions]),
            Attendance.user_id == user_id,
            Attendance.status.in_(ATTENDED),
        )
    )
    if checked_in is None:
        return _l("This quiz is taken in the classroom: check in to the class session first.")
    return None
