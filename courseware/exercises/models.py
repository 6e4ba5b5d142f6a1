"""Exercises, runs (one learner's, or one team's in a live class), their actions and reviews.

A run stores only its actions; the engine replays them on each request, so every worker sees the
same state and nothing lives in a worker's memory.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courseware import caching
from courseware.db import db, status_type
from courseware.exercises.scenario import Scenario
from courseware.timeutil import utcnow

# Parsed scenarios by content hash (the hash of `data`), per process: a course page or a run's
# status needs only the pass mark, and reading and parsing the whole scenario costs milliseconds.
# Rule 1 of courseware/caching.py: a changed scenario has a new hash.
_SCENARIOS = caching.Cache("scenarios", max_size=256)


def scenario_by_hash(content_hash: str, read_data) -> Scenario:
    """The parsed scenario of this hash, from the cache; on a miss read_data() gives its JSON."""
    return _SCENARIOS.get_or_build(content_hash, lambda: Scenario.from_dict(read_data()))


class Exercise(db.Model):
    """A scenario of a course, synced from exercises/<course>/<slug>.yaml or written in the browser.

    `data` is the scenario learners get: its published revision's. A scenario started in the
    browser stays out of learners' sight, as an archived one does, until it is first published."""

    __tablename__ = "exercise"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug", name="uq_exercise_course_slug"),)
    # Writing one makes a new course version (courses/models.py), which pages' kept content follows.
    changes_course_version = True

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[dict] = mapped_column(sa.JSON)
    data: Mapped[dict] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    archived_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The revision whose text learners get; None for scenarios synced before revisions were kept.
    published_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exercise_revision.id", use_alter=True, name="fk_exercise_published_revision")
    )
    # SHA-256 of the file's text at the last sync; tells a file change from a browser edit.
    file_hash: Mapped[str | None] = mapped_column(sa.String(64))

    course = relationship("Course")
    published: Mapped[ExerciseRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )

    @property
    def scenario(self) -> Scenario:
        cached = getattr(self, "_scenario", None)
        if cached is None or cached[0] != self.content_hash:
            # `data` is read only when the hash is new to this process (it may be deferred).
            scenario = scenario_by_hash(self.content_hash, lambda: self.data)
            cached = (self.content_hash, scenario)
            self._scenario = cached
        return cached[1]


@dataclass(frozen=True)
class ExerciseItem:
    """An exercise as a course's pages list it, without its scenario's text: kept per process by
    course version (exercises/runs.py), so it is plain data, not a row of a database session."""

    id: int
    slug: str
    title: dict
    content_hash: str

    @property
    def scenario(self) -> Scenario:
        """The parsed scenario, from the per-process cache by its hash; read on a miss."""
        return scenario_by_hash(
            self.content_hash,
            lambda: db.session.scalar(sa.select(Exercise.data).where(Exercise.id == self.id)),
        )


class ScenarioRevisionStatus(enum.StrEnum):
    """A draft waits to be published; a conflict copy keeps a save refused for a stale base."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CONFLICT = "conflict"


class ExerciseRevision(db.Model):
    """One saved text of a scenario's YAML file; never changed after saving but for its status."""

    __tablename__ = "exercise_revision"
    __table_args__ = (
        sa.UniqueConstraint("exercise_id", "number", name="uq_exercise_revision_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise.id"), index=True)
    number: Mapped[int]  # 1, 2, 3 … within the exercise
    status: Mapped[ScenarioRevisionStatus] = mapped_column(status_type(ScenarioRevisionStatus))
    source: Mapped[str] = mapped_column(sa.String(16))  # file | browser | copy
    text: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the text
    # How many problems `content check` found in the text when it was saved (0: publishable).
    problems: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The revision the author started from; a save on a stale base is a conflict.
    base_revision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exercise_revision.id"))
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    exercise: Mapped[Exercise] = relationship(foreign_keys=[exercise_id])
    author = relationship("User")

    @property
    def is_draft(self) -> bool:
        return self.status == ScenarioRevisionStatus.DRAFT


class ScenarioVersion(db.Model):
    """A scenario as runs played it, kept when a newer one replaces it, so that a finished run's
    score and report stay those of the scenario it was played with."""

    __tablename__ = "exercise_version"
    __table_args__ = (
        sa.UniqueConstraint("exercise_id", "content_hash", name="uq_exercise_version_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise.id"), index=True)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlayTest(db.Model):
    """An author's play-test of a scenario's revision: its actions and nothing else. Kept apart
    from runs, so no report, class grid, progress or certificate ever counts it."""

    __tablename__ = "exercise_playtest"
    __table_args__ = (
        sa.UniqueConstraint("exercise_id", "user_id", name="uq_exercise_playtest_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise.id"), index=True)
    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise_revision.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    # The revision's scenario as checked when the play-test began (checking replays calibration
    # posts, too dear for every request).
    data: Mapped[dict] = mapped_column(sa.JSON)
    # [{kind, at, text, target, option, minutes}, …] in order, replayed by the engine.
    actions: Mapped[list] = mapped_column(sa.JSON, default=list)
    finished: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    revision: Mapped[ExerciseRevision] = relationship()


class LiveStatus(enum.StrEnum):
    """Where a live class stands on the instructor's clock."""

    WAITING = "waiting"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class RunStatus(enum.StrEnum):
    """A run is open until it finishes; then its score is kept."""

    OPEN = "open"
    FINISHED = "finished"


class LiveSession(db.Model):
    """A live classroom run: the instructor's clock, shared by every team of the class."""

    __tablename__ = "exercise_live"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohort.id", ondelete="SET NULL"))
    instructor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[LiveStatus] = mapped_column(status_type(LiveStatus), default=LiveStatus.WAITING)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    # Simulated minutes per real minute while running.
    speed: Mapped[float] = mapped_column(default=1.0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    paused_at: Mapped[dt.datetime | None]
    paused_seconds: Mapped[float] = mapped_column(default=0.0)
    # Raised by every change, so polling pages know when to redraw.
    version: Mapped[int] = mapped_column(default=0)
    # What learners type to find their team's run; shown on the projector (加入代码).
    join_code: Mapped[str | None] = mapped_column(sa.String(8), unique=True)

    exercise: Mapped[Exercise] = relationship()
    teams: Mapped[list[ExerciseRun]] = relationship(
        back_populates="live", order_by="ExerciseRun.id"
    )


class ExerciseRun(db.Model):
    """One play of a scenario: a learner's self-paced run, or a team's run in a live class."""

    __tablename__ = "exercise_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    live_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exercise_live.id", ondelete="CASCADE"), index=True
    )
    team_name: Mapped[str] = mapped_column(sa.String(64), default="")
    # Learner ids of a live team; a self-paced run belongs to user_id alone.
    members: Mapped[list] = mapped_column(sa.JSON, default=list)
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[RunStatus] = mapped_column(status_type(RunStatus), default=RunStatus.OPEN)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    score: Mapped[float | None]
    # The total reached the pass mark and every pass condition held; None for runs scored before
    # pass conditions, which passed on their total alone.
    passed: Mapped[bool | None]
    version: Mapped[int] = mapped_column(default=0)
    # A live team's spokesperson (发言人) publishes what teammates propose; None: anyone posts.
    spokesperson_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    # The scenario (its fingerprint) the run was played with, set when a newer one replaced it;
    # None: the exercise's current scenario.
    scenario_hash: Mapped[str | None] = mapped_column(sa.String(64))

    exercise: Mapped[Exercise] = relationship()
    live: Mapped[LiveSession | None] = relationship(back_populates="teams")

    @property
    def scenario(self) -> Scenario:
        """The scenario this run was played with: the exercise's, unless a newer one replaced it."""
        exercise = self.exercise
        if self.scenario_hash is None or self.scenario_hash == exercise.content_hash:
            return exercise.scenario
        cached = getattr(self, "_scenario", None)
        if cached is None or cached[0] != self.scenario_hash:
            data = db.session.scalar(
                sa.select(ScenarioVersion.data).where(
                    ScenarioVersion.exercise_id == self.exercise_id,
                    ScenarioVersion.content_hash == self.scenario_hash,
                )
            )
            cached = (self.scenario_hash, Scenario.from_dict(data) if data else exercise.scenario)
            self._scenario = cached
        return cached[1]

    def has_passed(self) -> bool:
        if self.score is None:
            return False
        return self.passed if self.passed is not None else self.score >= self.scenario.min_score

    @property
    def finished(self) -> bool:
        return self.status == RunStatus.FINISHED


class RunAction(db.Model):
    """Something done in a run, in order: a post, reply, call, decision or wait — or, with live_id
    and no run, an instructor's inject for every team of a live class."""

    __tablename__ = "exercise_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exercise_run.id", ondelete="CASCADE"), index=True
    )
    live_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exercise_live.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16))
    # The simulated minute it happened at; None in a turns run, where its cost decides.
    at_minute: Mapped[float | None]
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PostReview(db.Model):
    """An instructor's score for one post, replacing the automatic one, with a comment."""

    __tablename__ = "exercise_review"
    __table_args__ = (sa.UniqueConstraint("action_id", name="uq_exercise_review_action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise_run.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise_action.id", ondelete="CASCADE"))
    score: Mapped[float]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DraftStatus(enum.StrEnum):
    """A teammate's proposal waits for the spokesperson, who publishes or sets it aside."""

    PROPOSED = "proposed"
    PUBLISHED = "published"
    DISCARDED = "discarded"


class RunDraft(db.Model):
    """A post or reply a team member proposes for the team's spokesperson to publish (草稿)."""

    __tablename__ = "exercise_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise_run.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # post or reply
    target: Mapped[str] = mapped_column(sa.String(64), default="")  # the inject a reply answers
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[DraftStatus] = mapped_column(
        status_type(DraftStatus), default=DraftStatus.PROPOSED
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The published action, once the spokesperson has published it (perhaps edited).
    action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exercise_action.id", ondelete="SET NULL")
    )


class LiveObserver(db.Model):
    """An instructor invited to observe and rate a live run (观察员)."""

    __tablename__ = "exercise_observer"
    __table_args__ = (sa.UniqueConstraint("live_id", "user_id", name="uq_exercise_observer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise_live.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    invited_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])


class ObserverNote(db.Model):
    """An observer's timestamped note on a live run, pinned to an inject and to one team or all."""

    __tablename__ = "exercise_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    live_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise_live.id", ondelete="CASCADE"), index=True
    )
    # The team the note is about; None: every team.
    run_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exercise_run.id", ondelete="CASCADE"), index=True
    )
    inject_id: Mapped[str] = mapped_column(sa.String(64), default="")  # "": pinned to none
    # The simulated minute when the note was written (the scenario's end, once it is over).
    minute: Mapped[float] = mapped_column(default=0.0)
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author = relationship("User", foreign_keys=[author_id])


class CapabilityRating(db.Model):
    """One observer's rating of one team on one capability of the scenario (P/S/M/U, as HSEEP)."""

    __tablename__ = "exercise_rating"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "capability", "observer_id", name="uq_exercise_rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise_run.id", ondelete="CASCADE"), index=True
    )
    capability: Mapped[str] = mapped_column(sa.String(64))
    rating: Mapped[str] = mapped_column(sa.String(1))  # P, S, M or U
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    observer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    rated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    observer = relationship("User", foreign_keys=[observer_id])
