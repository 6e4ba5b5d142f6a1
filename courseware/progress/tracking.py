"""Record reading: open a visit per page view, credit visible time from heartbeats, decide completion.

A lesson is completed when the learner has reached its end *and* spent a share of its estimated
minutes on it (LESSON_COMPLETION_SHARE, default one half) *and* settled every question inside it
(progress/checks.py): opening a page is not reading it.

Time is credited only as the page saw the reader act: a heartbeat says how long ago the reader
last scrolled, typed, pointed or touched, and a beat whose reader did nothing for
LESSON_ACTIVITY_SECONDS (two minutes) credits only the part of its interval inside that window.
Whatever a beat claims, it credits at most the time since the visit's previous beat, and a visit
at most LESSON_VISIT_MAX_MINUTES. Time read past a check the reader has reached but not settled
does not count toward the lesson.
"""

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, current_app

from courseware.courses.models import Course, learner_rows_in_course
from courseware.db import built_once, db, first_row_on_driver, read_rows, upsert
from courseware.lessons.models import Lesson, LessonRevision, RevisionStatus
from courseware.lessons.reading import LessonKey
from courseware.progress import checks
from courseware.progress.models import LessonProgress, LessonStatus, LessonVisit
from courseware.timeutil import utcnow

# The standings, by the names this module's callers compare against.
NOT_STARTED, IN_PROGRESS, COMPLETED = (
    LessonStatus.NOT_STARTED,
    LessonStatus.IN_PROGRESS,
    LessonStatus.COMPLETED,
)
# A heartbeat may credit at most the time since the previous one, plus this much for network delay.
BEAT_SLACK = dt.timedelta(seconds=5)


class VisitNotFound(Exception):
    """The heartbeat names a visit that is not the learner's."""


def required_seconds(minutes: int) -> int:
    """Active seconds needed to complete a lesson of the given estimated minutes."""
    return int(minutes * 60 * current_app.config["LESSON_COMPLETION_SHARE"])


# Statements for the lesson page and the heartbeat, built once: they run on every page view and
# every few seconds per reader, and building a statement costs more than running it on SQLite.
# They use the tables, not the mapped classes, so they skip the ORM's per-statement work.
_visit, _progress, _revision = (
    LessonVisit.__table__,
    LessonProgress.__table__,
    LessonRevision.__table__,
)
OPEN_VISIT = sa.insert(_visit).returning(_visit.c.id)
VISIT_FOR_BEAT = (
    sa.select(
        _visit.c.lesson_id,
        _visit.c.last_beat_at,
        _visit.c.active_seconds,
        _visit.c.reached_end,
        _revision.c.minutes,
        _revision.c.checks,
        _revision.c.check_tries,
        _progress.c.last_opened_at,
    )
    .join(_revision, _revision.c.id == _visit.c.revision_id)
    .outerjoin(
        _progress,
        sa.and_(
            _progress.c.user_id == _visit.c.user_id, _progress.c.lesson_id == _visit.c.lesson_id
        ),
    )
    .where(_visit.c.id == sa.bindparam("visit"), _visit.c.user_id == sa.bindparam("user"))
)
CREDIT_VISIT = (
    sa.update(_visit)
    .where(_visit.c.id == sa.bindparam("visit"))
    .values(
        active_seconds=_visit.c.active_seconds + sa.bindparam("credit"),
        last_beat_at=sa.bindparam("now"),
        reached_end=sa.or_(_visit.c.reached_end, sa.bindparam("end", type_=sa.Boolean)),
    )
)


def open_visit(user_id: int, lesson_id: int, revision_id: int) -> int:
    """Log a page view, the one row a lesson page writes; return the visit's id."""
    now = utcnow()
    return db.session.execute(
        OPEN_VISIT,
        dict(
            user_id=user_id,
            lesson_id=lesson_id,
            revision_id=revision_id,
            started_at=now,
            last_beat_at=now,
            active_seconds=0,
            reached_end=False,
        ),
    ).scalar_one()


SHOWN_REVISION = sa.select(_revision.c.id).where(
    _revision.c.id == sa.bindparam("revision"),
    _revision.c.lesson_id == sa.bindparam("lesson"),
    _revision.c.status == RevisionStatus.PUBLISHED,
)


def open_visit_for(user_id: int, lesson_id: int, revision_id: int) -> int:
    """Open a visit for a revision learners were shown; refuse drafts and made-up pairs."""
    if (
        db.session.execute(SHOWN_REVISION, {"revision": revision_id, "lesson": lesson_id}).first()
        is None
    ):
        raise VisitNotFound(revision_id)
    return open_visit(user_id, lesson_id, revision_id)


@dataclass(frozen=True)
class BeatResult:
    status: str
    active_seconds: int
    reached_end: bool
    # Set when this beat completed the lesson: the course may be complete now too.
    completed_lesson: int | None = None


def activity_allowance(idle, elapsed: float) -> float:
    """How much of a beat's interval (`elapsed` seconds) the reader's activity covers, given how
    many seconds ago the page last saw them act (`idle`, as the page says; None: it does not say,
    so nothing is covered). Each act covers LESSON_ACTIVITY_SECONDS after it."""
    if idle is None or not math.isfinite(idle) or idle < 0:
        return 0
    window = current_app.config["LESSON_ACTIVITY_SECONDS"]
    return max(0.0, min(elapsed, window - idle + elapsed))


def record_beat(
    user_id: int,
    visit_id: int,
    seconds: int,
    reached_end: bool,
    position: float,
    idle: float | None = None,
    checks_seen: int = 0,
) -> BeatResult:
    """Credit active reading time to a visit and to the learner's summary; maybe complete it.

    `idle` is how many seconds ago the page saw the reader act; `checks_seen` how many of the
    lesson's checks the reader has scrolled to (all of them once the end is reached).

    A handful of single-row statements and no ORM objects: this runs every few seconds for every
    learner reading (one more, for their answers, on a lesson with checks).
    """
    visit = db.session.execute(VISIT_FOR_BEAT, {"visit": visit_id, "user": user_id}).first()
    if visit is None:
        raise VisitNotFound(visit_id)
    now = utcnow()
    elapsed = (now - visit.last_beat_at + BEAT_SLACK).total_seconds()
    config = current_app.config
    credit = max(
        0,
        min(
            int(seconds),
            int(elapsed),
            int(activity_allowance(idle, elapsed)),
            config["LESSON_BEAT_MAX_SECONDS"],
            config["LESSON_VISIT_MAX_MINUTES"] * 60 - visit.active_seconds,
        ),
    )
    names, tries_rule = list(visit.checks or []), visit.check_tries or 0
    open_checks = checks.unsettled(user_id, visit.lesson_id, names, tries_rule)
    if open_checks:
        seen = len(names) if reached_end or visit.reached_end else max(0, int(checks_seen))
        if open_checks[0] < seen:
            credit = 0  # the reader is past a question they have not settled
    # The same lesson open in several windows must not count several times over: the summary
    # gains at most the wall time since its own last beat (what one beat loses to network delay,
    # the next one makes up).
    lesson_credit = credit
    if visit.last_opened_at is not None:
        lesson_credit = max(0, min(credit, round((now - visit.last_opened_at).total_seconds())))
    reached_end = bool(reached_end)
    position = min(max(float(position), 0.0), 1.0) if math.isfinite(position) else 0.0
    db.session.execute(
        CREDIT_VISIT, {"visit": visit_id, "credit": credit, "now": now, "end": reached_end}
    )
    table = LessonProgress.__table__
    insert = upsert(table).values(
        user_id=user_id,
        lesson_id=visit.lesson_id,
        status=IN_PROGRESS,
        first_opened_at=now,
        last_opened_at=now,
        active_seconds=lesson_credit,
        reached_end=reached_end,
        position=position,
    )
    summary = db.session.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.lesson_id],
            set_=dict(
                active_seconds=table.c.active_seconds + lesson_credit,
                reached_end=sa.or_(table.c.reached_end, sa.literal(reached_end)),
                last_opened_at=now,
                position=position,
            ),
        ).returning(table.c.id, table.c.status, table.c.active_seconds, table.c.reached_end)
    ).first()
    status, newly = summary.status, False
    if status != COMPLETED and is_due(summary, visit.minutes, open_checks):
        status, newly = COMPLETED, True
        complete(summary.id, now)
    return BeatResult(
        status, summary.active_seconds, summary.reached_end, visit.lesson_id if newly else None
    )


def is_due(summary, minutes: int, open_checks: list) -> bool:
    """The lesson is read to the end, long enough, with every check settled."""
    return (
        bool(summary.reached_end)
        and summary.active_seconds >= required_seconds(minutes)
        and not open_checks
    )


def complete(summary_id: int, now: dt.datetime) -> None:
    db.session.execute(
        sa.update(_progress)
        .where(_progress.c.id == summary_id)
        .values(status=COMPLETED, completed_at=now)
    )


def complete_after_checks(user_id: int, lesson: Lesson, now: dt.datetime) -> bool:
    """Complete the lesson if the check just answered was what it waited for; True if it did."""
    revision = lesson.published
    summary = db.session.execute(
        sa.select(
            _progress.c.id, _progress.c.status, _progress.c.reached_end, _progress.c.active_seconds
        ).where(_progress.c.user_id == user_id, _progress.c.lesson_id == lesson.id)
    ).first()
    if summary is None or summary.status == COMPLETED or revision is None:
        return False
    open_checks = checks.unsettled(
        user_id, lesson.id, list(revision.checks or []), revision.check_tries or 0
    )
    if not is_due(summary, revision.minutes, open_checks):
        return False
    complete(summary.id, now)
    return True


def statuses(user_id: int, course_id: int, lesson_ids) -> dict[int, sa.Row]:
    """The learner's summary rows for the given lessons of a course, by lesson id, read by the
    course (learner_rows_in_course: 17 µs, against 42 by the list of lessons); the course page,
    its introduction and the catalogue each run one."""
    wanted = set(lesson_ids)
    return {
        row.lesson_id: row
        for row in read_rows(_progress_in_course(), {"user_id": user_id, "course_id": course_id})
        if row.lesson_id in wanted
    }


def _progress_columns():
    progress = LessonProgress.__table__
    return (
        progress.c.user_id,
        progress.c.lesson_id,
        progress.c.status,
        progress.c.last_opened_at,
        progress.c.completed_at,
        progress.c.active_seconds,
    )


@built_once
def _progress_of_users():
    progress = LessonProgress.__table__
    return sa.select(*_progress_columns()).where(
        progress.c.user_id.in_(sa.bindparam("user_ids", expanding=True)),
        progress.c.lesson_id.in_(sa.bindparam("lesson_ids", expanding=True)),
    )


@built_once
def _progress_in_course():
    return learner_rows_in_course(
        _progress_columns(), LessonProgress.__table__, Lesson.__table__, "lesson_id"
    )


def statuses_for(user_ids, lesson_ids) -> dict[int, dict[int, sa.Row]]:
    """Several learners' summary rows for the given lessons in one query, by user id, then lesson
    id: the columns a page shows (status, last opened, completed, active seconds), to read."""
    users, ids = list(user_ids), list(lesson_ids)
    result: dict[int, dict[int, sa.Row]] = {user_id: {} for user_id in users}
    if not users or not ids:
        return result
    for row in read_rows(_progress_of_users(), {"user_ids": users, "lesson_ids": ids}):
        result[row.user_id][row.lesson_id] = row
    return result


def status_of(rows: dict, lesson_id: int) -> str:
    row = rows.get(lesson_id)
    return row.status if row else NOT_STARTED


def resume_lesson(lessons: list[Lesson], rows: dict) -> Lesson | None:
    """Where a returning learner goes on: the last lesson opened and not finished, else the first not done."""
    open_rows = [
        rows[lesson.id]
        for lesson in lessons
        if lesson.id in rows and rows[lesson.id].status != COMPLETED
    ]
    if open_rows:
        latest = max(open_rows, key=lambda r: r.last_opened_at)
        return next(lesson for lesson in lessons if lesson.id == latest.lesson_id)
    return next((lesson for lesson in lessons if status_of(rows, lesson.id) != COMPLETED), None)


# Statements on the hot path are built once (building costs more than running them on SQLite).
_lesson, _course, _revision = Lesson.__table__, Course.__table__, LessonRevision.__table__
_progress = LessonProgress.__table__
FIND_LESSON = (
    sa.select(
        _lesson.c.id,
        _lesson.c.published_revision_id,
        _revision.c.minutes,
        _course.c.updated_at,
        sa.func.coalesce(_progress.c.position, 0.0),
        _progress.c.status,
    )
    .join(_course, _course.c.id == _lesson.c.course_id)
    .join(_revision, _revision.c.id == _lesson.c.published_revision_id)
    .outerjoin(
        _progress,
        sa.and_(_progress.c.lesson_id == _lesson.c.id, _progress.c.user_id == sa.bindparam("user")),
    )
    .where(
        _course.c.slug == sa.bindparam("course"),
        _course.c.archived_at.is_(None),
        _course.c.published_at.is_not(None),  # a course still being written is not read yet
        _lesson.c.slug == sa.bindparam("lesson"),
        _lesson.c.archived_at.is_(None),
    )
)


def find_lesson(course_slug: str, lesson_slug: str, user_id: int) -> LessonKey:
    """Locate a readable lesson by its slugs, and the reader's progress on it, without its text."""
    row = first_row_on_driver(
        FIND_LESSON, {"course": course_slug, "lesson": lesson_slug, "user": user_id}
    )
    if row is None:
        abort(404)
    return LessonKey(*row)
