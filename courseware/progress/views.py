"""The reading heartbeat and the learner's own "my learning" page."""

import math

from flask import abort, Blueprint, render_template, request
from flask_login import current_user

from courseware import signals
from courseware.access import signed_in
from courseware.db import db
from courseware.lessons.models import Lesson
from courseware.progress import ledger, tracking
from courseware.progress.classes import assigned_to
from courseware.progress.completion import finished_now
from courseware.progress.learning import my_learning
from courseware.quizzes.attempts import learner_results
from courseware.timeutil import local_today, utcnow

bp = Blueprint("progress", __name__)


@bp.route("/progress/beat", methods=["POST"])
@signed_in
def beat():
    """Credit visible reading time to the learner's visit; answer with the lesson's status."""
    data = request.get_json(silent=True)
    try:
        visit_id = _id(data["visit"]) if data.get("visit") is not None else None
        lesson_id, revision_id = (
            (None, None) if visit_id else (_id(data["lesson"]), _id(data["revision"]))
        )
        seconds = int(data.get("seconds", 0))
        position = float(data.get("position", 0))
        # How long ago the page saw the reader act; a beat that does not say credits nothing.
        idle = float(data["idle"]) if data.get("idle") is not None else None
        checks_seen = int(data.get("checks_seen", 0))
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError):
        abort(400)
    if not math.isfinite(position) or (idle is not None and not math.isfinite(idle)):
        abort(400)
    try:
        if visit_id is None:
            # The page's first beat opens the visit, so viewing a page writes nothing.
            visit_id = tracking.open_visit_for(current_user.id, lesson_id, revision_id)
        progress = tracking.record_beat(
            current_user.id,
            visit_id,
            seconds,
            bool(data.get("reached_end")),
            position,
            idle=idle,
            checks_seen=checks_seen,
        )
    except tracking.VisitNotFound:
        abort(404)
    done = None
    if progress.completed_lesson is not None:
        lesson, now = db.session.get(Lesson, progress.completed_lesson), utcnow()
        signals.lesson_completed.send(lesson, user_id=current_user.id, now=now)
        done = finished_now(lesson.course, current_user.id, now)
    db.session.commit()
    return {
        "visit": visit_id,
        "status": progress.status,
        "active_seconds": progress.active_seconds,
        "reached_end": progress.reached_end,
        # Said on the page: the lesson is done, and the course too with a link to its certificate.
        "done_html": render_template("progress/_course_done.html", done=done) if done else None,
    }


def _id(value) -> int:
    """A database id from JSON: a positive integer that fits the column."""
    number = int(value)
    if isinstance(value, bool) or not 0 < number < 2**31:
        raise ValueError(value)
    return number


@bp.route("/my-learning")
@signed_in
def learning():
    """Courses in progress, completed lessons and time spent."""
    today = local_today()
    entries = ledger.entries_of(current_user.id)
    return render_template(
        "progress/my_learning.html",
        summary=my_learning(current_user.id),
        quiz_results=learner_results(current_user.id),
        assigned=assigned_to(current_user.id),
        today=today,
        entries=entries,
        standing=ledger.quota_standing(current_user, today, entries),
    )
