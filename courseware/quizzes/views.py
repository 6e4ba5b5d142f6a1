"""Taking quizzes: the quiz page, the attempt page with autosave, hand-in and the result."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from courseware.access import signed_in
from courseware.courses.models import Course
from courseware.db import built_once, db
from courseware.quizzes import attempts as service
from courseware.quizzes import display
from courseware.quizzes.models import Attempt, load_attempt_answers, Quiz
from courseware.quizzes.room import room_refusal
from courseware.timeutil import utcnow

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


@built_once
def _quiz_by_slugs():
    return (
        sa.select(Quiz)
        .join(Course, Course.id == Quiz.course_id)
        .where(
            Course.slug == sa.bindparam("course"),
            Quiz.slug == sa.bindparam("quiz"),
            Course.archived_at.is_(None),
        )
        .options(sa.orm.contains_eager(Quiz.course))  # the pages name the course: one query
    )


def get_quiz(course_slug: str, quiz_slug: str) -> Quiz:
    quiz = db.session.scalar(_quiz_by_slugs(), {"course": course_slug, "quiz": quiz_slug})
    if quiz is None or not quiz.is_published:
        abort(404)
    return quiz


@built_once
def _attempt_by_id(page: bool):
    # Not db.session.get(), which builds its statement anew on every call: a classroom saves
    # every few seconds.
    statement = sa.select(Attempt).where(Attempt.id == sa.bindparam("attempt_id"))
    if page:
        statement = statement.options(joinedload(Attempt.quiz).joinedload(Quiz.course))
    return statement


def own_attempt(attempt_id: int, page: bool = True) -> Attempt:
    """An attempt is its learner's alone; anyone else is told it does not exist.

    A page also needs the quiz, its course and the answers with their questions: the quiz and course
    come with the attempt, the answers with their questions' versions in one more query
    (load_attempt_answers). A save or a hand-in reads the answers itself."""
    attempt = db.session.scalar(_attempt_by_id(page), {"attempt_id": attempt_id})
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    if page:
        load_attempt_answers(attempt)
    return attempt


def _current(attempt_id: int) -> tuple[Attempt, dt.datetime, bool]:
    """The learner's attempt as it stands now: one past its deadline is handed in first."""
    attempt = own_attempt(attempt_id)
    now = utcnow()
    closed = service.close_if_overdue(attempt, now)
    if closed:
        db.session.commit()
    return attempt, now, closed


def _page(attempt: Attempt) -> dict:
    """What the attempt and result pages both show: the quiz, its course and the questions."""
    return dict(
        attempt=attempt,
        quiz=attempt.quiz,
        course=attempt.quiz.course,
        shown=display.shown_questions(attempt.answers),
        html=display.html,
        kept_block=display.question_block,
    )


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/<course_slug>/<quiz_slug>")
@signed_in
def quiz(course_slug, quiz_slug):
    quiz = get_quiz(course_slug, quiz_slug)
    now = utcnow()
    state = service.availability(quiz, current_user.id, now)
    if state.handed_in:  # overdue attempts found on the way were handed in
        db.session.commit()
    attempts = state.attempts
    counted = service.counted_attempt(attempts, quiz.settings.get("grade", "best"))
    return render_template(
        "quizzes/quiz.html",
        quiz=quiz,
        state=state,
        attempts=attempts,
        counted=counted,
        html=display.html,
        now=now,
    )


@bp.route("/<course_slug>/<quiz_slug>/start", methods=["POST"])
@signed_in
def start(course_slug, quiz_slug):
    quiz = get_quiz(course_slug, quiz_slug)
    try:
        attempt = service.start_attempt(quiz, current_user.id, utcnow())
    except service.AttemptRefused as refused:
        db.session.commit()
        flash(str(refused.message), "error")
        return redirect(url_for(".quiz", course_slug=course_slug, quiz_slug=quiz_slug))
    attempt_id = attempt.id  # read before the commit expires it
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>")
@signed_in
def attempt(attempt_id):
    attempt, now, closed = _current(attempt_id)
    if closed:
        flash(
            _("Time is up: your attempt was handed in with the answers saved before the deadline."),
            "error",
        )
    if attempt.status != "open":
        return redirect(url_for(".result", attempt_id=attempt.id))
    refused = room_refusal(attempt.quiz, current_user.id, now)
    if refused is not None:
        db.session.commit()
        flash(str(refused), "error")
        return redirect(
            url_for(".quiz", course_slug=attempt.quiz.course.slug, quiz_slug=attempt.quiz.slug)
        )
    return render_template(
        "quizzes/attempt.html", **_page(attempt), remaining=service.remaining_seconds(attempt, now)
    )


def _sequence() -> int:
    """The page's save counter, or -1 (refused as stale) when it is missing or not a number.

    Answer saves read the posted fields by hand, not through a WTForms form: a save is the most
    frequent request of a classroom (every change on the page sends one), the answer fields differ
    by attempt (attempts.response_from_form reads them by question), and a form class built per
    attempt would cost more than the rest of the save. The CSRF token is still checked, by
    CSRFProtect for every POST."""
    try:
        return int(request.form.get("sequence", ""))
    except ValueError:
        return -1


def _saved_reply(attempt: Attempt, sequence: int, now: dt.datetime, problems: dict):
    return jsonify(
        ok=True,
        sequence=sequence,
        remaining=service.remaining_seconds(attempt, now),
        message=_("Saved"),
        problems=problems,
    )


@bp.route("/attempts/<int:attempt_id>/save", methods=["POST"])
@signed_in
def save(attempt_id):
    """Save every answer on the page. The page calls this on each change; the button does too."""
    attempt = own_attempt(attempt_id, page=False)
    now = utcnow()
    try:
        sequence, problems = service.save_and_check(attempt, _sequence(), request.form, now)
    except service.AttemptRefused as refused:
        db.session.commit()
        if wants_json():
            return jsonify(
                ok=False,
                message=str(refused.message),
                status=attempt.status,
                sequence=attempt.sequence,
                result=url_for(".result", attempt_id=attempt_id),
            ), refused.status
        flash(str(refused.message), "error")
        return redirect(url_for(".attempt", attempt_id=attempt_id))
    # The reply is made before the commit, which would expire the attempt and the user and cost a
    # reload of both: a save is the most frequent request of a classroom.
    reply = _saved_reply(attempt, sequence, now, problems) if wants_json() else None
    db.session.commit()
    if reply is not None:
        return reply
    flash(_("Your answers are saved."), "success")
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@signed_in
def submit(attempt_id):
    """Save what the page sends, then hand in. A second hand-in finds it done and shows the result."""
    attempt = own_attempt(attempt_id, page=False)
    now = utcnow()
    if attempt.status == "open":
        try:
            service.save_answers(attempt, _sequence(), request.form, now)
        except service.AttemptRefused as refused:
            db.session.commit()
            if refused.status == 409:
                flash(str(refused.message), "error")
                return redirect(url_for(".attempt", attempt_id=attempt.id))
            # Handed in already (a double click, another tab, the deadline): show the result.
        service.submit_attempt(attempt, now)
        db.session.commit()
    return redirect(url_for(".result", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/result")
@signed_in
def result(attempt_id):
    attempt, now, _closed = _current(attempt_id)
    if attempt.status == "open":
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    return render_template(
        "quizzes/result.html", **_page(attempt), review=service.may_review(attempt, now)
    )
