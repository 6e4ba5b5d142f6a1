"""Reading progress: a log of visits and one summary row per learner and lesson (as Kolibri keeps
content session logs and summary logs)."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import db, status_type
from courseware.jobs import JobProgress, JobStatus
from courseware.timeutil import utcnow


class LessonVisit(db.Model):
    """One opening of a lesson page: who, which revision, when, and active seconds on it."""

    __tablename__ = "lesson_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    revision_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson_revision.id"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_beat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Seconds the tab was visible, as heartbeats reported them (bounded by wall time).
    active_seconds: Mapped[int] = mapped_column(default=0)
    reached_end: Mapped[bool] = mapped_column(default=False)


class LessonStatus(enum.StrEnum):
    """A learner's standing on a lesson; with no progress row yet, it is not started. Quizzes and
    exercises give their standing in the same words."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class LessonProgress(db.Model):
    """A learner's standing on one lesson, summed over visits."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    status: Mapped[LessonStatus] = mapped_column(
        status_type(LessonStatus), default=LessonStatus.IN_PROGRESS
    )
    first_opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None]
    active_seconds: Mapped[int] = mapped_column(default=0)
    reached_end: Mapped[bool] = mapped_column(default=False)
    # How far down the page the learner was (0–1), to resume there.
    position: Mapped[float] = mapped_column(default=0.0)


class CourseAssignment(db.Model):
    """A course assigned to a class (班次), with when it starts and when it is due."""

    __tablename__ = "course_assignment"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "course_id", name="uq_course_assignment_cohort_course"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    starts_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # 必修 (required) or 选修 (elective): quotas may ask for a minimum of required 学时.
    requirement: Mapped[str] = mapped_column(
        sa.String(8), default="required", server_default="required"
    )


class CourseCompletion(db.Model):
    """A learner met a course's completion rule: written once, kept when the rule changes later."""

    __tablename__ = "course_completion"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", name="uq_course_completion_user_course"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    completed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    # The rule as it stood when it was met.
    rule: Mapped[dict] = mapped_column(sa.JSON)
    # The mean score over the course's quizzes and exercises, when it has any.
    score: Mapped[float | None]


class CreditEntry(db.Model):
    """One line of the 学时 ledger. Entries are never edited or deleted: a mistake is reversed by a
    new entry with the opposite hours and a reason."""

    __tablename__ = "credit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    hours: Mapped[float]
    earned_on: Mapped[dt.date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # course | external | in_person | reversal
    # A course credits once: the completion it came from is unique here.
    completion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_completion.id"), unique=True
    )
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("credit_entry.id"), unique=True)
    # What an in-person entry (and its reversal) came from, such as "class_session:12".
    source: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Training elsewhere (kind "external"): which kind (see ledger.TRAINING_KINDS), the last day
    # when it ran over several (earned_on is the first), who organised it and the evidence seen.
    training_kind: Mapped[str | None] = mapped_column(sa.String(16))
    ends_on: Mapped[dt.date | None]
    organiser: Mapped[str | None] = mapped_column(sa.String(200))
    evidence: Mapped[str | None] = mapped_column(sa.String(500))
    # The fingerprint of the imported row an entry came from: the same row imported again is
    # recognised and adds nothing.
    import_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)


class QuotaRule(db.Model):
    """How many 学时 a rank band must earn, over how many calendar years (administrators set it)."""

    __tablename__ = "quota_rule"

    rank_level: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    hours: Mapped[float]
    years: Mapped[int]
    # Of those hours, how many must come from required (必修) courses; 0 for no such minimum.
    min_required: Mapped[float] = mapped_column(default=0.0, server_default="0")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LessonCheckAnswer(db.Model):
    """A learner's answers to one question inside a lesson (随堂测验, `!!! check NAME`): the last
    response, how many tries, and whether it was ever right. One row per learner, lesson and check."""

    __tablename__ = "lesson_check_answer"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "lesson_id", "name", name="uq_lesson_check_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    # The question's name in the course's bank, as the lesson writes it.
    name: Mapped[str] = mapped_column(sa.String(80))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"))
    response: Mapped[dict | list | str | int | bool | None] = mapped_column(sa.JSON)
    # Tries in the visit named below: a lesson that asks for a right answer within N tries gives
    # N more with each new visit (reading the lesson again).
    tries: Mapped[int] = mapped_column(default=0)
    visit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lesson_visit.id", ondelete="SET NULL")
    )
    total_tries: Mapped[int] = mapped_column(default=0)
    correct: Mapped[bool] = mapped_column(default=False)  # answered right at least once
    first_answered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CompletionRecheck(JobProgress, db.Model):
    """A course's learners checked again against its completion rule after the rule changed, by
    the job queue's worker; `completed` says how many completed the course by it."""

    __tablename__ = "completion_recheck"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[JobStatus] = mapped_column(status_type(JobStatus), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    queued_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    heartbeat_at: Mapped[dt.datetime | None]


class TrainingImport(db.Model):
    """A sheet of outside training records a unit sent (XLSX/CSV), applied all at once: how many
    rows it credited, queued as matching no cadre, or found already imported."""

    __tablename__ = "training_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    file_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    key_field: Mapped[str] = mapped_column(sa.String(16))
    imported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    # The importer's unit for a unit administrator: its queued rows are theirs to resolve.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # "preview" while the file waits to be applied (kept here until then), "applied" after.
    status: Mapped[str] = mapped_column(sa.String(12), default="preview")
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    applied_at: Mapped[dt.datetime | None]
    credited: Mapped[int] = mapped_column(default=0)
    queued: Mapped[int] = mapped_column(default=0)
    already: Mapped[int] = mapped_column(default=0)


class UnmatchedTraining(db.Model):
    """A row of an imported sheet that named no cadre the importer manages: it waits until an
    administrator matches it to an account (which credits it) or discards it with a reason."""

    __tablename__ = "unmatched_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_import.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[int]
    key_value: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(64), default="")
    # The checked values of the row: kind, from, to, hours, organiser, evidence, note.
    values: Mapped[dict] = mapped_column(sa.JSON)
    # The row's fingerprint: the same row imported again is not queued twice.
    import_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[dt.datetime | None]
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("credit_entry.id"))
