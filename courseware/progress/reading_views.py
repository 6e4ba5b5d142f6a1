"""Reading: the course catalogue, a course's lessons, a lesson page, and course media.

These pages show the lessons with the reader's progress on them, so they live with progress; the
blueprint keeps the name "lessons", and its URLs under /courses.
"""

from flask import (
    abort,
    Blueprint,
    current_app,
    make_response,
    render_template,
    request,
    send_from_directory,
)
from flask_login import current_user

from courseware import permissions
from courseware.access import signed_in
from courseware.content.folders import content_dir
from courseware.content.markdown import MEDIA_PATH
from courseware.courses.authoring import find_media
from courseware.courses.catalogue import active_courses, find_course, get_course
from courseware.courses.images import EXTENSION_TYPES
from courseware.exercises.runs import best_runs
from courseware.lessons import reading
from courseware.progress import course_info, course_page, tracking
from courseware.progress.classes import assigned_to
from courseware.progress.completion import completion_shown
from courseware.progress.tracking import find_lesson
from courseware.quizzes.attempts import quiz_statuses
from courseware.timeutil import local_today

bp = Blueprint("lessons", __name__, url_prefix="/courses")

# Images a lesson may show; anything else (SVG can carry script) is not served.
MEDIA_TYPES = EXTENSION_TYPES


@bp.route("/")
@signed_in
def catalogue():
    """List the courses with their credit hours and the reader's progress."""
    courses = active_courses()
    rows = []
    for course in courses:
        lessons = reading.lesson_rows(course)
        done = tracking.statuses(current_user.id, course.id, [lesson.id for lesson in lessons])
        completed = sum(1 for row in done.values() if row.status == tracking.COMPLETED)
        rows.append((course, len(lessons), completed))
    # Courses a learner's classes assign come first, soonest due first.
    assigned = {a.course.id: a for a in assigned_to(current_user.id)}
    rows.sort(
        key=lambda row: (
            (0, assigned[row[0].id].due_on.toordinal()) if row[0].id in assigned else (1, 0)
        )
    )
    return render_template(
        "lessons/catalogue.html",
        rows=rows,
        assigned=assigned,
        today=local_today(),
    )


@bp.route("/<course_slug>")
@signed_in
def course(course_slug):
    """Show a course's lessons with each one's status, and where to go on."""
    course = get_course(course_slug)
    lessons = reading.lesson_rows(course)
    rows = tracking.statuses(current_user.id, course.id, [lesson.id for lesson in lessons])
    entries = course_page.item_entries(
        course_items(course, lessons),
        rows,
        quiz_statuses(course, current_user.id),
        best_runs(course, current_user.id),
    )
    return render_template(
        "lessons/course.html",
        parts=course_page.Parts(),
        course=course,
        lessons=lessons,
        entries=entries,
        completion=completion_shown(course.id, current_user.id),
        resume=tracking.resume_lesson(lessons, rows) if rows else None,
        has_guide="guide" in course.content.pages
        and course_info.teaches_course(current_user, course),
    )


@bp.route("/<course_slug>/about")
@signed_in
def about(course_slug):
    """The course's introduction: what it is and how it runs, and its completion rule item by item
    with where the reader stands."""
    course = get_course(course_slug)
    return render_template(
        "lessons/about.html",
        course=course,
        page=reading.course_page_view(course, "intro"),
        rule=course_info.explain_rule(course, current_user.id),
        completion=completion_shown(course.id, current_user.id),
    )


@bp.route("/<course_slug>/glossary")
@signed_in
def glossary(course_slug):
    """The course's glossary (术语表): each term in Chinese and English, with a note."""
    course = get_course(course_slug)
    if not course.content.glossary:
        abort(404)
    return render_template(
        "lessons/glossary.html", course=course, body=course_page.glossary_body(course)
    )


def course_items(course, lessons) -> list[tuple[str, object]]:
    """The course's items in the order course.yaml gives: lessons as rows, quizzes by slug."""
    by_slug = {lesson.slug: lesson for lesson in lessons}
    items = []
    for kind, slug in course.items:
        if kind == "lesson" and slug in by_slug:
            items.append(("lesson", by_slug[slug]))
        elif kind in ("quiz", "exercise"):
            items.append((kind, slug))
    return items


@bp.route("/<course_slug>/<lesson_slug>")
@signed_in
def lesson(course_slug, lesson_slug):
    """Show the published revision of a lesson and open a visit for the reading heartbeat.

    The hot path reads one small row and writes nothing: the visit is opened by the page's
    first heartbeat, and the text and its neighbours come from the per-process page cache.
    """
    key = find_lesson(course_slug, lesson_slug, current_user.id)
    return render_template(
        "lessons/lesson.html",
        page=reading.lesson_page(key),
        key=key,
        position=key.position,
        completed=key.status == tracking.COMPLETED,
        required=tracking.required_seconds(key.minutes),
        beat_seconds=current_app.config["LESSON_BEAT_SECONDS"],
    )


@bp.route("/<course_slug>/media/<filename>")
@signed_in
def media(course_slug, filename):
    """Serve an image of the course's media with its proper content type: from the database,
    where syncs and uploads put it, else from the course folder (a file added since the last
    sync). A course still being written shows its images to its editors only."""
    course = find_course(course_slug)
    if course is None or course.archived_at is not None:
        abort(404)
    if course.published_at is None and not permissions.edits_course(current_user, course):
        abort(404)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not MEDIA_PATH.match(f"media/{filename}") or suffix not in MEDIA_TYPES:
        abort(404)
    stored = find_media(course, filename)
    if stored is None:
        folder = content_dir("lessons") / course.slug / "media"
        return send_from_directory(folder, filename, mimetype=MEDIA_TYPES[suffix], max_age=3600)
    if request.if_none_match.contains(stored.sha256):
        return "", 304
    response = make_response(stored.data)
    # The type a browser is told is the one the extension allows, never the one stored.
    response.mimetype = MEDIA_TYPES[suffix]
    response.set_etag(stored.sha256)
    response.cache_control.max_age = 3600
    response.cache_control.private = True
    return response
