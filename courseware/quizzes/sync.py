"""Bring the database's quizzes and questions in line with the files, inside the caller's transaction.

Questions and quizzes that left the files are archived, never deleted: attempts point at them.
"""

from __future__ import annotations

import sqlalchemy as sa

from courseware.content.files import check_folder_renderings, fingerprint, Problem
from courseware.content.folders import (
    content_dir,
    content_zone,
    course_folders,
)
from courseware.content.steps import ContentStep, SyncReport
from courseware.courses.catalogue import course_ids
from courseware.db import db
from courseware.quizzes import versions
from courseware.quizzes.attempts import regrade_question
from courseware.quizzes.export import export_step
from courseware.quizzes.files import CourseQuizzes, load_all_quizzes, QuizSource
from courseware.quizzes.models import QuestionRecord, Quiz, QuizVersion
from courseware.quizzes.questions import Question
from courseware.timeutil import utcnow


def key_hash(question: Question) -> str:
    """A fingerprint of what grading depends on: a change means attempts must be regraded."""
    data = question.to_dict()
    for name in (
        "text",
        "format",
        "category",
        "explanation",
        "guide",
        "feedback_true",
        "feedback_false",
        "name",
    ):
        data.pop(name, None)
    for option in data["options"]:
        option.pop("feedback", None)
    for number in data["numbers"]:
        number.pop("feedback", None)
    return fingerprint(data)


def upsert_questions(
    course_id: int, found: list[Question], archive_missing: bool, changes: list[str]
) -> dict[str, QuestionRecord]:
    """Add or update the given questions of a course; optionally archive the ones not given."""
    now = utcnow()
    records = {
        r.name: r
        for r in db.session.scalars(
            sa.select(QuestionRecord).where(QuestionRecord.course_id == course_id)
        )
    }
    names = set()
    for question in found:
        names.add(question.name)
        record = records.get(question.name)
        if record is None:
            record = QuestionRecord(course_id=course_id, name=question.name)
            db.session.add(record)
            records[question.name] = record
            changes.append(f"question {question.name}: added")
        elif record.content_hash == question.content_hash and record.archived_at is None:
            continue
        else:
            changes.append(f"question {question.name}: updated")
        new_key = key_hash(question)
        key_changed = record.id is not None and record.key_hash != new_key
        record.category = question.category
        record.type = question.type
        record.data = question.to_dict()
        record.content_hash = question.content_hash
        record.key_hash = new_key
        if key_changed:
            regraded = regrade_question(record)
            if regraded:
                changes.append(
                    f"question {question.name}: answer key changed, {regraded} answers regraded"
                )
        record.archived_at = None
        record.updated_at = now
    if archive_missing:
        for name, record in records.items():
            if name not in names and record.archived_at is None:
                record.archived_at = now
                changes.append(f"question {name}: archived")
    return records


def _edited_in_browser(quiz: Quiz) -> QuizVersion | None:
    """The quiz's newest version when it was made in the browser since the last sync."""
    latest = versions.latest_version(quiz)
    if latest is not None and latest.source == "browser" and latest.content_hash != quiz.file_hash:
        return latest
    return None


def _sync_quiz(
    course_id: int, quiz: Quiz | None, source: QuizSource, report: SyncReport, take_files: bool
) -> Quiz:
    """Add a version from the file when it changed; a browser edit made since the last sync is
    kept (and reported) unless the files are to be taken."""
    where = f"quiz {source.slug}"
    if quiz is None:
        quiz = Quiz(course_id=course_id, slug=source.slug, **_columns(source))
        db.session.add(quiz)
        db.session.flush()
        versions.add_version(
            quiz, source, status=versions.PUBLISHED, origin="file", note="content sync"
        )
        quiz.file_hash = source.content_hash
        report.changes.append(f"{where}: added")
        return quiz
    restore = quiz.archived_at is not None
    if not restore and quiz.content_hash == source.content_hash:
        quiz.file_hash = source.content_hash  # the files hold what learners take (an export)
        return quiz
    if not restore and quiz.file_hash == source.content_hash:
        return quiz  # the file has not changed since the last sync; the database holds newer
    edited = _edited_in_browser(quiz)
    if edited is not None and not take_files:
        report.conflicts.append(
            f"{where}: changed in the files and in the browser since the last sync; kept the "
            f"browser's version {edited.number}. Export the course to keep it, or sync with "
            "--take-files."
        )
        return quiz
    # A new version, never a change to one: attempts keep the version they took.
    versions.add_version(
        quiz, source, status=versions.PUBLISHED, origin="file", note="content sync"
    )
    quiz.file_hash = source.content_hash
    quiz.archived_at = None
    if quiz.published_at is None:
        quiz.published_at = utcnow()  # a quiz in the files is taken by learners
    report.changes.append(f"{where}: {'restored' if restore else 'updated'}")
    return quiz


def _columns(source: QuizSource) -> dict:
    return dict(
        title=source.title,
        description=source.description,
        lesson_slug=source.lesson,
        settings=source.settings,
        slots=source.slots,
        content_hash=source.content_hash,
    )


def _archive(quiz: Quiz, report: SyncReport) -> None:
    """Archive a quiz gone from the files; one built in the browser and never exported stays."""
    if quiz.archived_at is not None:
        return
    if quiz.file_hash is None or _edited_in_browser(quiz) is not None:
        report.conflicts.append(
            f"quiz {quiz.slug}: exists only in the database (built or changed in the browser); "
            "export the course to keep it in the files"
        )
        return
    quiz.archived_at = utcnow()
    quiz.file_hash = None
    report.changes.append(f"quiz {quiz.slug}: archived")


def sync_quizzes(
    found: list[CourseQuizzes],
    course_ids: dict[str, int],
    report: SyncReport | None = None,
    take_files: bool = False,
) -> list[str]:
    """Update every course's quizzes and questions from the files; return what changed."""
    report = report if report is not None else SyncReport()
    for course in found:
        course_id = course_ids[course.course]
        upsert_questions(course_id, course.questions, archive_missing=True, changes=report.changes)
        quizzes = {
            q.slug: q
            for q in db.session.scalars(sa.select(Quiz).where(Quiz.course_id == course_id))
        }
        for source in course.quizzes:
            _sync_quiz(course_id, quizzes.pop(source.slug, None), source, report, take_files)
        for quiz in quizzes.values():
            _archive(quiz, report)
    synced = {c.course for c in found}
    for slug, course_id in course_ids.items():
        if slug not in synced:
            for quiz in db.session.scalars(
                sa.select(Quiz).where(Quiz.course_id == course_id, Quiz.archived_at.is_(None))
            ):
                _archive(quiz, report)
    return report.changes


def check_quizzes(found: dict) -> tuple[list[CourseQuizzes], list[Problem]]:
    """Read the quizzes folder, each course's quizzes checked against the lessons found."""
    courses = found["lessons"]
    lessons = {c.slug: {lesson.slug for lesson in c.lessons} for c in courses}
    root = content_dir("quizzes")
    quizzes, problems = load_all_quizzes(root, content_zone(), lessons)
    problems += check_folder_renderings(root, courses)
    known = {c.slug for c in courses} | course_folders()
    for course in quizzes:
        if course.course not in known:
            problems.append(
                Problem(
                    str(root.name + "/" + course.course),
                    1,
                    f"no course {course.course} in the lessons folder",
                )
            )
    return quizzes, problems


def count_quizzes(found: list[CourseQuizzes]) -> list[str]:
    quizzes = sum(len(c.quizzes) for c in found)
    questions = sum(len(c.questions) for c in found)
    return [f"{quizzes} quizzes", f"{questions} questions"]


def sync_step(found: list[CourseQuizzes], report: SyncReport, take_files: bool) -> None:
    sync_quizzes(found, course_ids(), report, take_files)


CONTENT_STEP = ContentStep("quizzes", check_quizzes, count_quizzes, sync_step, export_step)
