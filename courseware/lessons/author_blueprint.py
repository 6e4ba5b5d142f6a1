"""The authoring blueprint (/author/…) and the lookups its views share: a course its editors may
change, a lesson of it, a revision of that lesson. Lessons' pages are in author_views, the
course's own pages (settings, outline, media) in course_views."""

import sqlalchemy as sa
from flask import abort, Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.courses.catalogue import find_course
from courseware.courses.images import ImageRefused
from courseware.courses.models import Course
from courseware.db import built_once, db
from courseware.lessons.models import Lesson, LessonRevision

bp = Blueprint("author", __name__, url_prefix="/author")

# Instructors write the courses they edit; the province's administrators, all of them.
staff_only = roles(*permissions.STAFF)


def editable_course(course_slug: str, archived: bool = False) -> Course:
    """The course, if the user edits it; 404 otherwise, as if there were no such course.

    An archived course is found only when asked for (to restore it)."""
    course = find_course(course_slug)
    if course is None or (course.archived_at is not None) != archived:
        abort(404)
    if not permissions.edits_course(current_user, course):
        abort(404)
    return course


def editable_lesson(course_slug: str, lesson_slug: str) -> Lesson:
    course = editable_course(course_slug)
    lesson = db.session.scalar(_lesson_by_slug(), {"course_id": course.id, "slug": lesson_slug})
    if lesson is None:
        abort(404)
    # The course just read, so that lesson.course asks nothing more of the database.
    sa.orm.attributes.set_committed_value(lesson, "course", course)
    return lesson


@built_once
def _lesson_by_slug():
    return sa.select(Lesson).where(
        Lesson.course_id == sa.bindparam("course_id"), Lesson.slug == sa.bindparam("slug")
    )


def revision_of(lesson: Lesson, revision_id: int) -> LessonRevision:
    revision = db.session.get(LessonRevision, revision_id)
    if revision is None or revision.lesson_id != lesson.id:
        abort(404)
    return revision


def refusal_message(error: ImageRefused) -> str:
    """Why an image was not taken, naming the file, in the reader's language."""
    name = error.filename or _("(no name)")
    if error.reason == "too_large":
        size = f"{error.params.get('size', 0) / (1024 * 1024):.1f}"
        return _(
            "“%(name)s” is %(size)s MB; an image may be at most 5 MB. Make it smaller and upload "
            "it again.",
            name=name,
            size=size,
        )
    messages = {
        "empty": _("“%(name)s” is empty: choose an image file.", name=name),
        "svg": _(
            "“%(name)s” is an SVG drawing, which can carry scripts: save it as PNG and upload that.",
            name=name,
        ),
        "not_image": _(
            "“%(name)s” is not a PNG, JPEG, GIF or WebP image, whatever its name says.", name=name
        ),
        "damaged": _(
            "“%(name)s” could not be read as an image: it is damaged or cut short.", name=name
        ),
        "too_many_pixels": _(
            "“%(name)s” has too many pixels (at most 40 million): make it smaller.", name=name
        ),
    }
    return messages.get(error.reason, messages["not_image"])
