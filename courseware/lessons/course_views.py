"""The course editor: create a course, edit its settings and cover, order its outline (by buttons
that work by keyboard and without script, or by dragging), publish, archive and restore it, upload
images into its media, and read its history."""

from babel.lists import format_list
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from courseware import permissions
from courseware.courses import authoring as course_authoring
from courseware.courses import outline
from courseware.courses.credit_rule import set_credit_from_minutes
from courseware.courses.forms import CourseForm, ImageForm, NewCourseForm, OutlineForm
from courseware.courses.images import clean_image, ImageRefused, MAX_BYTES, media_name
from courseware.courses.models import CourseRevision
from courseware.db import db
from courseware.formfields import row_id
from courseware.forms import ActionForm
from courseware.i18n import text
from courseware.lessons import outline_parts
from courseware.lessons.author_blueprint import bp, editable_course, refusal_message, staff_only
from courseware.lessons.media_uses import item_exists, media_uses
from courseware.lessons.outline import archived_lessons, follow_outline, outline_rows
from courseware.lessons.reading import lesson_title, readable_lessons
from courseware.lessons.revisions import course_changed
from courseware.uploads import accepts_upload

# A request carrying one image may be a little larger than the image; past this it is refused
# before it is read (the app's own limit, 5 MB, would refuse a 5 MB image with its form).
UPLOAD_REQUEST_LIMIT = 2 * MAX_BYTES + 1024 * 1024


def check_upload(storage):
    """An uploaded image checked and re-encoded, with its media name; ImageRefused says why not.

    The size is read from the spooled file's end, so a file too large is refused, with its size,
    without reading it into memory."""
    filename = storage.filename or ""
    stream = storage.stream
    size = stream.seek(0, 2)
    stream.seek(0)
    if size > MAX_BYTES:
        raise ImageRefused("too_large", filename, size=size)
    image = clean_image(stream.read(), filename)
    return image, media_name(filename, image)


def take_image(course, storage):
    """Check and store one uploaded image; ImageRefused says why not."""
    image, name = check_upload(storage)
    return course_authoring.add_image(course, image, name, author=current_user)


def _has_file(storage) -> bool:
    return bool(storage and getattr(storage, "filename", ""))


# --- creating and editing a course ---------------------------------------------------------


@bp.route("/courses/new", methods=["GET", "POST"])
@staff_only
@accepts_upload(UPLOAD_REQUEST_LIMIT)
def new_course():
    """Create a course: its creator becomes its editor; learners see it once it is published."""
    if not permissions.may_create_course(current_user):
        abort(403)
    form = NewCourseForm()
    if form.validate_on_submit():
        cover = None
        try:
            cover = check_upload(form.cover.data) if _has_file(form.cover.data) else None
        except ImageRefused as error:
            form.cover.errors = [refusal_message(error)]
        else:
            course = course_authoring.create_course(
                form.slug.data,
                form.fields(None),
                author=current_user,
                note=form.note.data or "",
                cover=cover,
            )
            db.session.commit()
            flash(_("The course is created. Add its lessons, then publish it."), "success")
            return redirect(url_for("author.course", course_slug=course.slug))
    return render_template("author/course_form.html", form=form, course=None), (
        400 if form.errors else 200
    )


@bp.route("/<course_slug>/")
@staff_only
def course(course_slug):
    """A course as its editors see it: the outline with buttons to order it, its lessons'
    states, what learners count, and the course's own actions."""
    course = editable_course(course_slug)
    base_id = course_authoring.latest_revision_id(course)
    return render_template(
        "author/course.html",
        course=course,
        rows=outline_rows(course),
        readable=len(readable_lessons(course)),
        taken_out=archived_lessons(course),
        items_taken_out=outline.taken_out_items(course),
        title_of=lesson_title,
        base_id=base_id or "",
        outline_items=outline_parts.outline_items,
    )


@bp.route("/<course_slug>/settings", methods=["GET", "POST"])
@staff_only
@accepts_upload(UPLOAD_REQUEST_LIMIT)
def settings(course_slug):
    """Edit a course's settings and cover. A stale save is refused and both versions kept."""
    course = editable_course(course_slug)
    form = CourseForm()
    conflict = None
    if form.validate_on_submit():
        cover = None if form.remove_cover.data else course.cover
        storage = form.cover.data
        refused = False
        if _has_file(storage):
            try:
                cover = take_image(course, storage).name
            except ImageRefused as error:
                form.cover.errors = [refusal_message(error)]
                refused = True
        if not refused:
            result = course_authoring.save_settings(
                course,
                form.fields(cover),
                author=current_user,
                base_id=row_id(form.base_revision_id.data),
                note=form.note.data or "",
            )
            db.session.commit()
            if result.conflict_with is None:
                set_credit_from_minutes(course, form.credit_from_minutes.data)
                course_changed(course)
                db.session.commit()
                flash(_("The course's settings are saved."), "success")
                return redirect(url_for("author.course", course_slug=course.slug))
            conflict = result
            flash(
                _(
                    "Someone else saved this course (revision %(theirs)d) after you opened it. Your "
                    "changes were not saved; they are kept as revision %(yours)d and shown below "
                    "next to theirs. Save again to make yours the course's.",
                    theirs=result.conflict_with.number,
                    yours=result.revision.number,
                ),
                "error",
            )
            form.base_revision_id.data = str(result.conflict_with.id)
    elif request.method == "GET":
        form.fill_from(course)
        base = course_authoring.latest_revision(course)
        form.base_revision_id.data = str(base.id) if base else ""
    return render_template(
        "author/course_form.html", form=form, course=course, conflict=conflict
    ), (400 if form.errors else 200)


# --- the outline ------------------------------------------------------------------------------


@bp.route("/<course_slug>/outline", methods=["POST"])
@staff_only
def reorder(course_slug):
    """Move one item up or down, or put every item in a new order (a drag and drop).

    Answers JSON to the page's script, and a redirect to the course page otherwise."""
    course = editable_course(course_slug)
    form = OutlineForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    message, ok = None, False
    if form.validate_on_submit():
        try:
            order = form.new_order()
            if order is None:
                kind, slug = outline.parse_item_key(form.item.data)
                items = outline.move(
                    course.items, kind, slug, -1 if form.direction.data == "up" else 1
                )
            else:
                items = outline.reorder(course.items, order)
        except (outline.OutlineError, ValueError):
            message = _("The outline has changed since this page was loaded; here it is now.")
        else:
            result = course_authoring.save_outline(
                course,
                items,
                "order",
                author=current_user,
                base_id=row_id(form.base_revision_id.data),
            )
            if result.conflict_with is None:
                follow_outline(course)
                course_changed(course)
                ok = True
            else:
                message = _(
                    "Someone else changed this course after you opened it; your order was not "
                    "saved (it is kept as revision %(n)d). Here is the outline as it is now.",
                    n=result.revision.number,
                )
            db.session.commit()
    else:
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if wants_json:
        base = course_authoring.latest_revision(course)
        body = {"ok": ok, "base": base.id if base else None, "message": message}
        return jsonify(body), (200 if ok else 409)
    if message:
        flash(message, "error")
    anchor = "item-" + form.item.data.replace(":", "-") if form.item.data else "outline"
    return redirect(url_for("author.course", course_slug=course.slug, _anchor=anchor))


# --- publishing, archiving --------------------------------------------------------------------


@bp.route("/<course_slug>/publish", methods=["POST"])
@staff_only
def publish_course(course_slug):
    """Put the course in the catalogue, or take it out while it is reworked."""
    course = editable_course(course_slug)
    if ActionForm().validate_on_submit():
        publish = request.form.get("published") == "1"
        course_authoring.set_published(course, publish, author=current_user)
        db.session.commit()
        flash(
            _("The course is in the catalogue.")
            if publish
            else _("The course is out of the catalogue until it is published again."),
            "success",
        )
    return redirect(url_for("author.course", course_slug=course.slug))


@bp.route("/<course_slug>/archive", methods=["POST"])
@staff_only
def archive_course(course_slug):
    """Archive a course: gone from every list; its records, certificates and files stay."""
    course = editable_course(course_slug)
    if ActionForm().validate_on_submit():
        course_authoring.set_archived(course, True, author=current_user)
        db.session.commit()
        flash(_("The course “%(title)s” is archived.", title=text(course.title)), "success")
    return redirect(url_for("author.index"))


@bp.route("/<course_slug>/restore", methods=["POST"])
@staff_only
def restore_course(course_slug):
    """Bring an archived course back."""
    course = editable_course(course_slug, archived=True)
    if ActionForm().validate_on_submit():
        course_authoring.set_archived(course, False, author=current_user)
        db.session.commit()
        flash(_("The course “%(title)s” is back.", title=text(course.title)), "success")
    return redirect(url_for("author.course", course_slug=course.slug))


@bp.route("/<course_slug>/history")
@staff_only
def course_history(course_slug):
    """Every revision of the course's settings and outline: who changed what, when; each earlier
    one can be made the course's again."""
    course = editable_course(course_slug)
    return render_template(
        "author/course_history.html",
        course=course,
        revisions=course_authoring.revisions_of(course),
        base=course_authoring.latest_revision(course),
        action=ActionForm(),
    )


@bp.route("/<course_slug>/history/<int:revision_id>/revert", methods=["POST"])
@staff_only
def revert_course(course_slug, revision_id):
    """Make an earlier revision's settings and outline the course's again (as a new revision)."""
    course = editable_course(course_slug)
    revision = db.session.get(CourseRevision, revision_id)
    if revision is None or revision.course_id != course.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        flash(_("The form has expired; reload the page and try again."), "error")
        return redirect(url_for("author.course_history", course_slug=course.slug))
    result = course_authoring.revert_to(
        course,
        revision,
        author=current_user,
        base_id=row_id(request.form.get("base_revision_id")),
        exists=item_exists(course),
    )
    if result.conflict_with is None:
        follow_outline(course)
        course_changed(course)
        flash(
            _(
                "Revision %(old)d is the course's again, saved as revision %(new)d.",
                old=revision.number,
                new=result.revision.number,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Someone else changed this course after you opened its history; nothing was "
                "reverted. Here is the history as it is now."
            ),
            "error",
        )
    db.session.commit()
    return redirect(url_for("author.course_history", course_slug=course.slug))


# --- media ------------------------------------------------------------------------------------


@bp.route("/<course_slug>/media", methods=["GET", "POST"])
@staff_only
@accepts_upload(UPLOAD_REQUEST_LIMIT)
def media(course_slug):
    """The course's images; upload one (the editor's script inserts it where the cursor was)."""
    course = editable_course(course_slug)
    form = ImageForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.method == "POST":
        error = None
        if not form.validate_on_submit():
            error = " ".join(str(e) for errors in form.errors.values() for e in errors) or _(
                "The form has expired; reload the page and try again."
            )
        elif not _has_file(form.image.data):
            error = _("Choose an image file to upload.")
        else:
            try:
                stored = take_image(course, form.image.data)
            except ImageRefused as refused:
                error = refusal_message(refused)
        if error is None:
            course_changed(course)
            db.session.commit()
            snippet = f"![{_clean_alt(form.alt.data)}](media/{stored.name})"
            if wants_json:
                return jsonify(
                    {
                        "name": stored.name,
                        "markdown": snippet,
                        "url": url_for(
                            "lessons.media", course_slug=course.slug, filename=stored.name
                        ),
                        "message": _("“%(name)s” is in the course's media.", name=stored.name),
                    }
                )
            flash(
                _("Uploaded. Write %(markdown)s in a lesson to show it.", markdown=snippet),
                "success",
            )
            return redirect(url_for("author.media", course_slug=course.slug))
        db.session.rollback()
        if wants_json:
            return jsonify({"error": error}), 400
        form.image.errors = [error]
    return render_template(
        "author/media.html",
        course=course,
        form=form,
        media=course_authoring.media_of(course),
        action=ActionForm(),
    ), (400 if form.image.errors else 200)


@bp.route("/<course_slug>/media/<path:name>/delete", methods=["POST"])
@staff_only
def delete_media(course_slug, name):
    """Delete an image, unless the cover, the course's pages or a lesson still shows it."""
    course = editable_course(course_slug)
    media = course_authoring.find_media(course, name)
    if media is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        flash(_("The form has expired; reload the page and try again."), "error")
        return redirect(url_for("author.media", course_slug=course.slug))
    uses = media_uses(course, name)
    if uses:
        flash(
            _(
                "“%(name)s” was not deleted: %(uses)s still shows it. Take it out of them first.",
                name=name,
                uses=format_list([_use_name(use) for use in uses], locale=get_locale()),
            ),
            "error",
        )
        return redirect(url_for("author.media", course_slug=course.slug))
    course_authoring.remove_media(course, media, author=current_user)
    course_changed(course)
    db.session.commit()
    flash(_("“%(name)s” is deleted from the course's media.", name=name), "success")
    return redirect(url_for("author.media", course_slug=course.slug))


def _use_name(use) -> str:
    if use == "cover":
        return _("the course's cover")
    if use == "pages":
        return _("the course's about or guide page")
    return _("the lesson “%(title)s”", title=text(use))


def _clean_alt(alt: str | None) -> str:
    """Text for an image's description that cannot break out of the Markdown brackets."""
    return (alt or "").replace("[", "(").replace("]", ")").replace("\n", " ").strip()
