"""A quiz's place in its course and its past, changed in the browser: taken out of the course
(archived: learners no longer see it, attempts and versions kept) and put back; two versions
compared word by word; an earlier version made the quiz's again as a new version.

Every change is audited and kept: taking out and putting back change the course's outline, which
keeps a revision; a revert adds a version, refused when someone saved since the page was opened.
The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from courseware.accounts import audit
from courseware.content.textdiff import Block, diff_text
from courseware.courses import authoring as course_authoring
from courseware.courses import outline
from courseware.db import built_once, db
from courseware.quizzes import versions
from courseware.quizzes.building import bank_of, FieldProblem, source_of
from courseware.quizzes.files import slot_problems
from courseware.quizzes.models import QuestionRecord, Quiz, QuizVersion
from courseware.timeutil import utcnow

REVERT_NOTE = "revert to version {number}"


def _target(quiz: Quiz) -> str:
    return f"quiz:{quiz.course.slug}/{quiz.slug}"


# --- out of the course and back ---------------------------------------------------------------


def take_out(quiz: Quiz, *, author) -> None:
    """Take a quiz out of its course: archived and gone from the outline; its versions, attempts
    and grades kept. An export then leaves its file out, and a sync keeps it out."""
    course = quiz.course
    quiz.archived_at = utcnow()
    quiz.updated_at = utcnow()
    if ("quiz", quiz.slug) in map(tuple, course.items):
        items = outline.remove(course.items, "quiz", quiz.slug)
        course_authoring.save_outline(
            course, items, "quiz_removed", author=author, note=quiz.slug, check_base=False
        )
    audit.record("quiz.archive", target=_target(quiz), detail={})


def put_back(quiz: Quiz, *, author) -> list[str]:
    """Put a quiz taken out back at the end of its course's outline. The questions it names that
    were archived since (a sync of an export that left its file out archives them) come back
    with it; returns their ids."""
    course = quiz.course
    quiz.archived_at = None
    quiz.updated_at = utcnow()
    latest = versions.latest_version(quiz)
    names = [s["question"] for s in (latest.slots if latest else quiz.slots) if "question" in s]
    restored = []
    for record in db.session.scalars(
        sa.select(QuestionRecord).where(
            QuestionRecord.course_id == quiz.course_id,
            QuestionRecord.name.in_(names),
            QuestionRecord.archived_at.is_not(None),
        )
    ):
        record.archived_at = None
        record.updated_at = utcnow()
        restored.append(record.name)
    items = outline.append(course.items, "quiz", quiz.slug)
    course_authoring.save_outline(
        course, items, "quiz_restored", author=author, note=quiz.slug, check_base=False
    )
    audit.record("quiz.restore", target=_target(quiz), detail={"questions": sorted(restored)})
    return sorted(restored)


@built_once
def _archived_quizzes():
    return (
        sa.select(Quiz)
        .where(Quiz.course_id == sa.bindparam("course_id"), Quiz.archived_at.is_not(None))
        .order_by(Quiz.slug)
    )


def archived_quizzes(course_id: int) -> list[Quiz]:
    """The course's quizzes taken out, which may be put back."""
    return list(db.session.scalars(_archived_quizzes(), {"course_id": course_id}))


# --- comparing two versions -------------------------------------------------------------------


@dataclass(frozen=True)
class VersionChange:
    """One part of a quiz that differs between two versions, with its words marked."""

    part: str  # title_zh | title_en | description_zh | description_en | settings | questions
    blocks: list[Block]


def version_changes(old_text: dict[str, str], new_text: dict[str, str]) -> list[VersionChange]:
    """Every part that differs, in the order of `old_text`'s parts (see readable_parts)."""
    changes = []
    for part, before in old_text.items():
        blocks = diff_text(before, new_text.get(part, ""))
        if blocks:
            changes.append(VersionChange(part, blocks))
    return changes


def readable_parts(version: QuizVersion, settings_lines: list[str], slot_lines: list[str]) -> dict:
    """A version as texts a reader compares: its titles and descriptions in each language, then
    its settings and its questions one to a line (written by the caller in the reader's
    language)."""
    return {
        "title_zh": version.title.get("zh", ""),
        "title_en": version.title.get("en", ""),
        "description_zh": (version.description or {}).get("zh", ""),
        "description_en": (version.description or {}).get("en", ""),
        "settings": "\n".join(settings_lines),
        "questions": "\n".join(slot_lines),
    }


# --- making an earlier version the quiz's again -----------------------------------------------


@dataclass
class RevertResult:
    version: QuizVersion | None = None  # the new version, a copy of the old one
    stale: QuizVersion | None = None  # the newer version someone saved since the page was read
    unchanged: bool = False  # the old version says what the newest already says
    problems: list[FieldProblem] | None = None  # questions or draws the bank can no longer give


def revert_to(quiz: Quiz, old: QuizVersion, *, author, base_id: int | None) -> RevertResult:
    """Add a copy of an old version as the quiz's newest; published at once when the quiz is
    published (as a lesson's revert is). Refused when the newest version is not the one the
    author saw (`base_id`), or when the bank no longer holds what the old version asks for."""
    versions.lock(quiz)
    latest = versions.latest_version(quiz)
    if latest is not None and latest.id != base_id:
        return RevertResult(stale=latest)
    if latest is not None and latest.content_hash == old.content_hash:
        return RevertResult(unchanged=True)
    names, counts = bank_of(quiz.course_id)
    problems = [
        FieldProblem(("questions", index, name), message, details=details)
        for index, name, message, details in slot_problems(old.slots, names, counts)
    ]
    if problems:
        return RevertResult(problems=problems)
    published = quiz.published_at is not None
    version = versions.add_version(
        quiz,
        source_of(quiz, old),
        status=versions.PUBLISHED if published else versions.DRAFT,
        origin="browser",
        author=author,
        base=latest,
        note=REVERT_NOTE.format(number=old.number),
    )
    audit.record(
        "quiz.revert",
        target=_target(quiz),
        detail={"to": old.number, "version": version.number, "published": published},
    )
    return RevertResult(version=version)
