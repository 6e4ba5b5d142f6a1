"""Bring the database in line with the lesson files, in one transaction, or not at all.

A sync never deletes: lessons gone from the files are archived, and a lesson edited in the browser
since the last sync is kept (and reported) rather than overwritten by an older file.
"""

import sqlalchemy as sa

from courseware.content.files import CourseSource, fingerprint, LessonSource, load_courses, Problem
from courseware.content.folders import content_dir, item_exists
from courseware.content.steps import ContentStep, SyncReport
from courseware.courses.models import Course
from courseware.db import db
from courseware.lessons.models import Lesson
from courseware.lessons.revisions import add_revision, course_changed
from courseware.timeutil import utcnow


def _sync_settings(course: Course, source: CourseSource, report: SyncReport) -> None:
    settings = source.settings()
    digest = fingerprint(settings)
    if course.settings_hash == digest and course.archived_at is None:
        return
    for key, value in settings.items():
        setattr(course, key, value)
    course.settings_hash = digest
    course.archived_at = None
    course.updated_at = utcnow()
    report.changes.append(f"{source.slug}: course settings updated")


def _sync_lesson(
    course: Course,
    lesson: Lesson | None,
    source: LessonSource,
    position: int,
    report: SyncReport,
    take_files: bool,
) -> None:
    where = f"{course.slug}/{source.number:02d}-{source.slug}.md"
    if lesson is None:
        lesson = Lesson(course=course, slug=source.slug, position=position, number=source.number)
        db.session.add(lesson)
        db.session.flush()
        add_revision(lesson, source, status="published", origin="file", note="content sync")
        lesson.file_hash = source.content_hash
        report.changes.append(f"{where}: added")
        return
    if (
        lesson.position != position
        or lesson.number != source.number
        or lesson.archived_at is not None
    ):
        lesson.position, lesson.number, lesson.archived_at = position, source.number, None
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
    add_revision(lesson, source, status="published", origin="file", note="content sync")
    lesson.file_hash = digest
    report.changes.append(f"{where}: new revision")


def sync_courses(sources: list[CourseSource], take_files: bool = False) -> SyncReport:
    """Apply checked course sources to the database (the caller commits)."""
    report = SyncReport()
    courses = {c.slug: c for c in db.session.scalars(sa.select(Course))}
    for source in sources:
        course = courses.get(source.slug)
        if course is None:
            course = Course(slug=source.slug, settings_hash="")
            db.session.add(course)
        _sync_settings(course, source, report)
        db.session.flush()
        lessons = {lesson.slug: lesson for lesson in course.lessons}
        for position, lesson_source in enumerate(source.lessons):
            _sync_lesson(
                course, lessons.get(lesson_source.slug), lesson_source, position, report, take_files
            )
        in_files = {lesson.slug for lesson in source.lessons}
        for lesson in lessons.values():
            if lesson.slug in in_files or lesson.archived_at is not None:
                continue
            published = lesson.published
            if published is not None and published.content_hash != lesson.file_hash:
                report.conflicts.append(
                    f"{course.slug}/{lesson.slug}: exists only in the database (written in the browser); "
                    "export the course to keep it in the files"
                )
                continue
            lesson.archived_at = utcnow()
            course_changed(course)
            report.changes.append(f"{course.slug}/{lesson.slug}: archived (no longer in the files)")
    in_files = {s.slug for s in sources}
    for slug, course in courses.items():
        if slug not in in_files and course.archived_at is None:
            course.archived_at = utcnow()
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


CONTENT_STEP = ContentStep("lessons", check_lessons, count_lessons, sync_lessons)
