"""Quizzes, their questions, attempts and answers."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import column_property, Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from courseware import caching
from courseware.db import built_once, db
from courseware.quizzes import questions
from courseware.timeutil import utcnow

# Parsed questions by content hash (the hash of their data), per process: a changed question has a
# new hash, so nothing stale is ever served (see courseware.caching).
_PARSED = caching.Cache("parsed_questions", max_size=20_000)


def _parsed(content_hash: str, data: dict) -> questions.Question:
    return _PARSED.get_or_build(content_hash, lambda: questions.Question.from_dict(data))


def parse_versions(versions) -> None:
    """Parse, with one query, those question versions (pairs of record id and content_hash) this
    process has not parsed yet.

    For records and answers loaded without the question's `data`: the rest of a request then reads
    every question from the cache (parsed_question) instead of loading each text on its own."""
    missing = {record_id for record_id, content_hash in versions if content_hash not in _PARSED}
    if missing:
        rows = db.session.execute(
            sa.select(QuestionRecord.content_hash, QuestionRecord.data).where(
                QuestionRecord.id.in_(missing)
            )
        )
        for content_hash, data in rows:
            _parsed(content_hash, data)


@built_once
def _answers_of_attempt():
    return (
        sa.select(Answer)
        .where(Answer.attempt_id == sa.bindparam("attempt_id"))
        .order_by(Answer.position)
        .execution_options(populate_existing=True)
    )


def load_attempt_answers(attempt) -> list:
    """Load an attempt's answers, each with the version of its question parsed, in at most two
    queries: loading the question records as ORM objects would cost more than the rest of an
    attempt page."""
    answers = list(db.session.scalars(_answers_of_attempt(), {"attempt_id": attempt.id}))
    parse_versions((a.question_id, a.question_hash) for a in answers)
    set_committed_value(attempt, "answers", answers)
    return answers


def parsed_question(content_hash: str) -> questions.Question:
    """The question with this content, parsed: usually parse_versions has parsed it earlier in
    the request; otherwise (the cache made room, another thread cleared it) it is loaded now."""
    question = _PARSED.get(content_hash)
    if question is not None:
        return question
    data = db.session.scalar(
        sa.select(QuestionRecord.data).where(QuestionRecord.content_hash == content_hash).limit(1)
    )
    if data is None:
        raise LookupError(f"no question has the content hash {content_hash}")
    return _parsed(content_hash, data)


class QuestionRecord(db.Model):
    """A question of a course, from a quiz file or a bank; `data` is questions.Question as a dict."""

    __tablename__ = "question"
    # The course's bank is part of its version: starts draw from the bank kept per version.
    changes_course_version = True
    __table_args__ = (sa.UniqueConstraint("course_id", "name", name="uq_question_course_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    category: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    type: Mapped[str] = mapped_column(sa.String(16))
    data: Mapped[dict] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # Changes when the answer key changes, so attempts know they need regrading.
    key_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    archived_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The content_hash the files gave at the last sync; None for a question written in the
    # browser or imported, which only an export puts in the files. A content_hash that differs
    # is an edit made in the browser since, which a sync keeps rather than overwrite.
    file_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # Its place in its bank file (files order), so that an export writes questions in that order.
    position: Mapped[int] = mapped_column(default=0)

    @property
    def question(self) -> questions.Question:
        """The parsed question; parsed once per process for each version of its content. Its text
        (`data`) is read only on the first use of that version, so queries may defer it."""
        return _PARSED.get(self.content_hash) or _parsed(self.content_hash, self.data)


class QuestionRevision(db.Model):
    """One saved version of a question: from the files, an import, or the browser's editor."""

    __tablename__ = "question_revision"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "number", name="uq_question_revision_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    data: Mapped[dict] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # "file", "import" or "browser"
    origin: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QuestionCategory(db.Model):
    """The name a bank gives one of its categories ({zh, en}), shown instead of the category's
    key, which quizzes draw by and which may be Moodle's "$course$/top/…" path."""

    __tablename__ = "question_category"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "path", name="uq_question_category_course_path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[dict] = mapped_column(sa.JSON)
    # The name the bank files gave at the last sync (None: named only in the browser), so that a
    # sync tells a name edited in the browser from one the files changed.
    file_name: Mapped[dict | None] = mapped_column(sa.JSON)


class Quiz(db.Model):
    """A quiz of a course, synced from quizzes/<course>/<slug>.yaml or built in the browser.

    Its title, settings and slots are those of its published version (`version`), copied here so
    that lists and the quiz page read them without a join; attempts read their own version."""

    __tablename__ = "quiz"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug", name="uq_quiz_course_slug"),)
    # Writing one makes a new course version (courses/models.py), which pages' kept content follows.
    changes_course_version = True

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[dict] = mapped_column(sa.JSON)
    description: Mapped[dict] = mapped_column(sa.JSON)
    lesson_slug: Mapped[str | None] = mapped_column(sa.String(64))
    # time_limit (minutes), opens/closes (ISO, UTC), attempts, pass_mark (%), shuffle_questions,
    # shuffle_options, review, grade: see quizzes/files.py.
    settings: Mapped[dict] = mapped_column(sa.JSON)
    # [{"question": name}] or [{"draw": n, "category": c}], in order.
    slots: Mapped[list] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # The version learners take; None until a quiz built in the browser is first published.
    version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_version.id", use_alter=True, name="fk_quiz_version")
    )
    # Fingerprint of the quiz's file at the last sync (None: never in the files, or gone from
    # them): a newer version with another fingerprint was made in the browser.
    file_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # Learners see a quiz once it is published; one built in the browser starts unpublished.
    published_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)
    archived_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    course = relationship("Course")
    version: Mapped[QuizVersion | None] = relationship(foreign_keys=[version_id], post_update=True)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.archived_at is None


class QuizVersion(db.Model):
    """One saved state of a quiz: its texts, settings and slots. Never changed once saved.

    Every change — a save in the browser, a sync of a changed file — adds a version, so an attempt
    keeps the version it started on: changing a quiz that has attempts leaves their questions,
    score and pass as they were, and new attempts take the new version. A save refused because
    someone else saved first is kept as a conflict copy."""

    __tablename__ = "quiz_version"
    __table_args__ = (sa.UniqueConstraint("quiz_id", "number", name="uq_quiz_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id"), index=True)
    number: Mapped[int]  # 1, 2, 3 … within the quiz
    status: Mapped[str] = mapped_column(sa.String(16))  # draft | published | conflict
    source: Mapped[str] = mapped_column(sa.String(16))  # file | browser
    title: Mapped[dict] = mapped_column(sa.JSON)
    description: Mapped[dict] = mapped_column(sa.JSON)
    lesson_slug: Mapped[str | None] = mapped_column(sa.String(64))
    settings: Mapped[dict] = mapped_column(sa.JSON)
    slots: Mapped[list] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The version the author started from; a save on a stale base is a conflict.
    base_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_version.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author = relationship("User")


class QuizOverride(db.Model):
    """Extra time or attempts for one learner, set by an instructor."""

    __tablename__ = "quiz_override"
    __table_args__ = (sa.UniqueConstraint("quiz_id", "user_id", name="uq_quiz_override_quiz_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    extra_minutes: Mapped[int] = mapped_column(default=0)
    extra_attempts: Mapped[int] = mapped_column(default=0)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AttemptStatus(enum.StrEnum):
    """Where an attempt stands: open while the learner answers, submitted once handed in."""

    OPEN = "open"
    SUBMITTED = "submitted"


class ClosedBy(enum.StrEnum):
    """Who handed an attempt in."""

    LEARNER = "learner"
    DEADLINE = "deadline"


class AnswerState(enum.StrEnum):
    """How an answer was graded; manual while it waits for an instructor."""

    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    UNANSWERED = "unanswered"
    MANUAL = "manual"


class Attempt(db.Model):
    """One learner's attempt at a quiz. The server's clock alone decides its deadline."""

    __tablename__ = "quiz_attempt"
    # The unique number stops a double click from starting two attempts.
    __table_args__ = (
        sa.UniqueConstraint("quiz_id", "user_id", "number", name="uq_quiz_attempt_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id"), index=True)
    # The version of the quiz this attempt took: its questions, pass mark and review rule.
    quiz_version_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_version.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(16), default=AttemptStatus.OPEN, index=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deadline: Mapped[dt.datetime | None] = mapped_column(index=True)
    submitted_at: Mapped[dt.datetime | None]
    # ClosedBy: who closed it.
    closed_by: Mapped[str | None] = mapped_column(sa.String(16))
    # Raised by every accepted save; a save carrying an older number came from a stale window.
    sequence: Mapped[int] = mapped_column(default=0)
    score: Mapped[float | None]
    max_score: Mapped[float] = mapped_column(default=0.0)
    passed: Mapped[bool | None]
    needs_grading: Mapped[bool] = mapped_column(default=False)

    quiz: Mapped[Quiz] = relationship()
    version: Mapped[QuizVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="attempt", order_by="Answer.position"
    )

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    @property
    def is_submitted(self) -> bool:
        return self.status == AttemptStatus.SUBMITTED

    @property
    def closed_at_deadline(self) -> bool:
        return self.closed_by == ClosedBy.DEADLINE

    @property
    def percent(self) -> float | None:
        """The score as a percentage of the maximum, to one decimal; None before grading."""
        if self.score is None:
            return None
        return round(100 * self.score / self.max_score, 1) if self.max_score else 100.0


class Answer(db.Model):
    """The response to one question of an attempt, saved the moment it changes."""

    __tablename__ = "quiz_answer"
    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "position", name="uq_quiz_answer_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    # The order the learner sees the options (or right-hand texts, or items) in.
    shown_order: Mapped[list] = mapped_column(sa.JSON, default=list)
    response: Mapped[dict | list | str | int | bool | None] = mapped_column(sa.JSON)
    saved_at: Mapped[dt.datetime | None]
    points: Mapped[float] = mapped_column(default=1.0)
    fraction: Mapped[float | None]
    state: Mapped[str] = mapped_column(sa.String(16), default=AnswerState.UNANSWERED)
    # An instructor's grade replaces the computer's; both are kept.
    manual_fraction: Mapped[float | None]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    graded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    graded_at: Mapped[dt.datetime | None]

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question: Mapped[QuestionRecord] = relationship()

    # The version of its question, read with the answer: the parsed question then comes from this
    # process's cache, without loading the question's record.
    question_hash: Mapped[str] = column_property(
        sa.select(QuestionRecord.content_hash)
        .where(QuestionRecord.id == question_id)
        .correlate_except(QuestionRecord)
        .scalar_subquery()
    )

    @property
    def parsed(self) -> questions.Question:
        """The question this answers, parsed."""
        return _PARSED.get(self.question_hash) or self.question.question

    @property
    def final_fraction(self) -> float | None:
        return self.manual_fraction if self.manual_fraction is not None else self.fraction

    @property
    def awaits_grading(self) -> bool:
        """An answer only an instructor can grade, not graded yet."""
        return self.state == AnswerState.MANUAL and self.manual_fraction is None

    @property
    def is_unanswered(self) -> bool:
        return self.state == AnswerState.UNANSWERED

    @property
    def earned(self) -> float:
        """The points this answer earned so far."""
        return (self.final_fraction or 0) * self.points

    @property
    def computer_points(self) -> float | None:
        """The points the computer's grading gave, kept beside an instructor's grade."""
        return None if self.fraction is None else self.fraction * self.points
