"""What a learner's phone shows of the live quiz and of the questions from the room.

The phone polls: its standing every few seconds, the live quiz every two, the room's questions every
four, for every learner of the class at once. A poll reads what it shows with one or two statements
built once (courseware.db.built_once), with no ORM object, and the live quiz's poll answers with
nothing while the state it shows is unchanged; the whole question is drawn only when it changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_login import current_user

from courseware.accounts.models import cohort_member, User
from courseware.classroom import livequiz, messages, posts
from courseware.classroom.live_forms import PostForm
from courseware.classroom.models import (
    Attendance,
    ATTENDED,
    ClassSession,
    LiveAnswer,
    LiveQuestion,
    LiveQuiz,
    RollCall,
    SessionStatus,
)
from courseware.db import built_once, db
from courseware.quizzes.display import fill_parts, html, ShownQuestion
from courseware.quizzes.models import Answer
from courseware.quizzes.types import question_type


@dataclass
class Standing:
    """A learner's attendance as the phone shows it."""

    status: object  # AttendanceStatus
    checked_in_at: dt.datetime | None


@dataclass
class Room:
    """What a poll needs of a session, read for one of its learners."""

    id: int
    status: SessionStatus
    activity: dict | None
    attendance: Standing | None
    live: tuple | None = None  # the columns of _live_columns(), when read with them

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN

    @property
    def present(self) -> bool:
        return self.attendance is not None and self.attendance.status in ATTENDED


@built_once
def _room():
    return (
        sa.select(
            ClassSession.id,
            ClassSession.status,
            ClassSession.activity,
            Attendance.status,
            Attendance.checked_in_at,
        )
        .join(
            cohort_member,
            sa.and_(
                cohort_member.c.cohort_id == ClassSession.cohort_id,
                cohort_member.c.user_id == sa.bindparam("user_id"),
            ),
        )
        .outerjoin(
            Attendance,
            sa.and_(
                Attendance.session_id == ClassSession.id,
                Attendance.user_id == sa.bindparam("user_id"),
            ),
        )
        .where(ClassSession.id == sa.bindparam("session_id"))
    )


def room_of(session_id: int, user_id: int) -> Room | None:
    """The session as a learner of its class polls it, or None when they are not one."""
    row = db.session.execute(_room(), {"session_id": session_id, "user_id": user_id}).first()
    return _room_from(row, None) if row is not None else None


def _room_from(row, live) -> Room:
    sid, status, activity, attended, checked_in_at = row
    standing = Standing(attended, checked_in_at) if attended is not None else None
    return Room(sid, status, activity, standing, live)


@built_once
def _called():
    return (
        sa.select(User.name)
        .join(RollCall, RollCall.user_id == User.id)
        .where(RollCall.id == sa.bindparam("call_id"))
    )


def called(room: Room):
    """The learner the projector shows as called (a row with their name), when roll call is the
    current activity (as live.called_user)."""
    activity = room.activity or {}
    if activity.get("kind") != "roll_call":
        return None
    return db.session.execute(_called(), {"call_id": activity.get("id")}).first()


@dataclass
class LiveState:
    """What the phone's live quiz shows depends on: the poll compares it with the page's."""

    live_id: int | None
    user_id: int | None = None
    finished: bool = False
    question_id: int | None = None
    closes_at: dt.datetime | None = None
    changes: int | None = None  # of the learner's answer; None: not answered
    present: bool = False
    earned: float = 0.0
    possible: float = 0.0
    key: str = "none"


def _live_columns(live, user_id):
    """The columns of the state of the learner's live quiz `live` (an alias of LiveQuiz, outer
    joined): the question pushed last, the learner's answer to it, their points."""
    current, mine, last = (
        sa.orm.aliased(LiveQuestion),
        sa.orm.aliased(LiveAnswer),
        sa.orm.aliased(LiveQuestion),
    )
    newest = (
        sa.select(sa.func.max(last.position))
        .where(last.live_quiz_id == live.id)
        .correlate(live)
        .scalar_subquery()
    )
    columns = (
        live.id,
        live.finished_at,
        current.id,
        current.closes_at,
        mine.id,
        mine.changes,
        livequiz.earned_points(live.id, user_id),
        livequiz.possible_points(live.id),
    )
    joins = (
        (current, sa.and_(current.live_quiz_id == live.id, current.position == newest)),
        (mine, sa.and_(mine.live_question_id == current.id, mine.user_id == user_id)),
    )
    return columns, joins


@built_once
def _room_and_live():
    """_room() and the state of its live quiz started last, in one statement."""
    live, latest = sa.orm.aliased(LiveQuiz), sa.orm.aliased(LiveQuiz)
    user_id = sa.bindparam("user_id")
    latest_id = (
        sa.select(sa.func.max(latest.id))
        .where(latest.session_id == ClassSession.id)
        .correlate(ClassSession)
        .scalar_subquery()
    )
    columns, joins = _live_columns(live, user_id)
    statement = (
        _room()
        .with_only_columns(
            ClassSession.id,
            ClassSession.status,
            ClassSession.activity,
            Attendance.status,
            Attendance.checked_in_at,
            *columns,
        )
        .outerjoin(live, live.id == latest_id)
    )
    for target, on in joins:
        statement = statement.outerjoin(target, on)
    return statement


def live_state(room: Room, user_id: int, now: dt.datetime) -> LiveState:
    """The state of the learner's live quiz, from the columns _live_columns() read."""
    live_id, finished_at, question_id, closes_at, answer_id, changes, earned, possible = room.live
    if live_id is None:
        return LiveState(None)
    state = LiveState(
        live_id,
        user_id,
        finished_at is not None,
        question_id,
        closes_at,
        changes if answer_id is not None else None,
        room.present,
        round(float(earned), 2),
        round(float(possible), 2),
    )
    question_open = closes_at is not None and now < closes_at
    shows_answers = closes_at is not None and now > closes_at + livequiz.grace()
    state.key = "-".join(
        str(part)
        for part in (
            state.live_id,
            int(state.finished),
            question_id or 0,
            int(question_open),
            int(shows_answers),
            "x" if state.changes is None else state.changes,
            int(state.present),
            state.earned,
        )
    )
    return state


def room_and_live_state(session_id: int, user_id: int, now: dt.datetime):
    """(room_of(), its live quiz's state) in one statement; (None, None) for a stranger."""
    row = db.session.execute(
        _room_and_live(),
        {"session_id": session_id, "user_id": user_id, "shown_before": now - livequiz.grace()},
    ).first()
    if row is None:
        return None, None
    room = _room_from(row[:5], row[5:])
    return room, live_state(room, user_id, now)


def shown_question(lq: LiveQuestion, response) -> ShownQuestion:
    """The question as the attempt page shows it (the same inputs), options in the bank's order so
    that the phone and the projector agree."""
    question = livequiz.question_of(lq)
    kind = question_type(question.type)
    order = kind.shown_order(question, None, shuffle=False)
    answer = Answer(position=lq.position, response=response, points=lq.points, shown_order=order)
    return ShownQuestion(lq.position, lq.position, question, answer, order)


@built_once
def _shown_objects():
    """The live quiz, the question and the learner's answer the state named, read afresh."""
    return (
        sa.select(LiveQuiz, LiveQuestion, LiveAnswer)
        .select_from(LiveQuiz)
        .outerjoin(
            LiveQuestion,
            sa.and_(
                LiveQuestion.live_quiz_id == LiveQuiz.id,
                LiveQuestion.id == sa.bindparam("question_id"),
            ),
        )
        .outerjoin(
            LiveAnswer,
            sa.and_(
                LiveAnswer.live_question_id == LiveQuestion.id,
                LiveAnswer.user_id == sa.bindparam("user_id"),
            ),
        )
        .where(LiveQuiz.id == sa.bindparam("live_id"))
        .execution_options(populate_existing=True)
    )


def phone_context(
    session: ClassSession | Room, now: dt.datetime, state: LiveState | None = None
) -> dict:
    """The learner's live quiz: the question open or last closed, their answer, their score. The
    state is read first, so that what is drawn is never older than the state the page keeps."""
    if state is None:
        state = room_and_live_state(session.id, current_user.id, now)[1] or LiveState(None)
    context = {"session": session, "live": None, "messages": messages, "state": state.key}
    if state.live_id is None:
        return context
    live, lq, mine = db.session.execute(
        _shown_objects(),
        {"live_id": state.live_id, "question_id": state.question_id, "user_id": state.user_id},
    ).one()
    context.update(
        live=live,
        lq=lq,
        mine=mine,
        earned=state.earned,
        possible=state.possible,
        present=state.present,
    )
    if lq is not None:
        question = livequiz.question_of(lq)
        context.update(
            shown=shown_question(lq, mine.response if mine else None),
            question_open=livequiz.is_open(lq, now),
            shows_answers=livequiz.shows_answers(lq, now),
            seconds_left=livequiz.seconds_left(lq, now),
            right=livequiz.right_answers(question),
            html=html,
            fill_parts=fill_parts,
        )
    return context


@dataclass
class SessionRef:
    """A session known by its id, where that is all a template needs of it."""

    id: int


def questions_context(session: ClassSession | SessionRef) -> dict | None:
    """The room's questions and the learner's own posts; None when they are not a learner of the
    session's class."""
    found = posts.for_learner(session.id, current_user.id)
    if found is None:
        return None
    questions, own = found
    return {"session": session, "questions": questions, "my_posts": own, "messages": messages}


def room_context(session: ClassSession, now: dt.datetime) -> dict:
    """Everything the learner's session page adds for the live quiz and the room's questions."""
    return {
        **phone_context(session, now),
        "room": questions_context(session),
        "post_form": PostForm(),
    }
