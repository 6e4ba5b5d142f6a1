"""The classroom (课堂): a class session, its check-ins (签到), leave requests (请假), roll calls
(随机点名) and pace signals. Later classroom activities (a live quiz, questions from the room) hang
off a session by its id and show in the projector's "current activity" region."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware.accounts.models import Cohort
from courseware.db import db, status_type
from courseware.timeutil import utcnow


class SessionStatus(enum.StrEnum):
    """A session is open (check-in and activities) until the instructor closes it."""

    OPEN = "open"
    CLOSED = "closed"


class ClassSession(db.Model):
    """One class meeting of a class (班次) in a room: when, where, how long, and its codes."""

    __tablename__ = "class_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    topic: Mapped[str] = mapped_column(sa.String(200), default="")
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    # When the class starts (UTC); a check-in after starts_at + the grace setting is late.
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    # Clock hours of teaching planned; the conversion rules turn them into 学时.
    planned_hours: Mapped[float]
    # The fixed code in the QR's address; the code typed from the projector rotates (codes.py).
    join_code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    # The key the rotating check-in code is derived from; never shown.
    secret: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[SessionStatus] = mapped_column(
        status_type(SessionStatus), default=SessionStatus.OPEN
    )
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # When the credit of the session's attendance was reversed, and why.
    credit_reversed_at: Mapped[dt.datetime | None]
    credit_reversal_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # What the projector's activity region shows: {"kind": "roll_call", "id": 3}; None: nothing.
    activity: Mapped[dict | None] = mapped_column(sa.JSON)
    # Questions and comments from the room wait for the instructor before anyone sees them.
    moderate_posts: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN


class AttendanceStatus(enum.StrEnum):
    """A learner's attendance at a session."""

    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    LEAVE = "leave"  # absent with an approved leave request (请假)


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class Attendance(db.Model):
    """A learner's check-in at a session, or (once it closes) their absence; one per learner."""

    __tablename__ = "class_attendance"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id", name="uq_class_attendance_session_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(status_type(AttendanceStatus))
    checked_in_at: Mapped[dt.datetime | None]
    # The last correction by the instructor; every one is in the audit log.
    corrected_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    correction_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # The ledger line this attendance credited, so a session credits each learner once.
    credit_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("credit_entry.id", ondelete="SET NULL"), unique=True
    )


class LeaveStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class LeaveRequest(db.Model):
    """A learner's request to be excused from a session (请假), decided by the instructor."""

    __tablename__ = "class_leave_request"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id", name="uq_class_leave_request_session_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[LeaveStatus] = mapped_column(
        status_type(LeaveStatus), default=LeaveStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RollCall(db.Model):
    """One learner called at random (随机点名). Calls are grouped in rounds: nobody present is
    called twice in a round, and a new round starts when everyone present has been called."""

    __tablename__ = "class_roll_call"
    __table_args__ = (
        sa.UniqueConstraint(
            "session_id", "round", "user_id", name="uq_class_roll_call_session_round_user"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    round: Mapped[int]
    called_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PaceSignal(db.Model):
    """A learner's "too fast" or "too slow", seen only by the instructor."""

    __tablename__ = "class_pace_signal"
    __table_args__ = (sa.Index("ix_class_pace_signal_session_sent", "session_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("class_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    signal: Mapped[str] = mapped_column(sa.String(8))  # fast | slow
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --- the live quiz (课堂测验) -------------------------------------------------------------------


class LiveQuiz(db.Model):
    """A quiz run live in a session: the instructor pushes questions of a course's bank one at a
    time, learners answer on their phones. It may count as an attempt of one of the course's
    quizzes, recorded when it finishes."""

    __tablename__ = "class_live_quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"))
    # The course quiz the live quiz counts for (an attempt each learner who answered), or None.
    counts_for_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quiz.id", ondelete="SET NULL"))
    # Seconds a question stays open unless the push says otherwise.
    seconds: Mapped[int] = mapped_column(default=30)
    # Off by default: a faster right answer earns more, and the projector ranks the room.
    speed_scoring: Mapped[bool] = mapped_column(default=False)
    leaderboard: Mapped[bool] = mapped_column(default=False)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    # How many attempts of counts_for its finish recorded.
    attempts_recorded: Mapped[int] = mapped_column(default=0)


class LiveQuestion(db.Model):
    """One question pushed in a live quiz: open from opened_at until closes_at."""

    __tablename__ = "class_live_question"
    __table_args__ = (
        sa.UniqueConstraint("live_quiz_id", "position", name="uq_class_live_question_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    live_quiz_id: Mapped[int] = mapped_column(
        sa.ForeignKey("class_live_quiz.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]  # 1, 2, 3 … in the order pushed
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"))
    # The version of the question pushed: answers are graded against it even if the bank changes.
    question_hash: Mapped[str] = mapped_column(sa.String(64))
    points: Mapped[float] = mapped_column(default=1.0)
    seconds: Mapped[int]
    opened_at: Mapped[dt.datetime]
    # Closing early moves it to the moment of the click.
    closes_at: Mapped[dt.datetime]


class LiveAnswer(db.Model):
    """A learner's answer to a live question, changed as often as they like while it is open;
    graded on every change, so their score survives a reload or a new phone."""

    __tablename__ = "class_live_answer"
    __table_args__ = (
        sa.UniqueConstraint("live_question_id", "user_id", name="uq_class_live_answer_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    live_question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("class_live_question.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    response: Mapped[dict | list | str | int | bool | None] = mapped_column(sa.JSON)
    answered_at: Mapped[dt.datetime]  # the last change, which speed scoring counts from
    changes: Mapped[int] = mapped_column(default=0)
    fraction: Mapped[float | None]
    state: Mapped[str] = mapped_column(sa.String(16))
    score: Mapped[float] = mapped_column(default=0.0)


# --- questions and bullet comments from the room (提问/弹幕) ------------------------------------


class PostStatus(enum.StrEnum):
    PENDING = "pending"  # waits for the instructor
    APPROVED = "approved"  # may reach the projector and the room
    REJECTED = "rejected"


class RoomPost(db.Model):
    """A learner's question (提问) or short comment (弹幕). The author is always kept: `anonymous`
    hides the name from classmates and the projector, never from the instructor."""

    __tablename__ = "class_room_post"
    __table_args__ = (sa.Index("ix_class_room_post_session_status", "session_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("class_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # question | comment
    text: Mapped[str] = mapped_column(sa.String(300))
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PostStatus] = mapped_column(status_type(PostStatus))
    # The words of the sensitive-word list it contains: a post with any waits for review.
    held_words: Mapped[list] = mapped_column(sa.JSON, default=list)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RoomVote(db.Model):
    """A learner's upvote of a question from the room: one each."""

    __tablename__ = "class_room_vote"
    __table_args__ = (sa.UniqueConstraint("post_id", "user_id", name="uq_class_room_vote_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("class_room_post.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    voted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
