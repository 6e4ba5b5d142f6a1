"""Bring the database in line with the lesson files, in one transaction, or not at all.

A sync never deletes: lessons gone from the files are archived, and what was changed in the
browser since the last sync — a lesson, a course's settings or outline, an image — is kept (and
reported) rather than overwritten by an older file. A course written in the browser and not yet
exported is left alone.
"""

import hashlib
import io

import sqlalchemy as sa

from courseware.content.files import CourseSource, fingerprint, LessonSource, load_courses, Problem
from courseware.content.folders import content_dir, item_exists
from courseware.content.steps import ContentStep, SyncReport
from courseware.courses import authoring as course_authoring
from courseware.courses import outline
from courseware.courses.images import EXTENSION_TYPES
from courseware.courses.models import Course, CourseMedia
from courseware.db import db
from courseware.lessons.export import export_step
from courseware.lessons.models import Lesson, RevisionStatus
from courseware.lessons.outline import follow_outline
from courseware.lessons.revisions import add_revision, course_changed
from courseware.timeutil import utcnow


def _sync_settings(
    course: Course, source: CourseSource, report: SyncReport, take_files: bool, new: bool
) -> None:
    settings = source.settings()
    digest = fingerprint(settings)
    if course.file_hash == digest:
        return  # course.yaml has not changed since the last sync; the database may hold newer edits
    # Archived by a sync when its folder went away: its coming back restores it.
    restore = not new and course.archived_at is not None and course.file_hash is None
    if not new and fingerprint(course_authoring.settings_of(course)) == digest:
        course.file_hash = digest  # the files now hold what the database has (an export)
        if restore:
            course.archived_at = None
            report.changes.append(f"{source.slug}: course restored")
        return
    edited_in_browser = not new and not restore and course_authoring.edited_since_sync(course)
    if edited_in_browser and not take_files:
        report.conflicts.append(
            f"{source.slug}/course.yaml: changed in the files and in the browser since the last "
            "sync; kept the browser's settings and outline. Export the course to keep them, or "
            "sync with --take-files."
        )
        return
    course_authoring.apply_settings(course, settings)
    course.file_hash = digest
    if restore:
        course.archived_at = None
    if course.published_at is None:
        course.published_at = utcnow()  # a course in the files is in the catalogue
    course_authoring.add_revision(course, "sync", source="file", note="content sync")
    report.changes.append(f"{source.slug}: course settings updated")


def _sync_lesson(
    course: Course,
    lesson: Lesson | None,
    source: LessonSource,
    report: SyncReport,
    take_files: bool,
) -> None:
    where = f"{course.slug}/{source.number:02d}-{source.slug}.md"
    if lesson is None:
        lesson = Lesson(course=course, slug=source.slug, number=source.number)
        db.session.add(lesson)
        db.session.flush()
        add_revision(
            lesson, source, status=RevisionStatus.PUBLISHED, origin="file", note="content sync"
        )
        lesson.file_hash = source.content_hash
        report.changes.append(f"{where}: added")
        return
    if lesson.archived_at is not None and ("lesson", lesson.slug) not in map(tuple, course.items):
        # The course's outline is the browser's, which took this lesson out: it stays out.
        report.conflicts.append(
            f"{where}: taken out of the course in the browser; kept out. Export the course to "
            "remove its file, or sync with --take-files."
        )
        return
    if lesson.number != source.number or lesson.archived_at is not None:
        lesson.number, lesson.archived_at = source.number, None
        course_changed(course)
        report.changes.append(f"{where}: moved or restored")
    digest = source.content_hash
    published = lesson.published
    if published is not None and published.content_hash == digest:
        if lesson.file_hash != digest:
            lesson.file_hash = digest  # the files now hold what was published (an export)
        return
    if lesson.file_hash == digest:
        return  # the file has not changed since the last sync; the database holds a newer edit
    edited_in_browser = (
        published is not None
        and published.source != "file"
        and published.content_hash != lesson.file_hash
    )
    if edited_in_browser and not take_files:
        report.conflicts.append(
            f"{where}: changed in the files and in the browser since the last sync; kept the browser's "
            f"revision {published.number}. Export the course to keep it, or sync with --take-files."
        )
        return
    add_revision(
        lesson, source, status=RevisionStatus.PUBLISHED, origin="file", note="content sync"
    )
    lesson.file_hash = digest
    report.changes.append(f"{where}: new revision")


def _archive_gone_lessons(course: Course, lessons: dict, source: CourseSource, report) -> None:
    in_files = {lesson.slug for lesson in source.lessons}
    for lesson in lessons.values():
        if lesson.slug in in_files or lesson.archived_at is not None:
            continue
        published = lesson.published
        if published is None or published.content_hash != lesson.file_hash:
            report.conflicts.append(
                f"{course.slug}/{lesson.slug}: exists only in the database (written in the browser); "
                "export the course to keep it in the files"
            )
            continue
        lesson.archived_at = utcnow()
        course_changed(course)
        if ("lesson", lesson.slug) in {tuple(i) for i in course.items}:
            course.items = outline.remove(course.items, "lesson", lesson.slug)
        report.changes.append(f"{course.slug}/{lesson.slug}: archived (no longer in the files)")


def _keep_outline_whole(course: Course, report: SyncReport) -> bool:
    """Every lesson not archived is in the outline: one the files added while the outline kept
    the browser's order goes at its end. True when the outline changed."""
    listed = {slug for kind, slug in course.items if kind == "lesson"}
    missing = [
        lesson.slug
        for lesson in course.lessons
        if lesson.archived_at is None and lesson.slug not in listed
    ]
    for slug in missing:
        course.items = outline.append(course.items, "lesson", slug)
        report.changes.append(f"{course.slug}/{slug}: added at the end of the outline")
    return bool(missing)


def _image_size(data: bytes) -> tuple[int | None, int | None]:
    from PIL import Image, UnidentifiedImageError  # only a sync reads images

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None, None


def _sync_media(course: Course, source: CourseSource, report: SyncReport, take_files: bool):
    """Copy the course folder's images into the database, where every app server finds them."""
    folder = content_dir("lessons") / course.slug / "media"
    existing = {
        m.name: m
        for m in db.session.scalars(
            sa.select(CourseMedia).where(CourseMedia.course_id == course.id)
        )
    }
    for name in sorted(source.media):
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in EXTENSION_TYPES:
            continue  # never served (an SVG can carry script), so not kept either
        data = (folder / name).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        media = existing.get(name)
        where = f"{course.slug}/media/{name}"
        if media is not None and media.sha256 == digest:
            media.source = "file"
            continue
        if media is not None and media.source == "browser" and not take_files:
            report.conflicts.append(
                f"{where}: changed in the files and uploaded in the browser; kept the browser's"
            )
            continue
        if media is None:
            media = CourseMedia(course_id=course.id, name=name)
            db.session.add(media)
            report.changes.append(f"{where}: added")
        else:
            report.changes.append(f"{where}: updated")
        width, height = _image_size(data)
        media.content_type, media.data, media.size = EXTENSION_TYPES[suffix], data, len(data)
        media.sha256, media.width, media.height, media.source = digest, width, height, "file"
        course_changed(course)


def sync_courses(sources: list[CourseSource], take_files: bool = False) -> SyncReport:
    """Apply checked course sources to the database (the caller commits)."""
    report = SyncReport()
    courses = {c.slug: c for c in db.session.scalars(sa.select(Course))}
    for source in sources:
        course = courses.get(source.slug)
        new = course is None
        if new:
            course = Course(slug=source.slug, settings_hash="")
            db.session.add(course)
        _sync_settings(course, source, report, take_files, new)
        db.session.flush()
        _sync_media(course, source, report, take_files)
        lessons = {lesson.slug: lesson for lesson in course.lessons}
        for lesson_source in source.lessons:
            _sync_lesson(course, lessons.get(lesson_source.slug), lesson_source, report, take_files)
        _archive_gone_lessons(course, lessons, source, report)
        db.session.flush()
        db.session.expire(course, ["lessons"])
        if _keep_outline_whole(course, report):
            course_authoring.add_revision(course, "sync", source="file", note="content sync")
        follow_outline(course)
    in_files = {s.slug for s in sources}
    for slug, course in courses.items():
        if slug in in_files or course.archived_at is not None:
            continue
        if course.file_hash is None:
            report.conflicts.append(
                f"{slug}: exists only in the database (created in the browser); export the course "
                "to keep it in the files"
            )
            continue
        course.archived_at = utcnow()
        course.file_hash = None
        report.changes.append(f"{slug}: course archived (no longer in the files)")
    return report


def check_lessons(found: dict) -> tuple[list[CourseSource], list[Problem]]:
    """Read the lessons folder: every course with its lessons."""
    return load_courses(content_dir("lessons"), item_exists)


def count_lessons(courses: list[CourseSource]) -> list[str]:
    lessons = sum(len(c.lessons) for c in courses)
    return [f"{len(courses)} courses", f"{lessons} lessons"]


def sync_lessons(courses: list[CourseSource], report: SyncReport, take_files: bool) -> None:
    done = sync_courses(courses, take_files=take_files)
    report.changes += done.changes
    report.conflicts += done.conflicts


CONTENT_STEP = ContentStep("lessons", check_lessons, count_lessons, sync_lessons, export_step)
