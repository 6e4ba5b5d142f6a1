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
from courseware.quizzes.bank_files import export_banks
from courseware.quizzes.export import export_step as export_quiz_files
from courseware.quizzes.files import CourseQuizzes, load_all_quizzes, QuizSource
from courseware.quizzes.models import QuestionCategory, QuestionRecord, Quiz, QuizVersion
from courseware.quizzes.question_revisions import add_question_revision
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


def apply_question(record: QuestionRecord, question: Question, changes: list[str]) -> None:
    """Give a record the question's content; a changed answer key regrades the answers already
    handed in (the editor's save does the same)."""
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
    record.updated_at = utcnow()


def _edited_in_browser(record: QuestionRecord) -> bool:
    """Changed in the browser (or imported) since the files last gave it."""
    return record.content_hash != record.file_hash


def _sync_file_question(
    record: QuestionRecord, question: Question, report: SyncReport, take_files: bool
) -> None:
    """One question of the files over its record, keeping what the browser changed since."""
    digest = question.content_hash
    where = f"question {question.name}"
    if record.content_hash == digest:
        if record.archived_at is not None and record.file_hash == digest and not take_files:
            report.conflicts.append(
                f"{where}: archived in the browser; kept archived. Export the course to take it "
                "out of the files, or sync with --take-files."
            )
        elif record.archived_at is not None:
            record.archived_at = None
            record.updated_at = utcnow()
            report.changes.append(f"{where}: restored")
        record.file_hash = digest  # the files hold what the database has (an export)
        return
    if record.file_hash == digest and not take_files:
        report.conflicts.append(
            f"{where}: edited in the browser since the last sync; kept the browser's version. "
            "Export the course to write it to the files."
        )
        return
    if _edited_in_browser(record) and not take_files:
        report.conflicts.append(
            f"{where}: changed in the files and in the browser since the last sync; kept the "
            "browser's version. Export the course to keep it, or sync with --take-files."
        )
        return
    report.changes.append(f"{where}: updated")
    apply_question(record, question, report.changes)
    record.file_hash = digest
    add_question_revision(record, "file", "content sync")


def _records(course_id: int) -> dict[str, QuestionRecord]:
    return {
        r.name: r
        for r in db.session.scalars(
            sa.select(QuestionRecord).where(QuestionRecord.course_id == course_id)
        )
    }


def sync_course_questions(
    course_id: int, found: list[Question], report: SyncReport, take_files: bool = False
) -> None:
    """Bring a course's questions in line with its files: add, update, archive those gone; a
    question edited, written or archived in the browser since the last sync is kept, and
    reported, unless take_files says the files win."""
    records = _records(course_id)
    for position, question in enumerate(found):
        record = records.pop(question.name, None)
        if record is None:
            record = QuestionRecord(course_id=course_id, name=question.name)
            db.session.add(record)
            apply_question(record, question, report.changes)
            record.file_hash = question.content_hash
            report.changes.append(f"question {question.name}: added")
            add_question_revision(record, "file", "content sync")
        else:
            _sync_file_question(record, question, report, take_files)
        record.position = position
    for name, record in records.items():
        if record.archived_at is not None:
            continue
        if _edited_in_browser(record) and not take_files:
            report.conflicts.append(
                f"question {name}: exists only in the database (written, imported or edited in "
                "the browser); export the course to keep it in the files"
            )
            continue
        record.archived_at = utcnow()
        # Gone from the files: should it come back, the files' version is taken again.
        record.file_hash = None
        report.changes.append(f"question {name}: archived")


def upsert_questions(
    course_id: int, found: list[Question], archive_missing: bool, changes: list[str]
) -> dict[str, QuestionRecord]:
    """Add or update the given questions of a course (an import); optionally archive the ones
    not given. Each change is kept as a revision; an imported question is not in the files."""
    records = _records(course_id)
    names = set()
    for question in found:
        names.add(question.name)
        record = records.get(question.name)
        if record is None:
            record = QuestionRecord(
                course_id=course_id, name=question.name, position=next_position(course_id)
            )
            db.session.add(record)
            records[question.name] = record
            changes.append(f"question {question.name}: added")
        elif record.content_hash == question.content_hash and record.archived_at is None:
            continue
        else:
            changes.append(f"question {question.name}: updated")
        apply_question(record, question, changes)
        add_question_revision(record, "import", "import")
    if archive_missing:
        for name, record in records.items():
            if name not in names and record.archived_at is None:
                record.archived_at = utcnow()
                changes.append(f"question {name}: archived")
    return records


def next_position(course_id: int) -> int:
    """After every question of the course, in the order an export writes them."""
    db.session.flush()
    highest = db.session.scalar(
        sa.select(sa.func.max(QuestionRecord.position)).where(QuestionRecord.course_id == course_id)
    )
    return (highest or 0) + 1


def sync_category_names(
    course_id: int, names: dict[str, dict], report: SyncReport, take_files: bool = False
) -> None:
    """The names the bank files give their categories. A name edited in the browser since the
    last sync is kept, and reported, unless take_files says the files win."""
    stored = {
        c.path: c
        for c in db.session.scalars(
            sa.select(QuestionCategory).where(QuestionCategory.course_id == course_id)
        )
    }
    for path, name in names.items():
        category = stored.get(path)
        if category is None:
            db.session.add(
                QuestionCategory(course_id=course_id, path=path, name=name, file_name=name)
            )
            report.changes.append(f"category {path}: named")
        elif category.name == name:
            category.file_name = name
        elif take_files:
            category.name = category.file_name = name
            report.changes.append(f"category {path}: renamed")
        elif category.file_name == name:
            continue  # renamed in the browser only: the files have not changed since
        elif category.name != category.file_name:
            report.conflicts.append(
                f"category {path}: renamed in the browser and named otherwise in the files; kept "
                "the browser's name. Export the course to keep it, or sync with --take-files."
            )
        else:
            category.name = category.file_name = name
            report.changes.append(f"category {path}: renamed")


def _quiz_edited_in_browser(quiz: Quiz) -> QuizVersion | None:
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
    if restore and quiz.file_hash is not None and not take_files:
        # Taken out of the course in the browser (a sync's own archiving forgets the file): it
        # stays out until an export removes its file.
        report.conflicts.append(
            f"{where}: taken out of the course in the browser; kept out. Export the course to "
            "remove its file, or sync with --take-files."
        )
        return quiz
    if not restore and quiz.content_hash == source.content_hash:
        quiz.file_hash = source.content_hash  # the files hold what learners take (an export)
        return quiz
    if not restore and quiz.file_hash == source.content_hash:
        return quiz  # the file has not changed since the last sync; the database holds newer
    edited = _quiz_edited_in_browser(quiz)
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
    if quiz.file_hash is None or _quiz_edited_in_browser(quiz) is not None:
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
        sync_course_questions(course_id, course.questions, report, take_files)
        sync_category_names(course_id, course.category_names, report, take_files)
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


def export_files(course_slug: str, root) -> list:
    """`content export`: the quizzes are written from the database (export.py), and the banks,
    where questions are edited in the browser, too (bank_files): a file the database still
    matches is kept byte for byte."""
    quizzes = export_quiz_files(course_slug, root)
    banks = export_banks(course_slug, root, quizzes.held)
    folder = (root / "quizzes" if root else content_dir("quizzes")) / course_slug / "banks"
    kept = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    return quizzes.written + [p for p in kept if p not in banks] + banks


CONTENT_STEP = ContentStep("quizzes", check_quizzes, count_quizzes, sync_step, export_files)
