"""Quizzes for instructors: attempts and item analysis, exports, the grading queue, overrides,
regrading, and importing a question bank in the browser with a preview."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, load_only, selectinload

from courseware import exports, permissions
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.accounts.models import User
from courseware.courses.models import Course
from courseware.db import built_once, db
from courseware.quizzes import analysis, bank, bank_views, display, manual, scope
from courseware.quizzes.attempts import regrade_question
from courseware.quizzes.forms import ExportPartForm, GradeForm, ImportForm, OverrideForm, QueueForm
from courseware.quizzes.gift import decode_gift
from courseware.quizzes.models import Answer, Attempt, QuestionRecord, Quiz, QuizOverride
from courseware.quizzes.problem_text import translate_problem
from courseware.quizzes.types import typed_names
from courseware.timeutil import utcnow

bp = Blueprint("teach_quizzes", __name__, url_prefix="/teach/quizzes")


def get_quiz(quiz_id: int) -> Quiz:
    return db.get_or_404(Quiz, quiz_id)


@built_once
def _quiz_list():
    return (
        sa.select(Quiz)
        .join(Course, Course.id == Quiz.course_id)
        # What the list shows and sorts by; a quiz's settings and slots are not read here.
        .options(
            load_only(Quiz.id, Quiz.slug, Quiz.title, Quiz.course_id),
            joinedload(Quiz.course).load_only(Course.id, Course.slug, Course.title, Course.items),
        )
        .where(Quiz.archived_at.is_(None))
    )


@permissions.built_per_viewer
def _attempt_counts(user) -> tuple[sa.Select, sa.Select]:
    """The attempts handed in per quiz, and those waiting for grading, of the learners the user
    may see."""
    visible = permissions.learner_clause(user, Attempt.user_id)
    return (
        sa.select(Attempt.quiz_id, sa.func.count())
        .where(Attempt.status == "submitted", visible)
        .group_by(Attempt.quiz_id),
        sa.select(sa.func.count())
        .select_from(Attempt)
        .where(Attempt.needs_grading.is_(True), visible),
    )


@bp.route("/")
@roles(*permissions.STAFF)
def index():
    quizzes = sorted(db.session.scalars(_quiz_list()), key=course_order)
    handed_in, to_grade = _attempt_counts(current_user)
    counts = dict(db.session.execute(handed_in).all())
    waiting = db.session.scalar(to_grade)
    return render_template(
        "quizzes/teach/index.html", quizzes=quizzes, counts=counts, waiting=waiting
    )


def course_order(quiz: Quiz) -> tuple:
    """Courses by name, and within a course the quizzes where course.yaml places them."""
    places = [slug for kind, slug in quiz.course.items if kind == "quiz"]
    return (
        quiz.course.slug,
        places.index(quiz.slug) if quiz.slug in places else len(places),
        quiz.id,
    )


@bp.route("/<int:quiz_id>")
@roles(*permissions.STAFF)
def overview(quiz_id, override_form=None):
    quiz = get_quiz(quiz_id)
    attempts = scope.visible_attempts(current_user, analysis.submitted_attempts(quiz))
    return render_template(
        "quizzes/teach/overview.html",
        quiz=quiz,
        attempts=attempts,
        users=analysis.users_by_id(a.user_id for a in attempts),
        stats=analysis.item_analysis(attempts),
        percent=analysis.percent,
        duration=analysis.duration_minutes,
        overrides=_overrides(quiz),
        override_form=override_form or OverrideForm(),
    )


@bp.route("/<int:quiz_id>/export.<fmt>")
@roles(*permissions.STAFF)
def export(quiz_id, fmt):
    quiz = get_quiz(quiz_id)
    attempts = scope.visible_attempts(current_user, analysis.submitted_attempts(quiz))
    overview_rows = analysis.overview_rows(attempts)
    item_rows = analysis.item_rows(analysis.item_analysis(attempts))
    name = f"quiz-{quiz.slug}"
    if fmt == "csv":
        part = ExportPartForm(request.args)
        if not part.validate():
            abort(400)
        which = part.part.data
        header, rows = (
            (analysis.item_header(), item_rows)
            if which == "items"
            else (analysis.overview_header(), overview_rows)
        )
        return exports.csv_response(f"{name}-{which}.csv", header, rows)
    if fmt == "xlsx":
        return exports.xlsx_response(
            f"{name}.xlsx",
            [
                (_("attempts"), analysis.overview_header(), overview_rows),
                (_("items"), analysis.item_header(), item_rows),
            ],
        )
    abort(404)


@bp.route("/<int:quiz_id>/regrade", methods=["POST"])
@roles(*permissions.STAFF)
def regrade(quiz_id):
    quiz = get_quiz(quiz_id)
    if not scope.may_regrade(current_user, quiz):
        abort(404)
    question_ids = set(
        db.session.scalars(
            sa.select(Answer.question_id).join(Attempt).where(Attempt.quiz_id == quiz.id).distinct()
        )
    )
    changed = sum(regrade_question(db.session.get(QuestionRecord, qid)) for qid in question_ids)
    record("quiz.regrade", f"quiz:{quiz.slug}", {"changed": changed})
    db.session.commit()
    flash(
        ngettext(
            "Regraded: %(num)d answer changed.", "Regraded: %(num)d answers changed.", changed
        ),
        "success",
    )
    return redirect(url_for(".overview", quiz_id=quiz.id))


# --- overrides --------------------------------------------------------------------------------


def _overrides(quiz: Quiz):
    rows = db.session.execute(
        sa.select(QuizOverride, User)
        .join(User, User.id == QuizOverride.user_id)
        .where(
            QuizOverride.quiz_id == quiz.id,
            permissions.learner_clause(current_user, QuizOverride.user_id),
        )
        .order_by(User.username)
    ).all()
    return rows


@bp.route("/<int:quiz_id>/overrides", methods=["POST"])
@roles(*permissions.STAFF)
def set_override(quiz_id):
    quiz = get_quiz(quiz_id)
    form = OverrideForm()
    if form.validate_on_submit() and not permissions.may_see_learner(current_user, form.user):
        # Another class's learner is named as unknown: the form tells nobody who exists.
        form.username.errors.append(
            _("No account with the username %(name)s.", name=form.username.data)
        )
        return overview(quiz.id, override_form=form), 400
    if form.errors or not form.is_submitted():
        return overview(quiz.id, override_form=form), 400
    manual.set_override(quiz, form.user, form.minutes, form.attempts, current_user, utcnow())
    db.session.commit()
    flash(
        _(
            "Saved: %(name)s gets %(minutes)s and %(attempts)s.",
            name=form.user.name,
            minutes=ngettext("%(num)d extra minute", "%(num)d extra minutes", form.minutes),
            attempts=ngettext("%(num)d extra attempt", "%(num)d extra attempts", form.attempts),
        ),
        "success",
    )
    return redirect(url_for(".overview", quiz_id=quiz.id) + "#overrides")


# --- grading ----------------------------------------------------------------------------------


@bp.route("/grading")
@roles(*permissions.STAFF)
def grading():
    """Essays waiting for a grade, and typed answers the computer marked wrong, for a second look."""
    queue = QueueForm(request.args)
    valid = queue.validate()
    show = queue.queue
    query = (
        sa.select(Answer)
        .join(Attempt)
        .join(QuestionRecord, QuestionRecord.id == Answer.question_id)
        .where(
            Attempt.status == "submitted",
            permissions.learner_clause(current_user, Attempt.user_id),
        )
        .options(selectinload(Answer.attempt), selectinload(Answer.question))
        .order_by(Attempt.submitted_at)
    )
    if show == "short":
        query = query.where(
            QuestionRecord.type.in_(typed_names()),
            Answer.state.in_(("wrong", "partial")),
            Answer.graded_by_id.is_(None),
        )
    else:
        query = query.where(Answer.state == "manual", Answer.manual_fraction.is_(None))
    answers = list(db.session.scalars(query.limit(200)))
    users = analysis.users_by_id(a.attempt.user_id for a in answers)
    return render_template(
        "quizzes/teach/grading.html",
        answers=answers,
        users=users,
        show=show,
        queue=queue,
        html=display.html,
    ), (200 if valid else 400)


@bp.route("/answers/<int:answer_id>", methods=["GET", "POST"])
@roles(*permissions.STAFF)
def grade(answer_id):
    answer = db.session.get(Answer, answer_id)
    if (
        answer is None
        or answer.attempt.status != "submitted"
        or not scope.may_grade(current_user, answer)
    ):
        abort(404)
    question = answer.question.question
    form = GradeForm(max_points=answer.points)
    if form.validate_on_submit():
        manual.grade_manually(answer, form.points.data, form.comment.data.strip(), current_user)
        db.session.commit()
        flash(_("Grade saved."), "success")
        return redirect(url_for(".grading", show=QueueForm(request.args).queue))
    if not form.is_submitted():
        form.comment.data = answer.comment or ""
        if answer.final_fraction is not None:
            form.points.data = round(answer.final_fraction * answer.points, 2)
    learner = db.session.get(User, answer.attempt.user_id)
    shown = display.shown_questions([answer])[0]
    return render_template(
        "quizzes/teach/grade.html",
        answer=answer,
        question=question,
        learner=learner,
        shown=shown,
        form=form,
        html=display.html,
    )


# --- importing a bank in the browser ----------------------------------------------------------


def _courses():
    return list(
        db.session.scalars(
            sa.select(Course).where(Course.archived_at.is_(None)).order_by(Course.slug)
        )
    )


@bp.route("/import", methods=["GET", "POST"])
@roles(*permissions.STAFF)
def import_bank():
    """Upload a .gift or .yaml file, see every question (or every problem), then confirm."""
    courses = _courses()
    form = ImportForm(courses=courses)
    if request.method == "GET":
        return render_template("quizzes/teach/import.html", form=form, courses=courses)
    if not form.validate_on_submit():
        return render_template("quizzes/teach/import.html", form=form, courses=courses), 400
    course, filename, data, confirming = (
        form.chosen_course,
        form.name,
        form.data_bytes,
        form.confirming,
    )
    questions, problems = bank.read_bank(data, filename, filename)
    if problems or not confirming:
        content = (
            data.decode("utf-8-sig", errors="replace")
            if not filename.lower().endswith((".gift", ".txt"))
            else (decode_gift(data, filename)[0] or "")
        )
        return render_template(
            "quizzes/teach/import.html",
            form=form,
            courses=courses,
            course=course,
            filename=filename,
            content=content,
            questions=questions,
            problems=[translate_problem(p) for p in problems],
            **bank_views.preview_helpers(course),
        ), (400 if problems else 200)
    imported = bank.import_with_report(course, questions)
    record(
        "quiz.import",
        f"course:{course.slug}",
        {
            "file": filename,
            "questions": len(questions),
            "changed": sum(1 for i in imported if i.status != "unchanged"),
        },
    )
    db.session.commit()
    return render_template(
        "quizzes/teach/import_done.html",
        course=course,
        filename=filename,
        imported=imported,
        counts={
            s: sum(1 for i in imported if i.status == s) for s in ("new", "updated", "unchanged")
        },
        **bank_views.preview_helpers(course),
    )
