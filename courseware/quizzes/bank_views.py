"""A course's question bank for its editors (/author/<course>/bank): browse by category, find,
preview as learners see it, write and edit questions of every type, duplicate, archive and
restore them."""

from __future__ import annotations

import random

from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from courseware import permissions
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.courses.catalogue import find_course
from courseware.courses.models import Course
from courseware.db import db
from courseware.i18n import text
from courseware.quizzes import bank_queries, categories, display, editor
from courseware.quizzes.bank_forms import BankFilterForm, CategoryNameForm, QuestionMetaForm
from courseware.quizzes.models import Answer, QuestionRecord
from courseware.quizzes.question_revisions import revisions_of
from courseware.quizzes.questions import Question
from courseware.quizzes.types import question_type, registered_names

bp = Blueprint("bank", __name__, url_prefix="/author")

staff_only = roles(*permissions.STAFF)


def editable_course(course_slug: str) -> Course:
    """The course, if the user edits it; 404 otherwise, as if there were no such course."""
    course = find_course(course_slug)
    if course is None or course.archived_at is not None:
        abort(404)
    if not permissions.edits_course(current_user, course):
        abort(404)
    return course


def question_of(course: Course, question_id: int) -> QuestionRecord:
    record = db.session.get(QuestionRecord, question_id)
    if record is None or record.course_id != course.id:
        abort(404)
    return record


def type_choices() -> list[tuple[str, str]]:
    return [(name, display.type_label(name)) for name in registered_names()]


def learner_view(question: Question, position: int = 0) -> display.ShownQuestion:
    """The question as an attempt shows it, with no answer given and nothing recorded."""
    kind = question_type(question.type)
    order = kind.shown_order(question, random.Random(position), shuffle=False)
    answer = Answer(position=position, response=None, points=question.points, shown_order=order)
    number = position + 1 if kind.scored else None
    return display.ShownQuestion(position, number, question, answer, order)


def preview_helpers(course: Course) -> dict:
    """What the shared question preview (quizzes/bank/_preview.html) needs from a view."""
    names = categories.names_of(course.id) if course is not None else {}
    return {
        "learner_view": learner_view,
        "html": display.html,
        "type_label": display.type_label,
        "question_type": question_type,
        "category_label": lambda path: categories.label(path, names) or path,
        "answer_key": editor.answer_key,
    }


def lesson_choices(course: Course, slugs: set[str]) -> list[tuple[str, str]]:
    """The lessons the bank may be filtered by, as (slug, title in the page's language), in the
    outline's order; a lesson with no published title is shown by its slug."""
    titles = {}
    for lesson in getattr(course, "lessons", []):  # declared by the lessons package
        revision = lesson.published
        if revision is not None:
            titles[lesson.slug] = text({"zh": revision.title_zh, "en": revision.title_en or ""})
    order = {slug: n for n, slug in enumerate(course.item_slugs("lesson"))}
    ordered = sorted(slugs, key=lambda slug: (order.get(slug, len(order)), slug))
    return [(slug, titles.get(slug) or slug) for slug in ordered]


@bp.route("/<course_slug>/bank")
@staff_only
def index(course_slug):
    course = editable_course(course_slug)
    wanted = BankFilterForm(request.args, types=registered_names())
    wanted.validate()
    return _bank_page(course, wanted)


def _bank_page(course: Course, wanted: BankFilterForm, name_form=None, status: int = 200):
    """The bank: the category tree, the questions found, and the chosen category's name form."""
    found = bank_queries.find_questions(course.id, wanted.filter)
    names = categories.names_of(course.id)
    quizzes = bank_queries.course_quizzes(course.id)
    lessons = lesson_choices(course, {q.lesson_slug for q in quizzes if q.lesson_slug})
    counts = bank_queries.category_counts(course.id)
    chosen = wanted.category.data or ""
    if name_form is None and chosen in categories.node_keys(counts):
        name = names.get(chosen) or {}
        name_form = CategoryNameForm(
            formdata=None, key=chosen, name_zh=name.get("zh", ""), name_en=name.get("en", "")
        )
    return render_template(
        "quizzes/bank/index.html",
        course=course,
        questions=found,
        wanted=wanted,
        tree=categories.tree(counts, names),
        types=type_choices(),
        lessons=lessons,
        name_form=name_form,
        used_by=lambda r: [q for q in quizzes if bank_queries.uses(q, r)],
        **preview_helpers(course),
    ), status


@bp.route("/<course_slug>/bank/category", methods=["POST"])
@staff_only
def name_category(course_slug):
    """Name a category (any level of the tree) in Chinese and English; quizzes still draw by its
    key. The change is audited."""
    course = editable_course(course_slug)
    form = CategoryNameForm(keys=categories.node_keys(bank_queries.category_counts(course.id)))
    if not form.validate_on_submit():
        wanted = BankFilterForm(MultiDict({"category": form.key.data or ""}))
        wanted.validate()
        if form.key.errors:
            flash(form.key.errors[0], "error")
        return _bank_page(course, wanted, form, 400)
    key = form.key.data
    before = categories.rename(course.id, key, form.name)
    after = categories.names_of(course.id).get(key)
    record(
        "bank.category.name",
        f"course:{course.slug}",
        {"category": key, "before": before, "after": after},
    )
    db.session.commit()
    if after:
        name = text(after) or after.get("en", "")
        flash(_("The category is now called “%(name)s”.", name=name), "success")
    else:
        flash(
            _("The category has no name now; it is shown by its key, %(key)s.", key=key), "success"
        )
    return redirect(url_for(".index", course_slug=course.slug, category=key))


@bp.route("/<course_slug>/bank/<int:question_id>")
@staff_only
def show(course_slug, question_id):
    course = editable_course(course_slug)
    record = question_of(course, question_id)
    return render_template(
        "quizzes/bank/question.html",
        course=course,
        record=record,
        question=record.question,
        uses=bank_queries.usage(record),
        stats=bank_queries.question_stats(record),
        revisions=revisions_of(record),
        **preview_helpers(course),
    )


def _render_form(course, kind, values, *, record=None, errors=(), meta=None, other=None, more=""):
    errors = list(errors)
    return render_template(
        "quizzes/bank/edit.html",
        course=course,
        record=record,
        kind=kind,
        values=values,
        rows=editor.row_counts(kind, values, more),
        errors=errors,
        field_errors=editor.errors_by_field(errors),
        meta=meta or QuestionMetaForm(),
        other=other,
        types=type_choices(),
        category_options=sorted(bank_queries.category_counts(course.id)),
        **preview_helpers(course),
    )


@bp.route("/<course_slug>/bank/new", methods=["GET", "POST"])
@staff_only
def new(course_slug):
    """Write a question: first its type (from the registry), then the type's form."""
    course = editable_course(course_slug)
    kind = question_type(request.values.get("type", ""))
    if kind is None:
        return render_template("quizzes/bank/new.html", course=course, types=type_choices())
    meta = QuestionMetaForm()
    values = request.form.to_dict() if request.method == "POST" else {}
    if request.method == "GET":
        values["category"] = request.args.get("category", "")
    if request.method == "GET" or request.form.get("more"):
        return _render_form(course, kind, values, meta=meta, more=request.form.get("more", ""))
    if not meta.validate_on_submit():
        abort(400)
    question, errors = editor.read_question(kind, request.form, course.id, None)
    if errors:
        return _render_form(course, kind, values, errors=errors, meta=meta), 400
    record = editor.create_question(course, question, current_user.id, meta.note.data or "")
    db.session.commit()
    flash(_("Question %(name)s added to the bank.", name=record.name), "success")
    return redirect(url_for(".show", course_slug=course.slug, question_id=record.id))


@bp.route("/<course_slug>/bank/<int:question_id>/edit", methods=["GET", "POST"])
@staff_only
def edit(course_slug, question_id):
    course = editable_course(course_slug)
    record = question_of(course, question_id)
    kind = question_type(record.type)
    meta = QuestionMetaForm()
    if request.method == "GET":
        meta.version.data = record.content_hash
        return _render_form(
            course, kind, editor.form_values(record.question), record=record, meta=meta
        )
    values = request.form.to_dict()
    if request.form.get("more"):
        return _render_form(
            course, kind, values, record=record, meta=meta, more=request.form["more"]
        )
    if not meta.validate_on_submit():
        abort(400)
    question, errors = editor.read_question(kind, request.form, course.id, record)
    if errors:
        return _render_form(course, kind, values, record=record, errors=errors, meta=meta), 400
    saved = editor.save_question(
        course, record, question, meta.version.data, current_user.id, meta.note.data or ""
    )
    if saved.conflict:
        db.session.rollback()
        db.session.refresh(record)
        conflict = editor.FieldError(
            "",
            "",
            _(
                "Someone saved this question while you were editing it: your text was not "
                "saved. It is still in the form below; their version is shown beside it. Copy "
                "what you need, then save again."
            ),
        )
        meta.version.data = record.content_hash
        return _render_form(
            course, kind, values, record=record, errors=[conflict], meta=meta, other=record
        ), 409
    db.session.commit()
    if saved.unchanged:
        flash(_("Nothing changed."), "info")
    elif saved.key_changed:
        flash(
            ngettext(
                "Saved. The answer key changed: %(num)d answer already handed in was regraded.",
                "Saved. The answer key changed: %(num)d answers already handed in were regraded.",
                saved.regraded,
            ),
            "success",
        )
    else:
        flash(_("Saved."), "success")
    return redirect(url_for(".show", course_slug=course.slug, question_id=record.id))


@bp.route("/<course_slug>/bank/preview", methods=["POST"])
@staff_only
def preview(course_slug):
    """The form's question as learners would see it, or what is wrong with it (htmx)."""
    course = editable_course(course_slug)
    kind = question_type(request.form.get("type", ""))
    if kind is None:
        abort(400)
    record = None
    if request.form.get("question_id", "").isdigit():
        record = question_of(course, int(request.form["question_id"]))
    question, errors = editor.read_question(kind, request.form, course.id, record)
    return render_template(
        "quizzes/bank/_live_preview.html",
        question=question,
        errors=errors,
        **preview_helpers(course),
    )


@bp.route("/<course_slug>/bank/<int:question_id>/duplicate", methods=["POST"])
@staff_only
def duplicate(course_slug, question_id):
    course = editable_course(course_slug)
    record = question_of(course, question_id)
    copy = editor.duplicate_question(course, record, current_user.id)
    db.session.commit()
    flash(_("Copied as %(name)s: edit the copy below.", name=copy.name), "success")
    return redirect(url_for(".edit", course_slug=course.slug, question_id=copy.id))


@bp.route("/<course_slug>/bank/<int:question_id>/archive", methods=["POST"])
@staff_only
def archive(course_slug, question_id):
    course = editable_course(course_slug)
    record = question_of(course, question_id)
    if editor.set_archived(course, record, True, current_user.id):
        db.session.commit()
        flash(
            _("Archived: no quiz shows %(name)s any more; it can be restored.", name=record.name),
            "success",
        )
    return redirect(url_for(".show", course_slug=course.slug, question_id=record.id))


@bp.route("/<course_slug>/bank/<int:question_id>/restore", methods=["POST"])
@staff_only
def restore(course_slug, question_id):
    course = editable_course(course_slug)
    record = question_of(course, question_id)
    if editor.set_archived(course, record, False, current_user.id):
        db.session.commit()
        flash(_("Restored: %(name)s is back in the bank.", name=record.name), "success")
    return redirect(url_for(".show", course_slug=course.slug, question_id=record.id))
