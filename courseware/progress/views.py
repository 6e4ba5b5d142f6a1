"""The reading heartbeat and the learner's own "my learning" page."""
import math

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from courseware.access import signed_in
from courseware.db import db
from courseware.progress import tracking
from courseware.progress.learning import my_learning

bp = Blueprint("progress", __name__)


@bp.route("/progress/beat", methods=["POST"])
@signed_in
def beat():
    """Credit visible reading time to the learner's visit; answer with the lesson's status."""
    data = request.get_json(silent=True) or {}
    try:
        visit_id = int(data["visit"])
        seconds = int(data.get("seconds", 0))
        position = float(data.get("position", 0))
    except (KeyError, TypeError, ValueError):
        abort(400)
    if not (0 < visit_id < 2**31 and math.isfinite(position)):
        abort(400)
    try:
        progress = tracking.record_beat(current_user.id, visit_id, seconds, bool(data.get("reached_end")), position)
    except tracking.VisitNotFound:
        abort(404)
    db.session.commit()
    return {"status": progress.status, "active_seconds": progress.active_seconds, "reached_end": progress.reached_end}


@bp.route("/my-learning")
@signed_in
def learning():
    """Courses in progress, completed lessons and time spent."""
    return render_template("progress/my_learning.html", summary=my_learning(current_user.id))
