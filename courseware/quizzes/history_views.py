"""A quiz's history and its place in the course (/author/<course>/quizzes/<quiz>/…): its versions,
two of them compared word by word, an earlier one made the quiz's again; the quiz taken out of
its course and put back. The work is in history.py."""

from __future__ import annotations

import datetime as dt

from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware.content.folders import content_zone
from courseware.db import db
from courseware.formfields import row_id
from courseware.forms import ActionForm
from courseware.i18n import text
from courseware.quizzes import history, versions
from courseware.quizzes.builder_views import editable_course, staff_only
from courseware.quizzes.building import category_name
from courseware.quizzes.models import QuestionRecord, Quiz, QuizVersion

bp = Blueprint("quiz_history", __name__, url_prefix="/author")


def _quiz(course_slug: str, quiz_slug: str, archived: bool = False) -> Quiz:
    """The quiz of a course the user edits, taken out (archived) or not; 404 otherwise."""
    course = editable_course(course_slug)
    quiz = db.session.scalar(
        db.select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug)
    )
    if quiz is None or (quiz.archived_at is not None) != archived:
        abort(404)
    return quiz


def _version(quiz: Quiz, version_id) -> QuizVersion:
    version = db.session.get(QuizVersion, row_id(version_id) or 0)
    if version is None or version.quiz_id != quiz.id:
        abort(404)
    return version


def note_text(version: QuizVersion) -> str:
    """A version's note; notes the system wrote are shown in the reader's language."""
    system = {
        "content sync": _("from the files (content sync)"),
        "created in the browser": _("created in the browser"),
    }
    if version.note in system:
        return system[version.note]
    prefix = history.REVERT_NOTE.format(number="")
    if version.note.startswith(prefix) and version.note[len(prefix) :].isdigit():
        return _("back to version %(n)s", n=version.note[len(prefix) :])
    return version.note


# --- the versions, compared ---------------------------------------------------------------------


@bp.route("/<course_slug>/quizzes/<quiz_slug>/history")
@staff_only
def quiz_history(course_slug, quiz_slug):
    """Every version of a quiz, two to compare, and a button to make an earlier one the quiz's."""
    quiz = _quiz(course_slug, quiz_slug)
    return render_template(
        "quiz_author/history.html",
        course=quiz.course,
        quiz=quiz,
        history=versions.versions_of(quiz),
        latest=versions.latest_version(quiz),
        attempts=versions.attempts_by_version(quiz),
        note_text=note_text,
        action=ActionForm(),
    )


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _local(value: str | None) -> str:
    if not value:
        return "—"
    moment = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC).astimezone(content_zone())
    return moment.strftime("%Y-%m-%d %H:%M")


def _line(label: str, value) -> str:
    return _("%(label)s: %(value)s", label=label, value=value)


def settings_lines(settings: dict) -> list[str]:
    """A version's settings one to a line, labelled in the reader's language."""
    review = {
        "immediately": _("As soon as they hand in"),
        "after_close": _("After the quiz closes"),
        "never": _("Never"),
    }
    grade = {"best": _("The best attempt"), "last": _("The last attempt")}
    lines = [
        _line(_("Opens at (Beijing time)"), _local(settings.get("opens"))),
        _line(_("Closes at (Beijing time)"), _local(settings.get("closes"))),
        _line(_("Time limit in minutes (0: none)"), settings.get("time_limit", 0)),
        _line(_("Attempts allowed (0: unlimited)"), settings.get("attempts", 0)),
        _line(_("Pass mark (%)"), f"{settings.get('pass_mark', 60):g}"),
        _line(_("Shuffle the questions"), _yes_no(settings.get("shuffle_questions"))),
        _line(_("Shuffle each question's options"), _yes_no(settings.get("shuffle_options", True))),
        _line(
            _("When learners see the right answers"),
            review.get(settings.get("review"), settings.get("review")),
        ),
        _line(_("Which attempt counts"), grade.get(settings.get("grade"), settings.get("grade"))),
    ]
    if settings.get("classroom_only"):
        lines.append(_("Only during a class session of the quiz's class"))
    if settings.get("networks"):
        lines.append(_line(_("Only from the networks"), ", ".join(settings["networks"])))
    return lines


def slot_lines(quiz: Quiz, slots: list[dict]) -> list[str]:
    """A version's questions one to a line: a fixed question by its id and Chinese text, a draw
    by its count and category name."""
    names = [s["question"] for s in slots if "question" in s]
    texts = {
        r.name: r.question.text
        for r in db.session.scalars(
            db.select(QuestionRecord).where(
                QuestionRecord.course_id == quiz.course_id, QuestionRecord.name.in_(names)
            )
        )
    }
    lines = []
    for slot in slots:
        if "question" in slot:
            shown = texts.get(slot["question"]) or {}
            lines.append(f"{slot['question']} · {(shown.get('zh') or '').strip()}")
        else:
            lines.append(
                ngettext(
                    "%(num)d question drawn from “%(category)s”",
                    "%(num)d questions drawn from “%(category)s”",
                    slot["draw"],
                    category=category_name(slot["category"]),
                )
            )
    return lines


def readable(quiz: Quiz, version: QuizVersion) -> dict:
    return history.readable_parts(
        version, settings_lines(version.settings), slot_lines(quiz, version.slots)
    )


@bp.route("/<course_slug>/quizzes/<quiz_slug>/diff")
@staff_only
def quiz_diff(course_slug, quiz_slug):
    """What changed between two versions: titles, descriptions, settings and questions, with the
    changed words marked."""
    quiz = _quiz(course_slug, quiz_slug)
    if not (row_id(request.args.get("a")) and row_id(request.args.get("b"))):
        flash(_("Choose two versions to compare."), "error")
        return redirect(url_for(".quiz_history", course_slug=course_slug, quiz_slug=quiz_slug))
    old, new = _version(quiz, request.args["a"]), _version(quiz, request.args["b"])
    changes = history.version_changes(readable(quiz, old), readable(quiz, new))
    return render_template(
        "quiz_author/diff.html", course=quiz.course, quiz=quiz, old=old, new=new, changes=changes
    )


def _revert_problem(old: QuizVersion, problem) -> str:
    """Why an old version cannot be made the quiz's again, said for its question or draw."""
    slot = old.slots[problem.key[1]]
    if "draw" in slot:
        have = problem.details.get("have", 0)
        return ngettext(
            "“%(category)s” now holds %(num)d question that can be drawn; version %(n)d draws "
            "%(draw)d.",
            "“%(category)s” now holds %(num)d questions that can be drawn; version %(n)d draws "
            "%(draw)d.",
            have,
            category=category_name(slot["category"]),
            n=old.number,
            draw=slot["draw"],
        )
    return _(
        "Question “%(name)s” of version %(n)d is no longer in the course's bank.",
        name=slot["question"],
        n=old.number,
    )


@bp.route("/<course_slug>/quizzes/<quiz_slug>/versions/<int:version_id>/revert", methods=["POST"])
@staff_only
def revert_quiz(course_slug, quiz_slug, version_id):
    """Make an earlier version the quiz's again, as a new version; refused when someone saved
    since the page was opened."""
    quiz = _quiz(course_slug, quiz_slug)
    old = _version(quiz, version_id)
    back = redirect(url_for(".quiz_history", course_slug=course_slug, quiz_slug=quiz_slug))
    if not ActionForm().validate_on_submit():
        return back
    result = history.revert_to(
        quiz, old, author=current_user, base_id=row_id(request.form.get("base_version_id"))
    )
    if result.stale is not None:
        db.session.rollback()
        flash(
            _(
                "Someone saved version %(theirs)d after you opened this page; nothing was "
                "reverted. Look at the versions again, then choose.",
                theirs=result.stale.number,
            ),
            "error",
        )
    elif result.unchanged:
        db.session.rollback()
        flash(_("Version %(n)d says what the newest version says; nothing changed.", n=old.number))
    elif result.problems:
        db.session.rollback()
        for problem in result.problems:
            flash(_revert_problem(old, problem), "error")
    else:
        db.session.commit()
        version = result.version
        if version.status == versions.PUBLISHED:
            message = _(
                "Reverted: version %(new)d is a copy of version %(old)d, and new attempts take it.",
                new=version.number,
                old=old.number,
            )
        else:
            message = _(
                "Reverted: version %(new)d is a copy of version %(old)d (a draft).",
                new=version.number,
                old=old.number,
            )
        flash(message, "success")
    return back


# --- out of the course and back -----------------------------------------------------------------


@bp.route("/<course_slug>/quizzes/<quiz_slug>/take-out", methods=["POST"])
@staff_only
def take_out(course_slug, quiz_slug):
    """Take a quiz out of the course: learners no longer see it; its attempts are kept."""
    quiz = _quiz(course_slug, quiz_slug)
    if ActionForm().validate_on_submit():
        history.take_out(quiz, author=current_user)
        db.session.commit()
        flash(
            _(
                "The quiz “%(title)s” was taken out of the course. It can be put back.",
                title=text(quiz.title),
            ),
            "success",
        )
    return redirect(url_for("author.course", course_slug=course_slug))


@bp.route("/<course_slug>/quizzes/<quiz_slug>/put-back", methods=["POST"])
@staff_only
def put_back(course_slug, quiz_slug):
    """Put a quiz taken out back at the end of the outline."""
    quiz = _quiz(course_slug, quiz_slug, archived=True)
    if ActionForm().validate_on_submit():
        restored = history.put_back(quiz, author=current_user)
        db.session.commit()
        flash(_("The quiz is back in the course, at the end of the outline."), "success")
        if restored:
            flash(
                ngettext(
                    "Its question %(names)s was archived; it is back in the bank.",
                    "Its %(num)d questions %(names)s were archived; they are back in the bank.",
                    len(restored),
                    names=", ".join(restored),
                )
            )
    return redirect(url_for("author.course", course_slug=course_slug))


def taken_out(course) -> list[dict]:
    """The course's quizzes taken out, for its outline page (courses.outline's registry)."""
    return [
        {
            "kind": "quiz",
            "slug": quiz.slug,
            "title": quiz.title,
            "put_back": url_for(
                "quiz_history.put_back", course_slug=course.slug, quiz_slug=quiz.slug
            ),
        }
        for quiz in history.archived_quizzes(course.id)
    ]
