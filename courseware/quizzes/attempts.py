"""Starting, saving, submitting and grading attempts. The server's clock is the only clock.

Every change to an attempt is a conditional UPDATE on its row, so a double click, a second tab
or a retried request finds the row already changed and does nothing twice.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from courseware import caching, signals
from courseware.courses.models import Course, kept_content, learner_rows_in_course
from courseware.db import built_once, db, read_rows, upsert
from courseware.quizzes.grading import grade_response, is_blank, response_problem
from courseware.quizzes.models import (
    Answer,
    AnswerState,
    Attempt,
    AttemptStatus,
    ClosedBy,
    load_attempt_answers,
    parse_versions,
    parsed_question,
    QuestionRecord,
    Quiz,
    QuizOverride,
    QuizVersion,
)
from courseware.quizzes.questions import Question
from courseware.quizzes.room import room_refusal
from courseware.quizzes.types import question_type


class AttemptRefused(Exception):
    """An action on an attempt that cannot be done; the message says why, for the learner."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def grace() -> dt.timedelta:
    """Room for answers already on their way when the deadline passes."""
    return dt.timedelta(seconds=current_app.config.get("QUIZ_GRACE_SECONDS", 30))


# --- what a learner may do --------------------------------------------------------------------


@dataclass
class Availability:
    opens: dt.datetime | None
    closes: dt.datetime | None
    allowed: int  # 0: unlimited
    used: int
    open_attempt: Attempt | None
    reason: str | None  # why a new attempt cannot start, None when it can
    override: QuizOverride | None = None
    room: str | None = None  # why the quiz cannot be taken here and now (locked to the room)
    # The learner's attempts in order, and how many were handed in on the way (overdue).
    attempts: list[Attempt] = field(default_factory=list)
    handed_in: int = 0

    @property
    def can_start(self) -> bool:
        return self.reason is None


@built_once
def _override():
    return sa.select(QuizOverride).where(
        QuizOverride.quiz_id == sa.bindparam("quiz_id"),
        QuizOverride.user_id == sa.bindparam("user_id"),
    )


def override_for(quiz_id: int, user_id: int) -> QuizOverride | None:
    return db.session.scalar(_override(), {"quiz_id": quiz_id, "user_id": user_id})


@built_once
def _attempts_at_quiz():
    return (
        sa.select(Attempt)
        .where(
            Attempt.quiz_id == sa.bindparam("quiz_id"), Attempt.user_id == sa.bindparam("user_id")
        )
        .order_by(Attempt.number)
    )


def attempts_of(quiz_id: int, user_id: int) -> list[Attempt]:
    return list(db.session.scalars(_attempts_at_quiz(), {"quiz_id": quiz_id, "user_id": user_id}))


def availability(quiz: Quiz, user_id: int, now: dt.datetime) -> Availability:
    settings = quiz.settings
    override = override_for(quiz.id, user_id)
    attempts = attempts_of(quiz.id, user_id)
    handed_in = sum(1 for attempt in attempts if close_if_overdue(attempt, now))
    allowed = settings.get("attempts", 0)
    if allowed and override:
        allowed += override.extra_attempts
    opens, closes = _time(settings.get("opens")), _time(settings.get("closes"))
    open_attempt = next((a for a in attempts if a.is_open), None)
    reason = None
    withdrawn = quiz.archived_at is not None or quiz.version_id is None or quiz.published_at is None
    room = room_refusal(quiz, user_id, now) if not withdrawn else None
    if withdrawn:
        reason = _l("This quiz has been withdrawn.")
    elif opens and now < opens:
        reason = _l("This quiz is not open yet.")
    elif closes and now >= closes:
        reason = _l("This quiz is closed.")
    elif room is not None:
        reason = room
    elif open_attempt is not None:
        reason = _l("You have an attempt in progress.")
    elif allowed and len(attempts) >= allowed:
        reason = _l("You have used all your attempts.")
    return Availability(
        opens,
        closes,
        allowed,
        len(attempts),
        open_attempt,
        reason,
        override,
        room,
        attempts,
        handed_in,
    )


# --- starting ---------------------------------------------------------------------------------


@built_once
def _bank_records():
    return sa.select(
        QuestionRecord.id,
        QuestionRecord.name,
        QuestionRecord.category,
        QuestionRecord.type,
        QuestionRecord.content_hash,
    ).where(
        QuestionRecord.course_id == sa.bindparam("course_id"),
        QuestionRecord.archived_at.is_(None),
    )


_BANKS = caching.Cache("course_banks", max_size=64)


@dataclass(frozen=True)
class Bank:
    """A course's question bank as starts draw from it: rows of id, name, category, type and
    content_hash (ORM objects of a whole bank would cost more than the rest of a start)."""

    by_name: dict[str, sa.Row]
    # The questions of each category, by name: the pools a quiz draws from.
    pools: dict[str, tuple[sa.Row, ...]]


def _read_bank(course_id: int) -> Bank:
    rows = sorted(
        db.session.execute(_bank_records(), {"course_id": course_id}).all(), key=lambda r: r.name
    )
    pools: dict[str, list[sa.Row]] = {}
    for row in rows:
        pools.setdefault(row.category, []).append(row)
    return Bank({r.name: r for r in rows}, {c: tuple(p) for c, p in pools.items()})


def course_bank(course: Course) -> Bank:
    """The course's bank, read once per course version (kept_content: writing a question bumps
    it), not on every start: a whole class starts a quiz within seconds."""
    return kept_content(_BANKS, course, lambda: _read_bank(course.id))


def shown_order(question: Question, rng: random.Random, shuffle_options: bool) -> list[int]:
    """The order the page shows a question's parts in; the attempt keeps it for every reload."""
    return question_type(question.type).shown_order(question, rng, shuffle_options)


def build_layout(
    quiz: Quiz, seed: int, version: QuizVersion | None = None
) -> list[tuple[sa.Row, list[int]]]:
    """The questions of one attempt at a version of the quiz (by default the published one),
    drawn and ordered by its seed: the same seed, the same page."""
    plan = version or quiz
    rng = random.Random(seed)
    bank = course_bank(quiz.course)
    chosen: list[sa.Row] = []
    used: set[str] = set()
    for slot in plan.slots:
        if "question" in slot:
            record = bank.by_name.get(slot["question"])
            if record is not None and record.name not in used:
                chosen.append(record)
                used.add(record.name)
            continue
        pool = [
            r
            for r in bank.pools.get(slot["category"], ())
            if r.name not in used and question_type(r.type).scored
        ]
        for record in rng.sample(pool, min(slot["draw"], len(pool))):
            chosen.append(record)
            used.add(record.name)
    if plan.settings.get("shuffle_questions"):
        rng.shuffle(chosen)
    parse_versions((r.id, r.content_hash) for r in chosen)  # each parsed once per process
    shuffle_options = plan.settings.get("shuffle_options", True)
    return [(r, shown_order(parsed_question(r.content_hash), rng, shuffle_options)) for r in chosen]


def max_points(question: Question) -> float:
    return question_type(question.type).max_points(question)


def deadline_for(
    quiz: Quiz, override: QuizOverride | None, started: dt.datetime
) -> dt.datetime | None:
    """The earlier of start + time limit (+ the learner's extra time) and the closing time."""
    limit = quiz.settings.get("time_limit") or 0
    closes = _time(quiz.settings.get("closes"))
    candidates = []
    if limit:
        extra = override.extra_minutes if override else 0
        candidates.append(started + dt.timedelta(minutes=limit + extra))
    if closes:
        candidates.append(closes)
    return min(candidates) if candidates else None


@built_once
def _insert_answers():
    return sa.insert(Answer.__table__)


@built_once
def _insert_attempt_statement(dialect: str) -> sa.Insert:
    # Built per dialect: INSERT … ON CONFLICT is spelled by each database's own construct, and
    # the tests run one process against SQLite and PostgreSQL.
    table = Attempt.__table__
    return (
        upsert(table)
        .on_conflict_do_nothing(index_elements=[table.c.quiz_id, table.c.user_id, table.c.number])
        .returning(table.c.id)
    )


def _insert_attempt(values: dict) -> int | None:
    """Insert an attempt's row; its id, or None when another request has just inserted the same
    attempt number (the unique number stops a double click from starting two attempts).

    One statement, INSERT … ON CONFLICT DO NOTHING RETURNING id: the ORM's flush in a savepoint,
    which let the duplicate fail without ending the transaction, took three statements and a
    sixth of a start, and a whole class starts a quiz within seconds."""
    statement = _insert_attempt_statement(db.engine.dialect.name)
    return db.session.execute(statement, values).scalar()


def start_attempt(quiz: Quiz, user_id: int, now: dt.datetime) -> Attempt:
    """Start an attempt, or return the one already open (a double click starts one)."""
    state = availability(quiz, user_id, now)
    if state.room is not None:
        raise AttemptRefused(state.room, 403)
    if state.open_attempt is not None:
        return state.open_attempt
    if not state.can_start:
        raise AttemptRefused(state.reason, 403)
    seed = secrets.randbits(48)
    layout = build_layout(quiz, seed)
    if not layout:
        raise AttemptRefused(_l("This quiz has no questions yet."), 409)
    values = dict(
        quiz_id=quiz.id,
        quiz_version_id=quiz.version_id,
        user_id=user_id,
        number=state.used + 1,
        seed=seed,
        status=AttemptStatus.OPEN.value,
        started_at=now,
        deadline=deadline_for(quiz, state.override, now),
        submitted_at=None,
        closed_by=None,
        sequence=0,
        score=None,
        max_score=sum(max_points(parsed_question(r.content_hash)) for r, _ in layout),
        passed=None,
        needs_grading=False,
    )
    attempt_id = _insert_attempt(values)
    if attempt_id is None:
        # Another request started the same attempt number a moment ago: use that one.
        return db.session.scalar(
            sa.select(Attempt).where(
                Attempt.quiz_id == quiz.id,
                Attempt.user_id == user_id,
                Attempt.number == values["number"],
            )
        )
    # The row as an object of this session, every column known, without reading it back.
    attempt = Attempt(id=attempt_id, **values)
    make_transient_to_detached(attempt)
    db.session.add(attempt)
    # One executemany with a short statement: as ORM objects the rows would go as one long INSERT
    # with every value inlined, which the driver parses anew each time (a few ms per start).
    db.session.execute(
        _insert_answers(),
        [
            dict(
                attempt_id=attempt.id,
                position=position,
                question_id=record.id,
                shown_order=order,
                points=max_points(parsed_question(record.content_hash)),
                response=None,
            )
            for position, (record, order) in enumerate(layout)
        ],
    )
    return attempt


# --- saving -----------------------------------------------------------------------------------


def response_from_form(question: Question, position: int, form) -> object:
    """Read one question's response from the attempt form (the page and the autosave send the same)."""
    return question_type(question.type).response_from_form(question, f"a{position}", form)


def close_if_overdue(attempt: Attempt, now: dt.datetime) -> bool:
    """Hand in an attempt whose deadline (and grace) has passed, with the answers it saved."""
    if attempt.is_open and attempt.deadline is not None and now > attempt.deadline + grace():
        submit_attempt(attempt, now, closed_by=ClosedBy.DEADLINE)
        return True
    return False


# A save's statements are built once (courseware/db.py: built_once): a classroom saves every few
# seconds, and building a statement and its cache key cost more than running it on SQLite.
# Core, not ORM, updates: the ORM makes an annotated copy of its statements on every execution.
@built_once
def _claim_statement():
    attempt = Attempt.__table__
    return (
        sa.update(attempt)
        .where(
            attempt.c.id == sa.bindparam("attempt_id"),
            attempt.c.status == AttemptStatus.OPEN,
            attempt.c.sequence < sa.bindparam("new_sequence"),
        )
        .values(sequence=sa.bindparam("new_sequence"))
    )


def _claim(attempt: Attempt, sequence: int) -> bool:
    """Raise the attempt's sequence to `sequence` unless a newer save or the hand-in got there first."""
    params = {"attempt_id": attempt.id, "new_sequence": sequence}
    return bool(db.session.execute(_claim_statement(), params).rowcount)


@built_once
def _answer_rows():
    return (
        sa.select(
            Answer.id, Answer.position, Answer.response, Answer.question_id, Answer.question_hash
        )
        .where(Answer.attempt_id == sa.bindparam("attempt_id"))
        .order_by(Answer.position)
    )


@built_once
def _update_answers():
    """Answers' responses by id, run as one executemany ("answer_id", "new_response", "saved")."""
    answer = Answer.__table__
    return (
        sa.update(answer)
        .where(answer.c.id == sa.bindparam("answer_id"))
        .values(response=sa.bindparam("new_response"), saved_at=sa.bindparam("saved"))
    )


def answer_rows(attempt_id: int) -> list[sa.Row]:
    """An attempt's answers as rows of id, position, response and their question's version, parsed.

    A save reads them so, not as ORM objects: a classroom saves every few seconds, and 25 objects
    per save were a third of its work."""
    rows = db.session.execute(_answer_rows(), {"attempt_id": attempt_id}).all()
    parse_versions((r.question_id, r.question_hash) for r in rows)
    return rows


def save_answers(attempt: Attempt, sequence: int, form, now: dt.datetime) -> int:
    """Save the responses in `form` if `sequence` is newer than the last save; return the sequence."""
    return save_and_check(attempt, sequence, form, now)[0]


def save_and_check(
    attempt: Attempt, sequence: int, form, now: dt.datetime
) -> tuple[int, dict[str, str]]:
    """Save as save_answers does; also say which answers cannot be graded as typed (a number that
    is not one), by field name ("a3"), in the request's language. They are saved as typed all the
    same: the learner decides what to change.

    A save carrying an older sequence comes from another window or a late retry: it is refused,
    because applying it would overwrite newer answers.
    """
    if close_if_overdue(attempt, now):
        raise AttemptRefused(
            _l(
                "Time is up: your attempt was handed in with the answers saved before the deadline."
            ),
            410,
        )
    if not attempt.is_open:
        raise AttemptRefused(
            _l("This attempt has already been handed in; it cannot be changed."), 410
        )
    rows = answer_rows(attempt.id)
    questions = [parsed_question(r.question_hash) for r in rows]
    responses = [response_from_form(q, r.position, form) for q, r in zip(questions, rows)]
    problems = {
        f"a{r.position}": str(problem)
        for q, r, response in zip(questions, rows, responses)
        if (problem := response_problem(q, response))
    }
    if sequence <= attempt.sequence or not _claim(attempt, sequence):
        # Either older than the last save, or another request claimed this number first.
        db.session.refresh(attempt, ["status", "sequence"])
        if not attempt.is_open:
            raise AttemptRefused(
                _l("This attempt has already been handed in; it cannot be changed."), 410
            )
        stored = [r.response for r in answer_rows(attempt.id)]
        if sequence == attempt.sequence and stored == responses:
            return attempt.sequence, problems  # the same save arriving twice
        raise AttemptRefused(
            _l(
                "These answers are older than ones saved from another window. Reload the page to continue with the newest answers."
            ),
            409,
        )
    set_committed_value(attempt, "sequence", sequence)  # _claim wrote it already
    changed = [
        dict(answer_id=r.id, new_response=response, saved=now)
        for r, response in zip(rows, responses)
        if r.response != response
    ]
    if changed:
        # By primary key, as one executemany; answers loaded as objects would not see it, and none are.
        db.session.execute(_update_answers(), changed)
    return sequence, problems


# --- submitting and grading -------------------------------------------------------------------


def grade_answer(answer: Answer) -> None:
    result = grade_response(answer.parsed, answer.response)
    answer.fraction = result.fraction
    answer.state = result.state


def total(attempt: Attempt) -> None:
    """Score, pass/fail and whether an instructor still has to grade something."""
    pending = any(
        a.final_fraction is None and a.state == AnswerState.MANUAL for a in attempt.answers
    )
    attempt.score = round(sum(a.points * (a.final_fraction or 0) for a in attempt.answers), 4)
    attempt.max_score = round(sum(a.points for a in attempt.answers), 4)
    attempt.needs_grading = pending
    if pending:
        attempt.passed = None
    else:
        mark = attempt.version.settings.get("pass_mark", 60)
        attempt.passed = (
            attempt.max_score == 0 or attempt.score * 100 >= mark * attempt.max_score - 1e-9
        )


@built_once
def _hand_in():
    attempt = Attempt.__table__
    return (
        sa.update(attempt)
        .where(attempt.c.id == sa.bindparam("attempt_id"), attempt.c.status == AttemptStatus.OPEN)
        .values(
            status=AttemptStatus.SUBMITTED,
            submitted_at=sa.bindparam("now"),
            closed_by=sa.bindparam("closed_by"),
        )
    )


def submit_attempt(attempt: Attempt, now: dt.datetime, closed_by: str = ClosedBy.LEARNER) -> bool:
    """Hand in and grade; True if this call did it, False if it was already handed in."""
    params = {"attempt_id": attempt.id, "now": now, "closed_by": closed_by}
    handed_in = db.session.execute(_hand_in(), params).rowcount
    # Only the row's own columns: the answers loaded with the attempt stay loaded.
    db.session.refresh(attempt, ["status", "submitted_at", "closed_by", "sequence"])
    if not handed_in:
        return False
    for answer in load_attempt_answers(attempt):
        grade_answer(answer)
    total(attempt)
    db.session.flush()
    signals.attempt_graded.send(attempt, now=now)
    return True


def close_overdue(now: dt.datetime) -> int:
    """Hand in every attempt past its deadline; for cron, so results do not wait for a visit."""
    overdue = db.session.scalars(
        sa.select(Attempt).where(
            Attempt.status == AttemptStatus.OPEN,
            Attempt.deadline.is_not(None),
            Attempt.deadline < now - grace(),
        )
    )
    return sum(1 for attempt in list(overdue) if close_if_overdue(attempt, now))


def regrade_question(record: QuestionRecord) -> int:
    """Regrade every handed-in answer to a question after its key changed; return how many changed."""
    changed = 0
    answers = db.session.scalars(
        sa.select(Answer)
        .join(Attempt)
        .where(Answer.question_id == record.id, Attempt.status == AttemptStatus.SUBMITTED)
    )
    for answer in list(answers):
        before = (answer.fraction, answer.state)
        grade_answer(answer)
        if (answer.fraction, answer.state) != before:
            changed += 1
            total(answer.attempt)
    db.session.flush()
    return changed


def remaining_seconds(attempt: Attempt, now: dt.datetime) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - now).total_seconds()))


def may_review(attempt: Attempt, now: dt.datetime) -> bool:
    """Whether the learner may see each answer with its feedback, as the quiz's review setting says."""
    # The quiz's rule now, not the version's: an instructor who hides the answers (say, until a
    # retake closes) hides them from every attempt; the answers shown are the attempt's own.
    settings = attempt.quiz.settings
    review = settings.get("review", "immediately")
    if not attempt.is_submitted or review == "never":
        return False
    if review == "after_close":
        closes = _time(settings.get("closes"))
        return closes is not None and now >= closes
    return True


def counted_attempt(attempts: list[Attempt], rule: str) -> Attempt | None:
    """The attempt that counts for the course: the best or the last handed-in one."""
    done = [a for a in attempts if a.status == AttemptStatus.SUBMITTED and a.score is not None]
    if not done:
        return None
    if rule == "last":
        return done[-1]
    return max(done, key=lambda a: (a.score / a.max_score if a.max_score else 1.0, -a.number))


def answered(attempt: Attempt) -> int:
    return sum(1 for a in attempt.answers if not is_blank(a.response))


@dataclass
class QuizStatus:
    """A quiz as a learner's course page shows it: the quiz's and the counted attempt's columns."""

    quiz: sa.Row  # id, slug, title, settings
    status: str  # not_started | in_progress | completed
    counted: sa.Row | None  # the attempt that counts: id, number, status, score, max_score, passed
    passed: bool


def quiz_statuses(course: Course, user_id: int) -> dict[str, QuizStatus]:
    """Each quiz of a course with the learner's standing: done once an attempt passed. The
    learner's attempts are read by the course (learner_rows_in_course: 18 µs, against 51 by the
    list of quizzes)."""
    quizzes = course_quizzes(course)
    by_quiz: dict[int, list[sa.Row]] = {}
    if quizzes:
        rows = read_rows(_attempts_in_course(), {"user_id": user_id, "course_id": course.id})
        for attempt in rows:
            by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    return {quiz.slug: quiz_status(quiz, by_quiz.get(quiz.id, [])) for quiz in quizzes}


@built_once
def _attempts_in_course():
    attempt = Attempt.__table__
    return learner_rows_in_course(_standing_columns(), attempt, Quiz.__table__, "quiz_id").order_by(
        attempt.c.number
    )


# The published quizzes' columns a standing reads (id, slug, title, settings), by course version
# (courses/models.py), per process. Rows are shared between requests: never change their values.
_COURSE_QUIZZES = caching.Cache("course_quizzes", max_size=256)


def course_quizzes(course: Course) -> tuple:
    """The course's published quizzes (id, slug, title, settings), kept by course version."""
    return kept_content(
        _COURSE_QUIZZES,
        course,
        lambda: tuple(read_rows(_course_quizzes(), {"course_id": course.id})),
    )


@built_once
def _course_quizzes():
    quiz = Quiz.__table__
    return sa.select(quiz.c.id, quiz.c.slug, quiz.c.title, quiz.c.settings).where(
        quiz.c.course_id == sa.bindparam("course_id"),
        quiz.c.archived_at.is_(None),
        quiz.c.published_at.is_not(None),
    )


def _standing_columns():
    """An attempt's columns a standing reads: whose, of which quiz, and how it was graded."""
    attempt = Attempt.__table__
    return [
        attempt.c[name]
        for name in (
            "id",
            "user_id",
            "quiz_id",
            "number",
            "status",
            "score",
            "max_score",
            "passed",
            "needs_grading",
        )
    ]


@built_once
def _attempts_of_users():
    attempt = Attempt.__table__
    return (
        sa.select(*_standing_columns())
        .where(
            attempt.c.user_id.in_(sa.bindparam("user_ids", expanding=True)),
            attempt.c.quiz_id.in_(sa.bindparam("quiz_ids", expanding=True)),
        )
        .order_by(attempt.c.number)
    )


def quiz_statuses_for(course: Course, user_ids) -> dict[int, dict[str, QuizStatus]]:
    """Each quiz of a course with each learner's standing, by user id then quiz slug: the quizzes
    and every learner's attempts at them are read once, however many learners."""
    users = list(user_ids)
    quizzes = course_quizzes(course)
    by_learner: dict[tuple[int, int], list[sa.Row]] = {}
    if users and quizzes:
        rows = read_rows(
            _attempts_of_users(), {"user_ids": users, "quiz_ids": [q.id for q in quizzes]}
        )
        for attempt in rows:
            by_learner.setdefault((attempt.user_id, attempt.quiz_id), []).append(attempt)
    return {
        user_id: {
            quiz.slug: quiz_status(quiz, by_learner.get((user_id, quiz.id), [])) for quiz in quizzes
        }
        for user_id in users
    }


def quiz_status(quiz, attempts: list) -> QuizStatus:
    """A learner's standing in a quiz from their attempts at it, in attempt order."""
    counted = counted_attempt(attempts, quiz.settings.get("grade", "best"))
    passed = bool(counted and counted.passed)
    status = "completed" if passed else "in_progress" if attempts else "not_started"
    return QuizStatus(quiz, status, counted, passed)


@built_once
def _attempts_of_user():
    attempt = Attempt.__table__
    return (
        sa.select(*_standing_columns())
        .where(attempt.c.user_id == sa.bindparam("user_id"))
        .order_by(attempt.c.number)
    )


@built_once
def _published_quizzes():
    quiz, course = Quiz.__table__, Course.__table__
    return (
        sa.select(
            quiz.c.id,
            quiz.c.slug,
            quiz.c.title,
            quiz.c.settings,
            course.c.slug.label("course_slug"),
        )
        .join(course, course.c.id == quiz.c.course_id)
        .where(
            quiz.c.id.in_(sa.bindparam("quiz_ids", expanding=True)),
            quiz.c.archived_at.is_(None),
            quiz.c.published_at.is_not(None),
        )
        .order_by(quiz.c.course_id, quiz.c.id)
    )


def learner_results(user_id: int) -> list[tuple[sa.Row, sa.Row | None, int]]:
    """Every quiz a learner has attempted (its id, slug, title and course's slug), the attempt
    that counts and how many they made."""
    by_quiz: dict[int, list[sa.Row]] = {}
    for attempt in read_rows(_attempts_of_user(), {"user_id": user_id}):
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    if not by_quiz:
        return []
    quizzes = read_rows(_published_quizzes(), {"quiz_ids": list(by_quiz)})
    return [
        (q, counted_attempt(by_quiz[q.id], q.settings.get("grade", "best")), len(by_quiz[q.id]))
        for q in quizzes
    ]
