"""The live quiz (课堂测验): the instructor pushes questions of a course's bank one at a time, the
projector shows each with a countdown and then the answers' spread and the right answer, and the
learners in the room answer on their phones.

A learner may change their answer until the question closes, may join late, and keeps their score
on a reload or another phone: every answer is a row, graded by the quizzes' own grader the moment
it changes. Nothing lives in a worker's memory. Speed scoring and the leaderboard are off unless
the instructor turns them on. A live quiz may count as an attempt of one of the course's quizzes:
when it finishes, each learner who answered gets an attempt holding their live answers, handed in
and graded as any other, so it counts for completion. The caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from courseware.accounts.audit import record
from courseware.accounts.models import User
from courseware.classroom import messages
from courseware.classroom.live import set_activity
from courseware.classroom.models import ClassSession, LiveAnswer, LiveQuestion, LiveQuiz
from courseware.classroom.sessions import ClassroomError, is_present, source_of
from courseware.courses.models import Course
from courseware.db import built_once, db
from courseware.i18n import text
from courseware.progress.models import CourseAssignment
from courseware.quizzes import attempts
from courseware.quizzes.grading import grade_response, is_blank
from courseware.quizzes.models import (
    Answer,
    Attempt,
    AttemptStatus,
    parsed_question,
    QuestionRecord,
    Quiz,
)
from courseware.quizzes.questions import Question
from courseware.quizzes.types import question_type

# The types a room can answer on a phone in seconds and a computer grades at once.
LIVE_TYPES = ("single", "multiple", "truefalse", "short", "numerical", "fill")
MIN_SECONDS, MAX_SECONDS = 5, 600
# Attempt.closed_by of an attempt a live quiz recorded.
CLOSED_BY_CLASSROOM = "classroom"


def default_seconds() -> int:
    return int(current_app.config.get("CLASSROOM_LIVE_SECONDS", 30))


def grace() -> dt.timedelta:
    """Room for an answer sent just before the question closed and still on its way."""
    return dt.timedelta(seconds=current_app.config.get("CLASSROOM_LIVE_GRACE_SECONDS", 2))


# --- what a session's live quiz draws on ------------------------------------------------------


def courses_of(session: ClassSession) -> list[Course]:
    """The courses assigned to the session's class: their banks and quizzes serve its live quizzes."""
    return list(
        db.session.scalars(
            sa.select(Course)
            .join(CourseAssignment, CourseAssignment.course_id == Course.id)
            .where(CourseAssignment.cohort_id == session.cohort_id, Course.archived_at.is_(None))
            .order_by(Course.id)
        )
    )


def quizzes_of(course_ids: list[int]) -> list[Quiz]:
    """The published quizzes of these courses, which a live quiz may count for."""
    if not course_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Quiz)
            .where(
                Quiz.course_id.in_(course_ids),
                Quiz.archived_at.is_(None),
                Quiz.published_at.is_not(None),
                Quiz.version_id.is_not(None),
            )
            .order_by(Quiz.course_id, Quiz.slug)
        )
    )


def bank_questions(course_id: int) -> list[QuestionRecord]:
    """The course's questions a live quiz can push, by category and then as the bank orders them."""
    return list(
        db.session.scalars(
            sa.select(QuestionRecord)
            .where(
                QuestionRecord.course_id == course_id,
                QuestionRecord.archived_at.is_(None),
                QuestionRecord.type.in_(LIVE_TYPES),
            )
            .order_by(QuestionRecord.category, QuestionRecord.position, QuestionRecord.name)
        )
    )


# --- running it -------------------------------------------------------------------------------


def running(session: ClassSession) -> LiveQuiz | None:
    """The session's live quiz not finished yet, if any."""
    return db.session.scalar(
        sa.select(LiveQuiz)
        .where(LiveQuiz.session_id == session.id, LiveQuiz.finished_at.is_(None))
        .order_by(LiveQuiz.id.desc())
        .limit(1)
    )


@built_once
def _latest():
    return (
        sa.select(LiveQuiz)
        .where(LiveQuiz.session_id == sa.bindparam("session_id"))
        .order_by(LiveQuiz.id.desc())
        .limit(1)
    )


def latest(session: ClassSession) -> LiveQuiz | None:
    """The session's live quiz started last, running or finished."""
    return db.session.scalar(_latest(), {"session_id": session.id})


def of_session(session: ClassSession) -> list[LiveQuiz]:
    return list(
        db.session.scalars(
            sa.select(LiveQuiz).where(LiveQuiz.session_id == session.id).order_by(LiveQuiz.id)
        )
    )


def _check_seconds(seconds: int) -> int:
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise ClassroomError("seconds")
    return seconds


def start(
    session: ClassSession,
    course: Course,
    by: User,
    now: dt.datetime,
    seconds: int | None = None,
    speed_scoring: bool = False,
    leaderboard: bool = False,
    counts_for: Quiz | None = None,
) -> LiveQuiz:
    """Start a live quiz on a course's bank, optionally counting as an attempt of one of its
    quizzes; speed scoring and the leaderboard stay off unless asked for."""
    if not session.is_open:
        raise ClassroomError("closed")
    if running(session) is not None:
        raise ClassroomError("live_running")
    if course.id not in {c.id for c in courses_of(session)}:
        raise ClassroomError("course")
    if counts_for is not None and counts_for.id not in {q.id for q in quizzes_of([course.id])}:
        raise ClassroomError("counts_for")
    live = LiveQuiz(
        session_id=session.id,
        course_id=course.id,
        counts_for_id=counts_for.id if counts_for else None,
        seconds=_check_seconds(seconds or default_seconds()),
        speed_scoring=speed_scoring,
        leaderboard=leaderboard,
        started_by_id=by.id,
        started_at=now,
    )
    db.session.add(live)
    db.session.flush()
    set_activity(session, "live_quiz", live.id)
    record(
        "classroom.live_quiz_start",
        source_of(session),
        {
            "live_quiz": live.id,
            "course": course.slug,
            "counts_for": counts_for.slug if counts_for else None,
            "speed_scoring": speed_scoring,
            "leaderboard": leaderboard,
        },
    )
    return live


def questions_of(live: LiveQuiz) -> list[LiveQuestion]:
    return list(
        db.session.scalars(
            sa.select(LiveQuestion)
            .where(LiveQuestion.live_quiz_id == live.id)
            .order_by(LiveQuestion.position)
        )
    )


@built_once
def _current_question():
    return (
        sa.select(LiveQuestion)
        .where(LiveQuestion.live_quiz_id == sa.bindparam("live_id"))
        .order_by(LiveQuestion.position.desc())
        .limit(1)
    )


def current_question(live: LiveQuiz) -> LiveQuestion | None:
    """The question pushed last: open, or closed and showing its answers."""
    return db.session.scalar(_current_question(), {"live_id": live.id})


def question_of(lq: LiveQuestion) -> Question:
    """The question as it was when pushed."""
    return parsed_question(lq.question_hash)


def is_open(lq: LiveQuestion, now: dt.datetime) -> bool:
    return now < lq.closes_at


def seconds_left(lq: LiveQuestion, now: dt.datetime) -> int:
    return max(0, int((lq.closes_at - now).total_seconds() + 0.999))


def shows_answers(lq: LiveQuestion, now: dt.datetime) -> bool:
    """The answers' spread and the right answer show once no more answers are taken."""
    return now > lq.closes_at + grace()


def push(
    live: LiveQuiz, record_: QuestionRecord, by: User, now: dt.datetime, seconds: int | None = None
) -> LiveQuestion:
    """Put a question of the course's bank before the room for `seconds`; a question still open
    closes now."""
    session = db.session.get(ClassSession, live.session_id)
    if live.finished_at is not None:
        raise ClassroomError("live_finished")
    if not session.is_open:
        raise ClassroomError("closed")
    if (
        record_.course_id != live.course_id
        or record_.archived_at is not None
        or record_.type not in LIVE_TYPES
    ):
        raise ClassroomError("question")
    seconds = _check_seconds(seconds or live.seconds)
    previous = current_question(live)
    if previous is not None and is_open(previous, now):
        previous.closes_at = now
    question = record_.question
    lq = LiveQuestion(
        live_quiz_id=live.id,
        position=(previous.position + 1) if previous else 1,
        question_id=record_.id,
        question_hash=record_.content_hash,
        points=question_type(question.type).max_points(question),
        seconds=seconds,
        opened_at=now,
        closes_at=now + dt.timedelta(seconds=seconds),
    )
    try:
        with db.session.begin_nested():
            db.session.add(lq)
            db.session.flush()
    except IntegrityError:
        raise ClassroomError("busy") from None  # another click pushed a question at that moment
    set_activity(session, "live_quiz", live.id)
    record(
        "classroom.live_question_push",
        source_of(session),
        {
            "live_quiz": live.id,
            "position": lq.position,
            "question": record_.name,
            "seconds": seconds,
        },
    )
    return lq


def close_question(lq: LiveQuestion, now: dt.datetime) -> None:
    """Close the question now, before its time is up: the room sees the answers."""
    if not is_open(lq, now):
        return
    lq.closes_at = now
    db.session.flush()
    live = db.session.get(LiveQuiz, lq.live_quiz_id)
    record(
        "classroom.live_question_close",
        f"class_session:{live.session_id}",
        {"live_quiz": live.id, "position": lq.position},
    )


# --- answering --------------------------------------------------------------------------------


def score_of(live: LiveQuiz, lq: LiveQuestion, fraction: float | None, at: dt.datetime) -> float:
    """The points an answer earns: its share of the question's points, and with speed scoring on,
    from half of that for an answer at the close to all of it for one at the opening."""
    earned = lq.points * (fraction or 0.0)
    if live.speed_scoring and earned:
        left = (lq.closes_at - at).total_seconds() / max(1, lq.seconds)
        earned *= 0.5 + 0.5 * min(1.0, max(0.0, left))
    return round(earned, 4)


@built_once
def _answer_of():
    return sa.select(LiveAnswer).where(
        LiveAnswer.live_question_id == sa.bindparam("question_id"),
        LiveAnswer.user_id == sa.bindparam("user_id"),
    )


def answer_of(lq: LiveQuestion, user_id: int) -> LiveAnswer | None:
    return db.session.scalar(_answer_of(), {"question_id": lq.id, "user_id": user_id})


def response_from_form(lq: LiveQuestion, form):
    """The response in the phone's form, read by the question's type as an attempt reads it."""
    question = question_of(lq)
    return question_type(question.type).response_from_form(question, f"a{lq.position}", form)


def answer(
    session: ClassSession,
    lq: LiveQuestion,
    user_id: int,
    response,
    now: dt.datetime,
    present: bool | None = None,
) -> LiveAnswer:
    """Save a learner's answer, or change it, while the question is open; graded at once.
    `present`: whether the learner is in the room, when the caller has read it already."""
    live = db.session.get(LiveQuiz, lq.live_quiz_id)
    if live.session_id != session.id:
        raise ClassroomError("question")
    if not (present if present is not None else is_present(session.id, user_id)):
        raise ClassroomError("not_present")
    if live.finished_at is not None or now > lq.closes_at + grace():
        raise ClassroomError("question_closed")
    # An answer arriving in the grace after the close counts as given at the close.
    at = min(now, lq.closes_at)
    grade = grade_response(question_of(lq), response)
    values = dict(
        response=response,
        answered_at=at,
        fraction=grade.fraction,
        state=grade.state.value,
        score=score_of(live, lq, grade.fraction, at),
    )
    existing = answer_of(lq, user_id)
    if existing is not None and existing.response == response:
        # The same answer again (a phone resending what it kept offline): nothing changes.
        return existing
    if existing is None:
        row = LiveAnswer(live_question_id=lq.id, user_id=user_id, changes=0, **values)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
            return row
        except IntegrityError:
            # The same learner's other tab answered a moment ago: change that answer instead.
            existing = answer_of(lq, user_id)
    for name, value in values.items():
        setattr(existing, name, value)
    existing.changes += 1
    db.session.flush()
    return existing


# --- what the room, the phone and the instructor see -------------------------------------------


def _shown_questions(live_id):
    """The questions of a live quiz whose answers are shown (closed before `shown_before`)."""
    return sa.and_(
        LiveQuestion.live_quiz_id == live_id,
        LiveQuestion.closes_at < sa.bindparam("shown_before"),
    )


def earned_points(live_id, user_id):
    """A learner's points of the questions shown, as a column (a scalar subquery); `live_id` and
    `user_id` are a bound value or a column of the statement it is a column of."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(LiveAnswer.score), 0.0))
        .join(LiveQuestion, LiveQuestion.id == LiveAnswer.live_question_id)
        .where(_shown_questions(live_id), LiveAnswer.user_id == user_id)
        .scalar_subquery()
    )


def possible_points(live_id):
    """The points possible of the questions shown, as a column (a scalar subquery)."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(LiveQuestion.points), 0.0))
        .where(_shown_questions(live_id))
        .scalar_subquery()
    )


@built_once
def _my_score():
    live_id = sa.bindparam("live_id")
    return sa.select(earned_points(live_id, sa.bindparam("user_id")), possible_points(live_id))


def my_score(live: LiveQuiz, user_id: int, now: dt.datetime) -> tuple[float, float]:
    """A learner's points and the points possible, of the questions whose answers are shown: an
    open question's points would tell whether the answer given is right."""
    earned, possible = db.session.execute(
        _my_score(), {"live_id": live.id, "shown_before": now - grace(), "user_id": user_id}
    ).one()
    return round(float(earned), 2), round(float(possible), 2)


def answers_to(lq: LiveQuestion) -> list[LiveAnswer]:
    return list(
        db.session.scalars(
            sa.select(LiveAnswer)
            .where(LiveAnswer.live_question_id == lq.id)
            .order_by(LiveAnswer.id)
        )
    )


def answered_count(lq: LiveQuestion) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(LiveAnswer.id)).where(LiveAnswer.live_question_id == lq.id)
    )


@dataclass
class Bar:
    """One row of the answers' spread: an option (or a typed answer), how many gave it, and
    whether it is right."""

    label: str
    count: int
    correct: bool
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


def response_label(label) -> str:
    if isinstance(label, dict):
        return text(label)
    if label == "true":
        return _("True")
    if label == "false":
        return _("False")
    return str(label)


def distribution(lq: LiveQuestion, answers: list[LiveAnswer] | None = None) -> list[Bar]:
    """The spread of the answers as the question's type counts it (as item analysis does)."""
    question = question_of(lq)
    responses = [a.response for a in (answers if answers is not None else answers_to(lq))]
    given = [r for r in responses if not is_blank(r)]
    rows = question_type(question.type).distribution(question, given)
    return [
        Bar(response_label(label), count, correct, len(given)) for label, count, correct in rows
    ]


def right_answers(question: Question) -> list[str]:
    """The answers that earn full marks, for the projector once a question closes."""
    if question.type == "truefalse":
        return [_("True") if question.answer else _("False")]
    if question.type == "numerical":
        return [
            f"{n.value:g}" + (f" ± {n.tolerance:g}" if n.tolerance else "")
            for n in question.numbers
            if n.weight >= 1
        ]
    return [text(o.text) for o in question.options if o.weight > 0]


def response_text(question: Question, response) -> str:
    """A response as words, for the report and the export."""
    if is_blank(response):
        return ""
    if isinstance(response, bool):
        return _("True") if response else _("False")
    if question.options and (
        isinstance(response, int) or (isinstance(response, list) and question.type != "short")
    ):
        picked = response if isinstance(response, list) else [response]
        return "; ".join(
            text(question.options[i].text)
            for i in picked
            if isinstance(i, int) and 0 <= i < len(question.options)
        )
    return str(response)


def leaderboard(live: LiveQuiz, limit: int = 5) -> list[tuple[User, float]]:
    """The learners with the most points, when the instructor turned the leaderboard on; the
    projector shows it only while no question is open."""
    total = sa.func.sum(LiveAnswer.score).label("total")
    rows = db.session.execute(
        sa.select(User, total)
        .join(LiveAnswer, LiveAnswer.user_id == User.id)
        .join(LiveQuestion, LiveQuestion.id == LiveAnswer.live_question_id)
        .where(LiveQuestion.live_quiz_id == live.id)
        .group_by(User.id)
        .order_by(total.desc(), User.name)
        .limit(limit)
    )
    return [(user, round(float(score), 2)) for user, score in rows]


@dataclass
class QuestionReport:
    lq: LiveQuestion
    question: Question
    answers: list[LiveAnswer]
    bars: list[Bar]

    @property
    def answered(self) -> int:
        return sum(1 for a in self.answers if not is_blank(a.response))

    @property
    def right(self) -> int:
        return sum(1 for a in self.answers if a.state == "correct")

    @property
    def average(self) -> float | None:
        """The mean share of the points among those who answered, in percent."""
        given = [a.fraction or 0 for a in self.answers if not is_blank(a.response)]
        return round(100 * sum(given) / len(given), 1) if given else None


def report(live: LiveQuiz) -> list[QuestionReport]:
    """Each question pushed, with its answers, their spread, how many were right."""
    result = []
    for lq in questions_of(live):
        answers = answers_to(lq)
        result.append(QuestionReport(lq, question_of(lq), answers, distribution(lq, answers)))
    return result


# The answers' export: one row per learner and question.
EXPORT_COLUMNS = (
    ("position", _l("No.")),
    ("question", _l("Question")),
    ("username", _l("Username")),
    ("name", _l("Name")),
    ("response", _l("Answer")),
    ("state", _l("Result")),
    ("score", _l("Points")),
    ("answered_at", _l("Answered at")),
    ("changes", _l("Changes of answer")),
)


def export_rows(live: LiveQuiz):
    users = {}
    for item in report(live):
        ids = [a.user_id for a in item.answers if a.user_id not in users]
        if ids:
            users.update(
                {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
            )
        for a in item.answers:
            user = users[a.user_id]
            yield (
                item.lq.position,
                text(item.question.text),
                user.username,
                user.name,
                response_text(item.question, a.response),
                str(messages.ANSWER_STATE.get(a.state, a.state)),
                a.score,
                a.answered_at,
                a.changes,
            )


# --- finishing --------------------------------------------------------------------------------


def finish(live: LiveQuiz, by: User, now: dt.datetime) -> int:
    """End the live quiz: the open question closes, and if it counts for a course quiz, each learner
    who answered gets an attempt of it graded from their live answers. Of two clicks, one
    finishes; the other is refused. Returns the attempts recorded."""
    finished = db.session.execute(
        sa.update(LiveQuiz)
        .where(LiveQuiz.id == live.id, LiveQuiz.finished_at.is_(None))
        .values(finished_at=now)
        .execution_options(synchronize_session=False)
    )
    if finished.rowcount != 1:
        raise ClassroomError("live_finished")
    db.session.refresh(live)
    current = current_question(live)
    if current is not None and is_open(current, now):
        current.closes_at = now
    recorded = record_attempts(live, now) if live.counts_for_id else 0
    live.attempts_recorded = recorded
    db.session.flush()
    record(
        "classroom.live_quiz_finish",
        f"class_session:{live.session_id}",
        {"live_quiz": live.id, "attempts": recorded},
        actor=by,
    )
    return recorded


def record_attempts(live: LiveQuiz, now: dt.datetime) -> int:
    """An attempt of the quiz the live quiz counts for, for each learner who answered: it holds the
    questions pushed and the learner's last answers, and is handed in and graded by the quizzes'
    own grading, which tells completion."""
    quiz = db.session.get(Quiz, live.counts_for_id)
    if quiz is None or quiz.version_id is None:
        return 0
    pushed = questions_of(live)
    by_user: dict[int, dict[int, object]] = {}
    for lq in pushed:
        for a in answers_to(lq):
            by_user.setdefault(a.user_id, {})[lq.id] = a.response
    count = 0
    for user_id in sorted(by_user):
        number = (
            db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.max(Attempt.number), 0)).where(
                    Attempt.quiz_id == quiz.id, Attempt.user_id == user_id
                )
            )
            + 1
        )
        attempt = Attempt(
            quiz_id=quiz.id,
            quiz_version_id=quiz.version_id,
            user_id=user_id,
            number=number,
            seed=0,
            status=AttemptStatus.OPEN,
            started_at=live.started_at,
            deadline=None,
            sequence=0,
            max_score=sum(lq.points for lq in pushed),
        )
        db.session.add(attempt)
        db.session.flush()
        db.session.execute(
            sa.insert(Answer),
            [
                dict(
                    attempt_id=attempt.id,
                    position=index,
                    question_id=lq.question_id,
                    shown_order=list(range(len(question_of(lq).options))),
                    points=lq.points,
                    response=by_user[user_id].get(lq.id),
                    saved_at=now,
                )
                for index, lq in enumerate(pushed)
            ],
        )
        attempts.submit_attempt(attempt, now, closed_by=CLOSED_BY_CLASSROOM)
        count += 1
    record(
        "classroom.live_quiz_attempts",
        f"class_session:{live.session_id}",
        {"live_quiz": live.id, "quiz": quiz.slug, "attempts": count},
    )
    return count
