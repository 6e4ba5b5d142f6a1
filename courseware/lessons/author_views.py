"""Instructors' lesson editor: edit with live preview, images, drafts, publish, history, diff,
revert; a new lesson placed in the outline; a lesson taken out of its course and put back."""

from flask import flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from courseware import caching, permissions
from courseware.content.folders import content_dir
from courseware.content.markdown import removals, render_cached
from courseware.courses import authoring as course_authoring
from courseware.courses import catalogue, outline
from courseware.db import db
from courseware.formfields import row_id
from courseware.forms import ActionForm
from courseware.i18n import text
from courseware.lessons import authoring, outline_parts
from courseware.lessons.author_blueprint import (
    bp,
    editable_course,
    editable_lesson,
    revision_of,
    staff_only,
)
from courseware.lessons.forms import DiffForm, LessonForm, NewLessonForm, PreviewForm
from courseware.lessons.outline import outline_rows
from courseware.lessons.reading import lesson_title
from courseware.lessons.revisions import latest_revision, MEDIA_URL
from courseware.templating import kept_part

__all__ = ["bp"]


@bp.route("/")
@staff_only
def index():
    """The courses the user edits, with their lessons and links to edit; archived ones to
    restore."""
    unarchived, archived = catalogue.all_courses()
    courses = permissions.edited_courses(current_user, unarchived)
    archived = permissions.edited_courses(current_user, archived)
    return render_template(
        "author/index.html",
        courses=courses,
        archived=archived,
        rows_of=outline_rows,
        index_rows=outline_parts.index_rows,
        title_of=lesson_title,
        action=ActionForm(),
    )


# --- what the sanitiser removed, said in the author's language ---------------------------------


def removal_messages(text: str, course, names: frozenset | None = None) -> list[str]:
    """What the sanitiser takes out of a lesson text (or would show broken), and why; `names` are
    the course's media names (media_names), when the caller has them."""
    names = media_names(course) if names is None else names
    messages = []
    for removal in removals(text, MEDIA_URL, names):
        message = _describe(removal)
        if removal.count > 1:
            message += " " + _("(%(count)s times)", count=str(removal.count))
        messages.append(message)
    return messages


def media_names(course, media=None) -> frozenset[str]:
    """The images a lesson of the course may show: its stored media (`media`, when the caller has
    read them), and files not yet synced."""
    media = course_authoring.media_names_of(course) if media is None else media
    names = {m.name for m in media}
    folder = content_dir("lessons") / course.slug / "media"
    if folder.is_dir():
        names |= {p.name for p in folder.iterdir() if p.is_file()}
    return frozenset(names)


def _describe(removal) -> str:
    tag, what = removal.tag, removal.what
    if removal.kind == "element":
        if tag == "script":
            return _("A <script> was removed with its content: lessons may not run programs.")
        if tag == "style":
            return _("A <style> was removed with its content: lessons use the site's own styles.")
        if tag in ("iframe", "object", "embed"):
            return _(
                "An embedded page or object (<%(tag)s>) was removed with its content: lessons may "
                "not show other sites inside them.",
                tag=tag,
            )
        return _("A <%(tag)s> was removed with its content: it is not allowed in lessons.", tag=tag)
    if removal.kind == "tag":
        return _(
            "The tag <%(tag)s> was removed (its text is kept): it is not allowed in lessons.",
            tag=tag,
        )
    if removal.kind == "attribute":
        return _(
            "The attribute %(name)s was removed from <%(tag)s>: event handlers, styles and other "
            "attributes could change the page.",
            name=what,
            tag=tag,
        )
    if removal.kind == "link":
        return _(
            "The link to %(url)s was removed (its text is kept): only http, https and mailto "
            "addresses and this course's lessons may be linked.",
            url=what,
        )
    if removal.kind == "image":
        return _(
            "The image %(url)s was removed: images must be uploaded into this course's media and "
            "written as media/NAME.",
            url=what,
        )
    return _(
        "The image %(url)s is not in this course's media: upload it, or it will show as broken.",
        url=what,
    )


def _report(revision, course, media) -> list[tuple[str, list[str]]]:
    """The sanitiser's report on a revision, language by language; `media` is the course's."""
    names = media_names(course, media)
    report = [("zh", removal_messages(revision.body_zh, course, names))]
    if revision.body_en:
        report.append(("en", removal_messages(revision.body_en, course, names)))
    return [(lang, messages) for lang, messages in report if messages]


# --- editing ----------------------------------------------------------------------------------

_EDITOR_FIELDS = caching.Cache("editor_fields", max_size=256)


def editor_fields(make_form, lesson, opened_on, media) -> Markup:
    """The editor's fields (author/_fields.html: lesson_fields), with the form make_form()
    gives, called only when the fields are rendered. As they open on a revision (`opened_on`,
    None when the form shows what was sent), they are kept, and a request that finds them kept
    builds no form.

    Both languages' titles, objectives and texts with their labels and hints were two thirds of
    the editor's time. A revision's text never changes once saved, so the fields are kept by
    everything they are rendered from (rule 1 of courseware/caching.py): the course, the revision
    (its text, and the base of the next save) and the names of the course's images; the form's
    CSRF token is filled in per request."""
    course = lesson.course
    preview_url = url_for("author.preview", course_slug=course.slug)
    macro = get_template_attribute("author/_fields.html", "lesson_fields")
    if opened_on is None:
        return macro(make_form(), preview_url, course, media)
    key = (course.slug, opened_on.id, tuple(m.name for m in media))
    return kept_part(
        _EDITOR_FIELDS,
        key,
        lambda form: macro(form, preview_url, course, media),
        forms=lambda: (make_form(),),
    )


@bp.route("/<course_slug>/<lesson_slug>/edit", methods=["GET", "POST"])
@staff_only
def edit(course_slug, lesson_slug):
    """Edit a lesson; save a draft or publish. A stale save is refused and both texts kept."""
    lesson = editable_lesson(course_slug, lesson_slug)
    latest = latest_revision(lesson)
    if request.method == "GET":
        # The form is built only if the editor's fields are not kept for this revision.
        return _editor_page(lesson, latest, lambda: _opening_form(latest), opened_on=latest)
    form = LessonForm()
    conflict = None
    if form.validate_on_submit():
        result = authoring.save_lesson(
            lesson,
            form.to_source(lesson.slug, lesson.number),
            author=current_user,
            base_id=row_id(form.base_revision_id.data),
            publish=bool(form.publish.data),
            note=form.note.data or "",
        )
        db.session.commit()
        if result.conflict_with is None:
            flash(_saved_message(result, bool(form.publish.data)), "success")
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
    return _editor_page(lesson, latest, lambda: form, conflict=conflict)


def _opening_form(latest) -> LessonForm:
    """The form as the editor opens: the newest revision's text, and that revision as the base
    of the next save."""
    form = LessonForm()
    if latest is not None:
        form.fill_from(latest)
        form.base_revision_id.data = str(latest.id)
    return form


def _editor_page(lesson, latest, make_form, opened_on=None, conflict=None):
    """The lesson editor; make_form() gives its form (editor_fields)."""
    media = course_authoring.media_names_of(lesson.course)
    return render_template(
        "author/edit.html",
        lesson=lesson,
        latest=latest,
        title=lesson_title(latest) if latest else lesson.slug,
        conflict=conflict,
        report=_report(latest, lesson.course, media) if latest and not conflict else [],
        media=media,
        fields=editor_fields(make_form, lesson, opened_on, media),
    )


def _saved_message(result, publish: bool) -> str:
    if result.unchanged:
        return _(
            "Nothing changed since revision %(n)d; no revision was added.", n=result.revision.number
        )
    if publish:
        return _("Revision %(n)d published.", n=result.revision.number)
    return _("Draft saved as revision %(n)d.", n=result.revision.number)


def _position_choices(course) -> list[tuple[str, str]]:
    rows = outline_rows(course)
    return [("end", _("At the end of the course")), ("start", _("At the start of the course"))] + [
        ("after:" + row.key, _("After “%(title)s”", title=text(row.title))) for row in rows
    ]


@bp.route("/<course_slug>/new", methods=["GET", "POST"])
@staff_only
def new(course_slug):
    """Write a new lesson for a course, placed in its outline where the author chooses."""
    course = editable_course(course_slug)
    form = NewLessonForm()
    form.position.choices = _position_choices(course)
    if request.method == "GET" and request.args.get("after"):
        form.position.data = "after:" + request.args["after"]
    if form.validate_on_submit():
        if any(lesson.slug == form.slug.data for lesson in course.lessons):
            form.slug.errors.append(_("This course already has a lesson with that short name."))
        else:
            place = form.position.data
            after = (
                outline.parse_item_key(place[len("after:") :])
                if place.startswith("after:")
                else None
            )
            lesson = authoring.create_lesson(
                course,
                form.slug.data,
                form.to_source(form.slug.data, 0),
                author=current_user,
                publish=bool(form.publish.data),
                note=form.note.data or "",
                after=after,
                at_start=place == "start",
            )
            db.session.commit()
            flash(_("Lesson created."), "success")
            return redirect(
                url_for("author.edit", course_slug=course.slug, lesson_slug=lesson.slug)
            )
    return render_template(
        "author/new.html",
        form=form,
        course=course,
        media=course_authoring.media_names_of(course),
    ), (400 if form.errors else 200)


@bp.route("/<course_slug>/preview", methods=["POST"])
@staff_only
def preview(course_slug):
    """Render Markdown through the same sanitiser learners get (for the editor's live preview),
    and say what the sanitiser removed and why.

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
    return render_template(
        "author/_preview.html", html=html, removed=removal_messages(form.body(), course)
    )


def _preview_refusal(reasons: list[str]) -> Markup:
    return Markup("").join(
        Markup('<p class="field-error" role="alert">{}</p>').format(r) for r in reasons
    )


# --- history ----------------------------------------------------------------------------------


@bp.route("/<course_slug>/<lesson_slug>/history")
@staff_only
def history(course_slug, lesson_slug):
    """Every revision of a lesson, and a form to compare two."""
    lesson = editable_lesson(course_slug, lesson_slug)
    latest = latest_revision(lesson)
    return render_template(
        "author/history.html",
        lesson=lesson,
        title=lesson_title(latest) if latest else lesson.slug,
        revisions=authoring.revisions_of(lesson),
        action=ActionForm(),
        note_text=authoring.note_text,
    )


@bp.route("/<course_slug>/<lesson_slug>/diff")
@staff_only
def diff(course_slug, lesson_slug):
    """Show what changed between two revisions, word by word."""
    lesson = editable_lesson(course_slug, lesson_slug)
    form = DiffForm(request.args)
    if not form.validate() or not (row_id(form.a.data) and row_id(form.b.data)):
        flash(_("Choose two revisions to compare."), "error")
        return redirect(url_for("author.history", course_slug=course_slug, lesson_slug=lesson_slug))
    old, new = revision_of(lesson, form.a.data), revision_of(lesson, form.b.data)
    latest = latest_revision(lesson)
    return render_template(
        "author/diff.html",
        lesson=lesson,
        title=lesson_title(latest) if latest else lesson.slug,
        old=old,
        new=new,
        changes=authoring.revision_changes(old, new),
    )


@bp.route("/<course_slug>/<lesson_slug>/revisions/<int:revision_id>/publish", methods=["POST"])
@staff_only
def publish(course_slug, lesson_slug, revision_id):
    """Publish a saved draft (one newer than what learners read; older ones are reverted to)."""
    lesson = editable_lesson(course_slug, lesson_slug)
    revision = revision_of(lesson, revision_id)
    if ActionForm().validate_on_submit():
        if not authoring.may_publish(lesson, revision):
            flash(
                _(
                    "Revision %(n)d is not a draft newer than what learners read; revert to it instead.",
                    n=revision.number,
                ),
                "error",
            )
        else:
            authoring.publish_revision(lesson, revision)
            db.session.commit()
            flash(_("Revision %(n)d published.", n=revision.number), "success")
    return redirect(url_for("author.history", course_slug=course_slug, lesson_slug=lesson_slug))


@bp.route("/<course_slug>/<lesson_slug>/revisions/<int:revision_id>/revert", methods=["POST"])
@staff_only
def revert(course_slug, lesson_slug, revision_id):
    """Publish a copy of an older revision."""
    lesson = editable_lesson(course_slug, lesson_slug)
    old = revision_of(lesson, revision_id)
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


# --- taking a lesson out of its course and putting it back --------------------------------------


@bp.route("/<course_slug>/<lesson_slug>/take-out", methods=["POST"])
@staff_only
def take_out(course_slug, lesson_slug):
    """Take a lesson out of the course's outline; it and its learners' progress are kept."""
    lesson = editable_lesson(course_slug, lesson_slug)
    if ActionForm().validate_on_submit() and lesson.archived_at is None:
        authoring.take_out(lesson, author=current_user)
        db.session.commit()
        flash(_("The lesson was taken out of the course. It can be put back."), "success")
        for revision in authoring.lessons_linking_to(lesson):
            flash(
                _(
                    "“%(title)s” links to the lesson taken out; that link now leads nowhere. Edit "
                    "it, or put the lesson back.",
                    title=lesson_title(revision),
                ),
                "error",
            )
    return redirect(url_for("author.course", course_slug=course_slug))


@bp.route("/<course_slug>/<lesson_slug>/put-back", methods=["POST"])
@staff_only
def put_back(course_slug, lesson_slug):
    """Put a lesson taken out back at the end of the outline."""
    lesson = editable_lesson(course_slug, lesson_slug)
    if ActionForm().validate_on_submit() and lesson.archived_at is not None:
        authoring.put_back(lesson, author=current_user)
        db.session.commit()
        flash(_("The lesson is back in the course, at the end of the outline."), "success")
    return redirect(url_for("author.course", course_slug=course_slug))
