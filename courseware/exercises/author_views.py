"""Scenarios in the browser, for the course's editors: the YAML editor with `content check`'s
problems on their lines, drafts, publishing, history, a new scenario started from another, and a
play-test of a draft that records no run. The inject timeline's spreadsheet is timeline_views'."""

from __future__ import annotations

from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.courses import outline
from courseware.courses.catalogue import find_course
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises import authoring, check_messages, engine, messages, playtest
from courseware.exercises.author_forms import CopyForm, FORWARD_STEPS, ScenarioForm
from courseware.exercises.forms import ActForm
from courseware.exercises.models import Exercise, ExerciseRevision
from courseware.exercises.views import Draft, newest_first
from courseware.formfields import row_id
from courseware.forms import ActionForm
from courseware.i18n import text

bp = Blueprint("scenario_author", __name__, url_prefix="/author/<course_slug>/scenarios")
staff_only = roles(*permissions.STAFF)


def edited_course(course_slug: str) -> Course:
    """The course, if the user edits it; 404 otherwise, as if there were no such course."""
    course = find_course(course_slug)
    if course is None or course.archived_at is not None:
        abort(404)
    if not permissions.edits_course(current_user, course):
        abort(404)
    return course


def edited_exercise(course_slug: str, slug: str) -> Exercise:
    """A scenario of a course the user edits, published or a draft never published."""
    course = edited_course(course_slug)
    exercise = db.session.scalar(
        db.select(Exercise).where(Exercise.course_id == course.id, Exercise.slug == slug)
    )
    if exercise is None or (exercise.archived_at is not None and not _never_published(exercise)):
        abort(404)
    return exercise


def _never_published(exercise: Exercise) -> bool:
    return authoring.never_published(exercise)


def revision_of(exercise: Exercise, revision_id: int) -> ExerciseRevision:
    revision = db.session.get(ExerciseRevision, revision_id)
    if revision is None or revision.exercise_id != exercise.id:
        abort(404)
    return revision


def _position_choices(course: Course) -> list[tuple[str, str]]:
    titles = outline.item_titles(course)
    choices = [("end", _("At the end of the course")), ("start", _("At the start of the course"))]
    for kind, slug in course.items:
        title = titles.get((kind, slug))
        if kind == "lesson":
            lesson = next((lesson for lesson in course.lessons if lesson.slug == slug), None)
            revision = lesson.published if lesson is not None else None
            title = {"zh": revision.title_zh, "en": revision.title_en or ""} if revision else None
        name = text(title) if title else slug
        choices.append(
            ("after:" + outline.item_key(kind, slug), _("After “%(title)s”", title=name))
        )
    return choices


def _copy_form(course: Course, exercise: Exercise) -> CopyForm:
    form = CopyForm(prefix=f"copy-{exercise.slug}")
    form.position.choices = _position_choices(course)
    if not form.is_submitted():
        form.slug.data = authoring.new_slug(course, exercise.slug)
        form.position.data = "after:" + outline.item_key("exercise", exercise.slug)
        if ("exercise", exercise.slug) not in map(tuple, course.items):
            form.position.data = "end"
    return form


def _shipped_form(course: Course, source: Exercise) -> CopyForm:
    """The form that starts this course's scenario from another course's: its own short name if
    this course has none by that name, at the end of the outline."""
    form = CopyForm(prefix=f"shipped-{source.id}")
    form.position.choices = _position_choices(course)
    if not form.is_submitted():
        taken = authoring.slug_taken(course, source.slug)
        form.slug.data = authoring.new_slug(course, source.slug) if taken else source.slug
        form.position.data = "end"
    return form


def _copy_into(course: Course, source: Exercise, form: CopyForm):
    """Start the copy the form describes, or put its problems on the form; the new scenario or None."""
    if authoring.slug_taken(course, form.slug.data):
        form.slug.errors.append(_("This course already has a scenario with that short name."))
        return None
    if authoring.current_text(source) is None:
        form.slug.errors.append(_("This scenario's text is not on this server to copy."))
        return None
    place = form.position.data
    after = outline.parse_item_key(place[len("after:") :]) if place.startswith("after:") else None
    return authoring.copy_scenario(
        source,
        form.slug.data,
        author=current_user,
        course=course,
        after=after,
        at_start=place == "start",
    )


# --- the course's scenarios -------------------------------------------------------------------


@bp.route("/")
@staff_only
def index(course_slug):
    """The course's scenarios, published and drafts, each with its editor, play-test and a
    button that starts a new scenario from it."""
    course = edited_course(course_slug)
    exercises = list(
        db.session.scalars(
            db.select(Exercise).where(Exercise.course_id == course.id).order_by(Exercise.slug)
        )
    )
    shown = [e for e in exercises if e.archived_at is None or _never_published(e)]
    shipped = authoring.shipped_scenarios(course)
    return render_template(
        "exercises/author/index.html",
        course=course,
        exercises=shown,
        latest={e.id: authoring.latest_revision(e) for e in shown},
        copy_forms={e.id: _copy_form(course, e) for e in shown},
        shipped=shipped,
        shipped_forms={e.id: _shipped_form(course, e) for e in shipped},
        never_published=_never_published,
    )


@bp.route("/<slug>/copy", methods=["POST"])
@staff_only
def copy(course_slug, slug):
    """Start a new scenario of this course as a draft copy of this one, placed in the outline."""
    exercise = edited_exercise(course_slug, slug)
    return _start_copy(exercise.course, exercise, _copy_form(exercise.course, exercise))


@bp.route("/from/<int:exercise_id>", methods=["POST"])
@staff_only
def copy_shipped(course_slug, exercise_id):
    """Start a new scenario of this course as a draft copy of one another course's learners play
    (or of one of its own)."""
    course = edited_course(course_slug)
    source = authoring.copy_source(course, exercise_id)
    if source is None:
        abort(404)  # not a scenario this course's authors may start from
    return _start_copy(course, source, _shipped_form(course, source))


def _start_copy(course, source, form):
    """Make the draft copy the form asks for, and go to its editor; or say what was wrong."""
    if form.validate_on_submit():
        created = _copy_into(course, source, form)
        if created is not None:
            db.session.commit()
            flash(
                _(
                    "A new scenario “%(slug)s” was started from “%(title)s”, as a draft. Learners "
                    "see it once it is published.",
                    slug=created.slug,
                    title=text(source.title),
                ),
                "success",
            )
            return redirect(url_for(".edit", course_slug=course.slug, slug=created.slug))
    for errors in form.errors.values():
        for error in errors:
            flash(f"{form.slug.data or ''}: {error}", "error")
    return redirect(url_for(".index", course_slug=course.slug))


# --- the editor -------------------------------------------------------------------------------


def _saved_message(result, publish: bool) -> str:
    if result.unchanged:
        return _(
            "Nothing changed since revision %(n)d; no revision was added.", n=result.revision.number
        )
    if publish:
        return _(
            "Revision %(n)d published: learners now get this scenario. Runs already played keep "
            "the scenario they were played with.",
            n=result.revision.number,
        )
    return _("Draft saved as revision %(n)d.", n=result.revision.number)


def _editor(exercise: Exercise, form: ScenarioForm, status: int = 200, **context):
    latest = authoring.latest_revision(exercise)
    return render_template(
        "exercises/author/edit.html",
        exercise=exercise,
        course=exercise.course,
        form=form,
        latest=latest,
        published=exercise.published,
        never_published=_never_published(exercise),
        **{"problems": None, "conflict": None, "checked": False} | context,
    ), status


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@staff_only
def edit(course_slug, slug):
    """Edit the scenario's YAML: check it, save a draft, or publish it when it has no problem."""
    exercise = edited_exercise(course_slug, slug)
    form = ScenarioForm()
    if request.method == "GET":
        latest = authoring.latest_revision(exercise)
        form.text.data = authoring.current_text(exercise) or ""
        form.base_revision_id.data = str(latest.id) if latest else ""
        problems = None
        if latest is not None and latest.problems:
            _scenario, found = authoring.check_text(latest.text, course_slug, slug)
            problems = check_messages.shown(found)
        return _editor(exercise, form, problems=problems)
    if not form.validate_on_submit():
        return _editor(exercise, form, 400)
    if form.check.data:
        _scenario, found = authoring.check_text(
            authoring.normalise(form.text.data), course_slug, slug
        )
        return _editor(exercise, form, problems=check_messages.shown(found), checked=True)
    publish = bool(form.publish.data)
    result = authoring.save_scenario(
        exercise,
        form.text.data,
        author=current_user,
        base_id=row_id(form.base_revision_id.data),
        publish=publish,
        note=form.note.data or "",
    )
    shown = check_messages.shown(result.problems)
    if result.revision is None:
        db.session.rollback()
        flash(
            _(
                "Not published: the scenario has problems, shown on their lines below. Correct "
                "them, or save the text as a draft."
            ),
            "error",
        )
        return _editor(exercise, form, 422, problems=shown, checked=True)
    db.session.commit()
    if result.conflict_with is not None:
        flash(
            _(
                "Someone else saved this scenario (revision %(theirs)d) after you started editing. "
                "Your text was not saved over theirs; it is kept as revision %(yours)d. Compare "
                "the two below, then save again.",
                theirs=result.conflict_with.number,
                yours=result.revision.number,
            ),
            "error",
        )
        form.base_revision_id.data = str(result.conflict_with.id)
        return _editor(exercise, form, 409, problems=shown, conflict=result.conflict_with)
    flash(_saved_message(result, publish), "success")
    if shown:
        flash(
            _(
                "The draft has problems, shown on their lines: it cannot be published until they are corrected."
            ),
            "error",
        )
    return redirect(url_for(".edit", course_slug=course_slug, slug=slug))


# --- history ----------------------------------------------------------------------------------


@bp.route("/<slug>/history")
@staff_only
def history(course_slug, slug):
    """Every revision of the scenario: drafts, published ones and conflict copies."""
    exercise = edited_exercise(course_slug, slug)
    return render_template(
        "exercises/author/history.html",
        exercise=exercise,
        course=exercise.course,
        revisions=authoring.revisions_of(exercise),
        may_publish=lambda r: authoring.may_publish(exercise, r),
        action=ActionForm(),
    )


@bp.route("/<slug>/revisions/<int:revision_id>")
@staff_only
def revision(course_slug, slug, revision_id):
    """One revision's text, with its line numbers."""
    exercise = edited_exercise(course_slug, slug)
    return render_template(
        "exercises/author/revision.html",
        exercise=exercise,
        course=exercise.course,
        revision=revision_of(exercise, revision_id),
    )


@bp.route("/<slug>/revisions/<int:revision_id>/publish", methods=["POST"])
@staff_only
def publish(course_slug, slug, revision_id):
    """Publish a saved draft with no problems."""
    exercise = edited_exercise(course_slug, slug)
    revision = revision_of(exercise, revision_id)
    if ActionForm().validate_on_submit():
        if not authoring.may_publish(exercise, revision):
            flash(
                _(
                    "Revision %(n)d cannot be published: only a draft with no problems, newer "
                    "than what learners get, can.",
                    n=revision.number,
                ),
                "error",
            )
        elif authoring.publish_draft(exercise, revision):
            db.session.commit()
            flash(
                _("Revision %(n)d was not published: its text has problems.", n=revision.number),
                "error",
            )
        else:
            db.session.commit()
            flash(_("Revision %(n)d published.", n=revision.number), "success")
    return redirect(url_for(".history", course_slug=course_slug, slug=slug))


# --- the play-test ----------------------------------------------------------------------------


def _playtest(exercise: Exercise):
    """The user's play-test of the scenario and its scenario, or (None, None) before one began."""
    test = playtest.find(exercise, current_user.id)
    return (test, playtest.scenario_of(test)) if test is not None else (None, None)


def _no_playtest(exercise: Exercise):
    flash(_("Start a play-test first."), "error")
    return redirect(url_for(".edit", course_slug=exercise.course.slug, slug=exercise.slug))


@bp.route("/<slug>/playtest", methods=["POST"])
@staff_only
def playtest_start(course_slug, slug):
    """Play the newest revision as a trainee would, from the start; nothing is recorded as a run."""
    exercise = edited_exercise(course_slug, slug)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".edit", course_slug=course_slug, slug=slug))
    latest = authoring.latest_revision(exercise)
    scenario, problems = (None, [])
    if latest is not None:
        scenario, problems = authoring.check_text(latest.text, course_slug, slug)
    if scenario is None:
        flash(_("The newest revision has problems: correct them before play-testing."), "error")
        return redirect(url_for(".edit", course_slug=course_slug, slug=slug))
    playtest.start(exercise, latest, scenario, current_user.id)
    db.session.commit()
    return redirect(url_for(".playtest_page", course_slug=course_slug, slug=slug))


def _play_context(exercise: Exercise, test, scenario, state=None, draft=None) -> dict:
    state = state or playtest.replay(test, scenario)
    return dict(
        exercise=exercise,
        course=exercise.course,
        test=test,
        run=playtest.Player(finished=state.finished),
        scenario=scenario,
        state=state,
        messages=messages,
        pending=engine.pending_decisions(scenario, state),
        feed=newest_first(state.log),
        persona=scenario.persona,
        inject=scenario.inject,
        draft=draft,
        replyable=engine.answerable(state) if not state.finished else set(),
        members={},
        authors={},
        drafts=[],
        proposes=False,
        spokesperson=False,
        polling=False,
        next_minute=playtest.next_minute(scenario, state),
        steps=FORWARD_STEPS,
        act_url=url_for(".playtest_act", course_slug=exercise.course.slug, slug=exercise.slug),
    )


@bp.route("/<slug>/playtest")
@staff_only
def playtest_page(course_slug, slug):
    exercise = edited_exercise(course_slug, slug)
    test, scenario = _playtest(exercise)
    if test is None:
        return _no_playtest(exercise)
    return render_template(
        "exercises/author/playtest.html", **_play_context(exercise, test, scenario)
    )


@bp.route("/<slug>/playtest/act", methods=["POST"])
@staff_only
def playtest_act(course_slug, slug):
    """One trainee action, a move of the clock, or the end, in the author's play-test."""
    exercise = edited_exercise(course_slug, slug)
    test, scenario = _playtest(exercise)
    if test is None:
        return _no_playtest(exercise)
    form = ActForm()
    kind = form.kind.data or ""
    here = url_for(".playtest_page", course_slug=course_slug, slug=slug)
    if not form.validate_on_submit():
        flash(form.first_error(), "error")
        return redirect(here)
    try:
        if kind == "forward":
            to_next = form.target.data == "next"
            playtest.forward(test, scenario, None if to_next else float(form.minutes.data or 0))
        elif kind == "finish":
            playtest.finish(test, scenario)
        else:
            playtest.act(test, scenario, kind, form.fields())
    except engine.ActionError as error:
        db.session.rollback()
        if kind in engine.post_actions():
            target = form.target.data or ""
            reply_to = target if kind == "reply" else ""
            draft = Draft(form.text.data or "", messages.error_message(error), reply_to)
            context = _play_context(exercise, test, scenario, draft=draft)
            return render_template("exercises/author/playtest.html", **context), 422
        flash(messages.error_message(error), "error")
        return redirect(here)
    db.session.commit()
    if test.finished:
        return redirect(url_for(".playtest_report", course_slug=course_slug, slug=slug))
    return redirect(here + ("#feed" if kind != "post" else ""))


@bp.route("/<slug>/playtest/report")
@staff_only
def playtest_report(course_slug, slug):
    """The play-test's scores and after-action report, as a trainee would see them."""
    exercise = edited_exercise(course_slug, slug)
    test, scenario = _playtest(exercise)
    if test is None:
        return _no_playtest(exercise)
    return render_template(
        "exercises/author/playtest_report.html",
        exercise=exercise,
        course=exercise.course,
        test=test,
        messages=messages,
        **playtest.report_of(test, scenario),
    )
