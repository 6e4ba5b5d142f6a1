"""Instructors' lesson editor: edit with live preview, drafts, publish, history, diff, revert."""

from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from courseware import permissions
from courseware.access import roles
from courseware.content.markdown import render_cached
from courseware.courses import catalogue
from courseware.db import db
from courseware.formfields import row_id
from courseware.forms import ActionForm
from courseware.lessons import authoring
from courseware.lessons.forms import DiffForm, LessonForm, NewLessonForm, PreviewForm
from courseware.lessons.models import Lesson, LessonRevision
from courseware.lessons.revisions import latest_revision, MEDIA_URL

bp = Blueprint("author", __name__, url_prefix="/author")

# Instructors write the lessons of the courses they edit; the province's administrators, of all.
staff_only = roles(*permissions.STAFF)


def editable_course(course_slug):
    """The course, if the user edits it; 404 otherwise, as if there were no such course."""
    course = catalogue.get_course(course_slug)
    if not permissions.edits_course(current_user, course):
        abort(404)
    return course


def _lesson(course_slug, lesson_slug) -> Lesson:
    course = editable_course(course_slug)
    lesson = db.session.scalar(
        db.select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug)
    )
    if lesson is None:
        abort(404)
    return lesson


def _revision(lesson: Lesson, revision_id: int) -> LessonRevision:
    revision = db.session.get(LessonRevision, revision_id)
    if revision is None or revision.lesson_id != lesson.id:
        abort(404)
    return revision


@bp.route("/")
@staff_only
def index():
    """The courses the user edits, and their lessons, with links to edit."""
    courses = [c for c in catalogue.active_courses() if permissions.edits_course(current_user, c)]
    return render_template("author/index.html", courses=courses)


@bp.route("/<course_slug>/<lesson_slug>/edit", methods=["GET", "POST"])
@staff_only
def edit(course_slug, lesson_slug):
    """Edit a lesson; save a draft or publish. A stale save is refused and both texts kept."""
    lesson = _lesson(course_slug, lesson_slug)
    form = LessonForm()
    latest = latest_revision(lesson)
    conflict = None
    if form.validate_on_submit():
        result = authoring.save_lesson(
            lesson,
            form.to_source(lesson.slug, lesson.number),
            author=current_user,
            base_id=int(form.base_revision_id.data) if form.base_revision_id.data else None,
            publish=bool(form.publish.data),
            note=form.note.data or "",
        )
        db.session.commit()
        if result.conflict_with is None:
            flash(
                _("Revision %(n)d published.", n=result.revision.number)
                if form.publish.data
                else _("Draft saved as revision %(n)d.", n=result.revision.number),
                "success",
            )
            return redirect(
                url_for("author.edit", course_slug=course_slug, lesson_slug=lesson_slug)
            )
        conflict = result
        flash(
            _(
                "Someone else saved this lesson (revision %(theirs)d) after you started editing. Your text was "
                "not published; it is kept as revision %(yours)d. Compare the two below, then save again.",
                theirs=result.conflict_with.number,
                yours=result.revision.number,
            ),
            "error",
        )
        form.base_revision_id.data = str(result.conflict_with.id)
    elif request.method == "GET" and latest is not None:
        form.fill_from(latest)
        form.base_revision_id.data = str(latest.id)
    return render_template(
        "author/edit.html",
        form=form,
        lesson=lesson,
        latest=latest,
        conflict=conflict,
    )


@bp.route("/<course_slug>/new", methods=["GET", "POST"])
@staff_only
def new(course_slug):
    """Write a new lesson for a course."""
    course = editable_course(course_slug)
    form = NewLessonForm()
    if form.validate_on_submit():
        if any(lesson.slug == form.slug.data for lesson in course.lessons):
            form.slug.errors.append(_("This course already has a lesson with that short name."))
        else:
            lesson = authoring.create_lesson(
                course,
                form.slug.data,
                form.to_source(form.slug.data, 0),
                author=current_user,
                publish=bool(form.publish.data),
            )
            db.session.commit()
            flash(_("Lesson created."), "success")
            return redirect(
                url_for("author.edit", course_slug=course.slug, lesson_slug=lesson.slug)
            )
    return render_template("author/new.html", form=form, course=course)


@bp.route("/<course_slug>/preview", methods=["POST"])
@staff_only
def preview(course_slug):
    """Render Markdown through the same sanitiser learners get (for the editor's live preview).

    Links to other lessons and images point where they will on the lesson's page, so that they
    work from the editor too."""
    course = editable_course(course_slug)
    form = PreviewForm()
    if not form.validate_on_submit():
        # The preview pane shows why there is nothing to show.
        reasons = [str(e) for errors in form.errors.values() for e in errors]
        return render_template("author/_preview.html", html=_preview_refusal(reasons)), 400
    rendered = render_cached(
        form.body(), MEDIA_URL, url_for("lessons.course", course_slug=course.slug) + "/"
    )
    # A link followed from the preview opens beside the editor, which keeps what is being typed.
    html = rendered.html.replace("<a href=", '<a target="_blank" href=')
    return render_template("author/_preview.html", html=html)


def _preview_refusal(reasons: list[str]) -> Markup:
    return Markup("").join(
        Markup('<p class="field-error" role="alert">{}</p>').format(r) for r in reasons
    )


@bp.route("/<course_slug>/<lesson_slug>/history")
@staff_only
def history(course_slug, lesson_slug):
    """Every revision of a lesson, and a form to compare two."""
    lesson = _lesson(course_slug, lesson_slug)
    return render_template(
        "author/history.html",
        lesson=lesson,
        revisions=authoring.revisions_of(lesson),
        action=ActionForm(),
        note_text=authoring.note_text,
    )


@bp.route("/<course_slug>/<lesson_slug>/diff")
@staff_only
def diff(course_slug, lesson_slug):
    """Show what changed between two revisions."""
    lesson = _lesson(course_slug, lesson_slug)
    form = DiffForm(request.args)
    if not form.validate() or not (row_id(form.a.data) and row_id(form.b.data)):
        flash(_("Choose two revisions to compare."), "error")
        return redirect(url_for("author.history", course_slug=course_slug, lesson_slug=lesson_slug))
    old, new = _revision(lesson, form.a.data), _revision(lesson, form.b.data)
    return render_template(
        "author/diff.html", lesson=lesson, old=old, new=new, lines=authoring.diff_lines(old, new)
    )


@bp.route("/<course_slug>/<lesson_slug>/revisions/<int:revision_id>/publish", methods=["POST"])
@staff_only
def publish(course_slug, lesson_slug, revision_id):
    """Publish a saved draft."""
    lesson = _lesson(course_slug, lesson_slug)
    revision = _revision(lesson, revision_id)
    if ActionForm().validate_on_submit():
        authoring.publish_revision(lesson, revision)
        db.session.commit()
        flash(_("Revision %(n)d published.", n=revision.number), "success")
    return redirect(url_for("author.history", course_slug=course_slug, lesson_slug=lesson_slug))


@bp.route("/<course_slug>/<lesson_slug>/revisions/<int:revision_id>/revert", methods=["POST"])
@staff_only
def revert(course_slug, lesson_slug, revision_id):
    """Publish a copy of an older revision."""
    lesson = _lesson(course_slug, lesson_slug)
    old = _revision(lesson, revision_id)
    if ActionForm().validate_on_submit():
        revision = authoring.revert_to(lesson, old, author=current_user)
        db.session.commit()
        flash(
            _(
                "Reverted: revision %(new)d is a copy of revision %(old)d.",
                new=revision.number,
                old=old.number,
            ),
            "success",
        )
    return redirect(url_for("author.history", course_slug=course_slug, lesson_slug=lesson_slug))
