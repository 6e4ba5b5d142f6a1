"""Record reading: open a visit per page view, credit visible time from heartbeats, decide completion.

A lesson is completed when the learner has reached its end *and* spent a share of its estimated
minutes on it (LESSON_COMPLETION_SHARE, default one half): opening a page is not reading it.
"""
import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from courseware.db import db
from courseware.lessons.models import Lesson, LessonRevision
from courseware.progress.models import LessonProgress, LessonVisit
from courseware.timeutil import utcnow

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
# A heartbeat may credit at most the time since the previous one, plus this much for network delay.
BEAT_SLACK = dt.timedelta(seconds=5)


class VisitNotFound(Exception):
    """The heartbeat names a visit that is not the learner's."""


def required_seconds(minutes: int) -> int:
    """Active seconds needed to complete a lesson of the given estimated minutes."""
    return int(minutes * 60 * current_app.config["LESSON_COMPLETION_SHARE"])


def open_visit(user_id: int, lesson: Lesson, revision: LessonRevision) -> LessonVisit:
    """Log a page view: the one row a lesson page writes."""
    visit = LessonVisit(user_id=user_id, lesson_id=lesson.id, revision_id=revision.id)
    db.session.add(visit)
    return visit


def _progress_row(user_id: int, lesson_id: int) -> LessonProgress:
    """Fetch the summary row, creating it; two tabs racing to create it end with one row."""
    stmt = sa.select(LessonProgress).where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
    row = db.session.scalar(stmt)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = LessonProgress(user_id=user_id, lesson_id=lesson_id, active_seconds=0, reached_end=False, position=0.0)
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(stmt)
    return row


def record_beat(user_id: int, visit_id: int, seconds: int, reached_end: bool, position: float) -> LessonProgress:
    """Credit visible reading time to a visit and to the learner's summary; maybe complete it."""
    visit = db.session.get(LessonVisit, visit_id)
    if visit is None or visit.user_id != user_id:
        raise VisitNotFound(visit_id)
    now = utcnow()
    allowed = int((now - visit.last_beat_at + BEAT_SLACK).total_seconds())
    credit = max(0, min(int(seconds), allowed, current_app.config["LESSON_BEAT_MAX_SECONDS"]))
    visit.active_seconds += credit
    visit.last_beat_at = now
    visit.reached_end = visit.reached_end or bool(reached_end)
    progress = _progress_row(user_id, visit.lesson_id)
    progress.active_seconds += credit
    progress.reached_end = progress.reached_end or bool(reached_end)
    progress.last_opened_at = now
    progress.position = min(max(float(position), 0.0), 1.0)
    if progress.status != COMPLETED:
        minutes = db.session.scalar(sa.select(LessonRevision.minutes).where(LessonRevision.id == visit.revision_id))
        if progress.reached_end and progress.active_seconds >= required_seconds(minutes):
            progress.status = COMPLETED
            progress.completed_at = now
    return progress


def statuses(user_id: int, lesson_ids) -> dict[int, LessonProgress]:
    """The learner's summary rows for the given lessons, by lesson id."""
    ids = list(lesson_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(LessonProgress).where(LessonProgress.user_id == user_id, LessonProgress.lesson_id.in_(ids))
    )
    return {row.lesson_id: row for row in rows}


def status_of(rows: dict, lesson_id: int) -> str:
    row = rows.get(lesson_id)
    return row.status if row else NOT_STARTED


def resume_lesson(lessons: list[Lesson], rows: dict) -> Lesson | None:
    """Where a returning learner goes on: the last lesson opened and not finished, else the first not done."""
    open_rows = [rows[lesson.id] for lesson in lessons if lesson.id in rows and rows[lesson.id].status != COMPLETED]
    if open_rows:
        latest = max(open_rows, key=lambda r: r.last_opened_at)
        return next(lesson for lesson in lessons if lesson.id == latest.lesson_id)
    return next((lesson for lesson in lessons if status_of(rows, lesson.id) != COMPLETED), None)
