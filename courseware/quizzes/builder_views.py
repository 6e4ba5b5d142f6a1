"""The quiz builder (/author/<course>/quizzes/…): an editor of a course creates a quiz in its
outline, sets its times, limits and questions, previews it as a learner (nothing recorded), and
publishes it. The work is in building.py; the messages here put each problem by its field."""

from __future__ import annotations

import secrets

from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.content.folders import content_zone
from courseware.courses.catalogue import find_course
from courseware.courses.models import Course
from courseware.courses.outline import item_titles, parse_item_key
from courseware.db import db
from courseware.formfields import row_id
from courseware.forms import ActionForm
from courseware.i18n import text
from courseware.quizzes import building, display, versions
from courseware.quizzes.attempts import build_layout, max_points, response_from_form
from courseware.quizzes.builder_forms import NewQuizForm, QuizForm
from courseware.quizzes.grading import grade_response
from courseware.quizzes.models import Answer, parsed_question, Quiz
from courseware.quizzes.types import question_type

bp = Blueprint("quiz_author", __name__, url_prefix="/author")

# Instructors build the quizzes of the courses they edit; the province's administrators, all.
staff_only = roles(*permissions.STAFF)


def editable_course(course_slug: str) -> Course:
    """The course, if the user edits it; 404 otherwise, as if there were no such course."""
    course = find_course(course_slug)
    if course is None or course.archived_at is not None:
        abort(404)
    if not permissions.edits_course(current_user, course):
        abort(404)
    return course


def editable_quiz(course_slug: str, quiz_slug: str) -> Quiz:
    course = editable_course(course_slug)
    quiz = db.session.scalar(
        db.select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug)
    )
    if quiz is None or quiz.archived_at is not None:
        abort(404)
    return quiz


# --- each problem by its field, in the reader's language ---------------------------------------


def _draw_number(origin) -> int:
    return origin[1] + 1


def problem_message(problem: building.FieldProblem) -> str:
    """What is wrong, said for the field it is put by."""
    key, message, origin = problem.key, problem.message, problem.origin
    name = key[0] if key else "title"
    if origin and origin[0] == "draw":
        n = _draw_number(origin)
        if key[-1] == "from":
            return _("Draw %(n)d: choose the category to draw from.", n=n)
        if "have" in problem.details:
            have = problem.details["have"]
            return ngettext(
                "Draw %(n)d: the category holds only %(num)d question that can be drawn; draw "
                "at most that many.",
                "Draw %(n)d: the category holds only %(num)d questions that can be drawn; draw "
                "at most that many.",
                have,
                n=n,
            )
        return _("Draw %(n)d: the number of questions is a whole number from 1 to 500.", n=n)
    if origin and origin[0] == "question":
        if "twice" in message:
            return _("“%(name)s” is chosen twice.", name=origin[1])
        return _("“%(name)s” is not a question of this course's bank.", name=origin[1])
    messages = {
        "title": _("Give the quiz a Chinese title."),
        "time_limit": _("The time limit is a whole number of minutes from 0 (none) to 1440."),
        "attempts": _("Attempts allowed is a whole number from 0 (unlimited) to 100."),
        "pass_mark": _("The pass mark is a number from 0 to 100."),
        "review": _("Choose when learners see the right answers."),
        "grade": _("Choose which attempt counts."),
        "questions": _("Choose at least one fixed question or one draw."),
        "shuffle_questions": _("Say whether to shuffle the questions."),
        "shuffle_options": _("Say whether to shuffle the options."),
    }
    if name in ("opens", "closes"):
        if "after opens" in message:
            return _("The quiz must close after it opens.")
        return _("Write a date and time such as 2026-12-01 09:00 (Beijing time).")
    if name == "networks":
        if "entry" in problem.details:
            return _(
                "“%(entry)s” is not a network such as 192.168.10.0/24 or an address such as "
                "192.168.10.7.",
                entry=problem.details["entry"],
            )
        return _("Write networks such as 192.168.10.0/24, one to a line.")
    if name == "review" and "after_close" in message:
        return _("Showing the answers after the quiz closes needs a closing time.")
    return messages.get(name, message)


def _field_for(form: QuizForm, problem: building.FieldProblem):
    key, origin = problem.key, problem.origin
    if origin and origin[0] == "draw":
        row = form.draws[origin[1]]
        return row.category if key[-1] == "from" else row.count
    if origin and origin[0] == "question":
        return form.questions
    name = key[0] if key else "title"
    return {"title": form.title_zh, "description": form.description_zh}.get(
        name, getattr(form, name, form.title_zh)
    )


def place_problems(form: QuizForm, problems: list[building.FieldProblem]) -> None:
    """Put each problem's message by its field; the form keeps everything typed."""
    for problem in problems:
        field = _field_for(form, problem)
        field.errors = list(field.errors) + [problem_message(problem)]


# --- pages -------------------------------------------------------------------------------------


def _prepare(form: QuizForm, course: Course) -> None:
    form.set_choices(building.bank_questions(course.id), building.categories(course.id))


def _page(template: str, form: QuizForm, course: Course, invalid: bool = False, **extra):
    search = request.args.get("q", "")
    bank = building.bank_questions(course.id)
    shown = {q.name for q in building.bank_questions(course.id, search)} if search else None
    # The ticked questions first, in the quiz's order (which ↑ and ↓ change), then the rest.
    chosen = list(form.questions.data or [])
    by_name = {q.name: q for q in bank}
    questions = [by_name[name] for name in chosen if name in by_name]
    questions += [q for q in bank if q.name not in set(chosen)]
    extra.setdefault("moved", None)
    return render_template(
        template,
        form=form,
        course=course,
        questions=questions,
        chosen=chosen,
        shown=shown,
        search=search,
        category_name=building.category_name,
        type_label=display.type_label,
        **extra,
    ), (400 if invalid or form.errors else 200)


def _move_asked() -> str:
    """The ↑ or ↓ button pressed on a page without script ("q:ID:up", "d:ROW:down"), if any."""
    return request.form.get("move", "") if request.method == "POST" else ""


@bp.route("/<course_slug>/quizzes/questions")
@staff_only
def find_questions(course_slug):
    """The bank's questions whose id, category or text holds the words, for the builder's
    search to show without reloading the form (the form's own search reloads without script)."""
    course = editable_course(course_slug)
    search = request.args.get("q", "")[:200]
    names = [q.name for q in building.bank_questions(course.id, search)]
    return {
        "names": names,
        "status": ngettext("%(num)d question matches.", "%(num)d questions match.", len(names))
        if search.strip()
        else _("Every question of the bank is shown."),
    }


def _position_choices(course: Course) -> list[tuple[str, str]]:
    titles = item_titles(course)
    choices = [("end", _("At the end of the course")), ("start", _("At the start of the course"))]
    for kind, slug in course.items:
        title = titles.get((kind, slug))
        if kind == "lesson" and title is None:
            title = _lesson_title(course, slug)
        label = text(title) if title else slug
        choices.append((f"after:{kind}:{slug}", _("After “%(title)s”", title=label)))
    return choices


def _lesson_title(course: Course, slug: str) -> dict | None:
    for lesson in getattr(course, "lessons", []):
        if lesson.slug == slug:
            revision = lesson.published
            if revision is not None:
                return {"zh": revision.title_zh, "en": revision.title_en or ""}
    return None


@bp.route("/<course_slug>/quizzes/new", methods=["GET", "POST"])
@staff_only
def new_quiz(course_slug):
    """Build a new quiz, placed in the course's outline where the author chooses, unpublished."""
    course = editable_course(course_slug)
    form = NewQuizForm()
    form.position.choices = _position_choices(course)
    if request.method == "GET" and request.args.get("after"):
        form.position.data = "after:" + request.args["after"]
    _prepare(form, course)
    if _move_asked():
        moved = form.move(_move_asked())  # nothing is saved: the form comes back reordered
        return _page("quiz_author/form.html", form, course, quiz=None, moved=moved)
    if form.validate_on_submit():
        slug = form.slug.data
        taken = db.session.scalar(
            db.select(Quiz.id).where(Quiz.course_id == course.id, Quiz.slug == slug)
        )
        source, problems = building.check_quiz(course, slug, form.fields())
        if taken:
            form.slug.errors.append(_("This course already has a quiz with that short name."))
        if problems:
            place_problems(form, problems)
        if source is not None and not taken:
            place = form.position.data
            after = parse_item_key(place[len("after:") :]) if place.startswith("after:") else None
            quiz = building.create_quiz(
                course,
                source,
                author=current_user,
                note=form.note.data or "",
                after=after,
                at_start=place == "start",
            )
            if form.publish.data:
                building.publish_latest(quiz, author=current_user)
            db.session.commit()
            flash(
                _("The quiz is created and published.")
                if form.publish.data
                else _("The quiz is created. Preview it, then publish it."),
                "success",
            )
            return redirect(url_for(".edit_quiz", course_slug=course.slug, quiz_slug=slug))
    invalid = request.method == "POST"  # a valid form was redirected
    return _page("quiz_author/form.html", form, course, invalid, quiz=None)


@bp.route("/<course_slug>/quizzes/<quiz_slug>/edit", methods=["GET", "POST"])
@staff_only
def edit_quiz(course_slug, quiz_slug):
    """Change a quiz: each save adds a version; a stale save is refused and both are kept."""
    quiz = editable_quiz(course_slug, quiz_slug)
    course = quiz.course
    form = QuizForm()
    latest = versions.latest_version(quiz)
    conflict = None
    invalid = False
    _prepare(form, course)
    moved = form.move(_move_asked()) if _move_asked() else None
    if _move_asked():
        pass  # nothing is saved: the form comes back reordered, as it was typed
    elif form.validate_on_submit():
        fields = form.fields()
        # The lesson a quiz belongs to is set in its file; the form keeps it as it is.
        fields.lesson = latest.lesson_slug if latest is not None else None
        source, problems = building.check_quiz(course, quiz.slug, fields)
        invalid = bool(problems)
        if problems:
            place_problems(form, problems)
        else:
            result = building.save_quiz(
                quiz,
                source,
                author=current_user,
                base_id=row_id(form.base_version_id.data),
                note=form.note.data or "",
            )
            if result.conflict_with is None:
                published = form.publish.data and building.publish_latest(quiz, author=current_user)
                db.session.commit()
                flash(_saved_message(result, bool(published)), "success")
                return redirect(url_for(".edit_quiz", course_slug=course.slug, quiz_slug=quiz.slug))
            db.session.commit()
            conflict = result
            flash(
                _(
                    "Someone else saved this quiz (version %(theirs)d) after you opened it. Your "
                    "changes were not saved; they are kept as version %(yours)d and stay in the "
                    "form below, next to theirs. Save again to make yours the quiz's.",
                    theirs=result.conflict_with.number,
                    yours=result.version.number,
                ),
                "error",
            )
            form.base_version_id.data = str(result.conflict_with.id)
            latest = result.conflict_with
    elif request.method == "GET" and latest is not None:
        form.fill_from(latest, content_zone())
        form.base_version_id.data = str(latest.id)
        form.set_choices(building.bank_questions(course.id), building.categories(course.id))
    return _page(
        "quiz_author/form.html",
        form,
        course,
        invalid,
        quiz=quiz,
        latest=latest,
        conflict=conflict,
        history=versions.versions_of(quiz),
        attempts=versions.attempts_by_version(quiz),
        action=ActionForm(),
        moved=moved,
    )


def _saved_message(result: building.SaveResult, published: bool) -> str:
    if result.unchanged and not published:
        return _(
            "Nothing changed since version %(n)d; no version was added.", n=result.version.number
        )
    if published:
        return _("Version %(n)d is published: new attempts take it.", n=result.version.number)
    return _(
        "Saved as version %(n)d (a draft). Preview it, then publish it.", n=result.version.number
    )


@bp.route("/<course_slug>/quizzes/<quiz_slug>/publish", methods=["POST"])
@staff_only
def publish_quiz(course_slug, quiz_slug):
    """Publish the quiz's newest version: new attempts take it, earlier attempts keep theirs."""
    quiz = editable_quiz(course_slug, quiz_slug)
    if ActionForm().validate_on_submit():
        version = building.publish_latest(quiz, author=current_user)
        db.session.commit()
        if version is None:
            flash(_("The newest version is already published."), "success")
        else:
            flash(
                _("Version %(n)d is published: new attempts take it.", n=version.number), "success"
            )
    return redirect(url_for(".edit_quiz", course_slug=course_slug, quiz_slug=quiz_slug))


# --- preview -----------------------------------------------------------------------------------


def _preview_questions(quiz: Quiz, version, seed: int, form=None) -> list[display.ShownQuestion]:
    """The questions an attempt with this seed would show, with the responses in `form`; built
    in memory, never added to the session, so nothing is recorded."""
    shown, number = [], 0
    for position, (record, order) in enumerate(build_layout(quiz, seed, version)):
        question = parsed_question(record.content_hash)
        response = response_from_form(question, position, form) if form is not None else None
        answer = Answer(
            position=position,
            question_id=record.id,
            shown_order=order,
            points=max_points(question),
            response=response,
        )
        if form is not None:
            result = grade_response(question, response)
            answer.fraction, answer.state = result.fraction, result.state
        scored = question_type(question.type).scored
        number += 1 if scored else 0
        shown.append(
            display.ShownQuestion(position, number if scored else None, question, answer, order)
        )
    return shown


@bp.route("/<course_slug>/quizzes/<quiz_slug>/preview", methods=["GET", "POST"])
@staff_only
def preview_quiz(course_slug, quiz_slug):
    """Take the newest version as a learner would, and check the answers: nothing is recorded
    (no attempt, nothing in any report)."""
    quiz = editable_quiz(course_slug, quiz_slug)
    version = versions.latest_version(quiz)
    if version is None:
        abort(404)
    checked = request.method == "POST" and ActionForm().validate_on_submit()
    try:
        seed = int(request.values.get("seed", ""))
    except ValueError:
        seed = secrets.randbits(32)
    shown = _preview_questions(quiz, version, seed, request.form if checked else None)
    score = total = None
    if checked:
        total = sum(q.answer.points for q in shown)
        score = sum(q.answer.points * (q.answer.fraction or 0) for q in shown)
    mark = version.settings.get("pass_mark", 60)
    passed = score is not None and (total == 0 or score * 100 >= mark * total - 1e-9)
    # The objects built for the page are no one's: nothing may reach the database.
    db.session.rollback()
    return render_template(
        "quiz_author/preview.html",
        quiz=quiz,
        course=quiz.course,
        version=version,
        shown=shown,
        seed=seed,
        checked=checked,
        score=score,
        total=total,
        passed=passed,
        mark=mark,
        html=display.html,
        new_seed=secrets.randbits(32),
    )
