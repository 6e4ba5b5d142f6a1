"""Questions inside lessons, answered in place: each check's part of the page, for one reader.

The lesson page itself is the same for every reader and kept (lessons/reading.py); each of its
checks asks for its reader's state here, with a small request of its own.
"""

import random

from flask import abort, Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from courseware import signals
from courseware.access import signed_in
from courseware.db import db
from courseware.forms import ActionForm
from courseware.lessons.models import Lesson
from courseware.progress import checks, completion, tracking
from courseware.quizzes import display
from courseware.quizzes.models import Answer
from courseware.quizzes.types import question_type
from courseware.timeutil import utcnow

bp = Blueprint("checks", __name__, url_prefix="/courses")


def _check(course_slug: str, lesson_slug: str, index: int) -> tuple[Lesson, checks.Check]:
    key = tracking.find_lesson(course_slug, lesson_slug, current_user.id)
    lesson = db.session.get(Lesson, key.lesson_id)
    try:
        return lesson, checks.find_check(lesson, index, current_user.id)
    except checks.CheckNotFound:
        abort(404)


def _shown(check: checks.Check) -> display.ShownQuestion:
    """The check's question as a quiz shows it, with the reader's last answer chosen."""
    question = check.question
    order = question_type(question.type).shown_order(
        question, random.Random(check.index), shuffle=False
    )
    response = check.answer.response if check.answer else None
    answer = Answer(position=check.index, response=response, points=question.points)
    return display.ShownQuestion(check.index, None, question, answer, order)


def _render(course_slug, lesson_slug, lesson, check, visit_id, outcome=None, done=None):
    return render_template(
        "progress/_check.html",
        course_slug=course_slug,
        lesson_slug=lesson_slug,
        check=check,
        q=_shown(check),
        visit_id=visit_id,
        outcome=outcome,
        done=done,
        form=ActionForm(),
        html=display.html,
    )


@bp.route("/<course_slug>/<lesson_slug>/checks/<int:index>")
@signed_in
def show(course_slug, lesson_slug, index):
    """One check as its reader stands with it: to answer, or answered."""
    lesson, check = _check(course_slug, lesson_slug, index)
    visit_id = checks.own_visit(current_user.id, lesson.id, request.args.get("visit"))
    response = _render(course_slug, lesson_slug, lesson, check, visit_id)
    # What one reader answered: never kept by a shared cache.
    return response, 200, {"Cache-Control": "private, no-store"}


@bp.route("/<course_slug>/<lesson_slug>/checks/<int:index>", methods=["POST"])
@signed_in
def answer(course_slug, lesson_slug, index):
    """Grade an answer to a check with its question's type; say whether the lesson (and the
    course) is now complete."""
    lesson, check = _check(course_slug, lesson_slug, index)
    if not ActionForm().validate_on_submit():
        abort(400)
    visit_id = checks.own_visit(current_user.id, lesson.id, request.form.get("visit"))
    response = question_type(check.question.type).response_from_form(
        check.question, f"a{check.index}", request.form
    )
    try:
        outcome = checks.answer_check(current_user.id, lesson.id, check, response, visit_id)
    except IntegrityError:  # the same check answered twice at once: the other answer counts
        db.session.rollback()
        abort(409)
    done = None
    if outcome.counted:
        now = utcnow()
        if tracking.complete_after_checks(current_user.id, lesson, now):
            signals.lesson_completed.send(lesson, user_id=current_user.id, now=now)
            done = completion.finished_now(lesson.course, current_user.id, now)
    db.session.commit()
    check = checks.find_check(lesson, index, current_user.id)
    if not request.headers.get("HX-Request"):
        return redirect(
            url_for("lessons.lesson", course_slug=course_slug, lesson_slug=lesson_slug)
            + f"#check-{index}"
        )
    return _render(course_slug, lesson_slug, lesson, check, visit_id, outcome, done)
