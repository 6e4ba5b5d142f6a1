"""A quiz's versions: every change adds one, publishing one makes it what learners take.

A version is never changed once saved, so an attempt that took it keeps its questions, pass mark
and review rule however the quiz changes later. The caller commits.
"""

from __future__ import annotations

import sqlalchemy as sa

from courseware.db import db
from courseware.quizzes.files import QuizSource
from courseware.quizzes.models import Attempt, Quiz, QuizVersion
from courseware.timeutil import utcnow

DRAFT, PUBLISHED, CONFLICT = "draft", "published", "conflict"


def content_of(version: QuizVersion | Quiz) -> dict:
    """What a version (or a quiz's published copy) holds, in the shape QuizSource fingerprints."""
    return {
        "title": version.title,
        "description": version.description,
        "lesson": version.lesson_slug,
        "settings": version.settings,
        "slots": version.slots,
    }


def add_version(
    quiz: Quiz,
    source: QuizSource,
    *,
    status: str,
    origin: str,
    author=None,
    base: QuizVersion | None = None,
    note: str = "",
) -> QuizVersion:
    """Store a quiz's next version; a published one becomes what learners take."""
    number = (
        db.session.scalar(
            sa.select(sa.func.max(QuizVersion.number)).where(QuizVersion.quiz_id == quiz.id)
        )
        or 0
    ) + 1
    version = QuizVersion(
        quiz_id=quiz.id,
        number=number,
        status=status,
        source=origin,
        title=source.title,
        description=source.description,
        lesson_slug=source.lesson,
        settings=source.settings,
        slots=source.slots,
        content_hash=source.content_hash,
        author=author,
        base_version_id=base.id if base else None,
        note=(note or "")[:255],
    )
    db.session.add(version)
    db.session.flush()
    if status == PUBLISHED:
        publish(quiz, version)
    return version


def publish(quiz: Quiz, version: QuizVersion) -> None:
    """Make a version the one new attempts take; the quiz's own columns copy it for lists."""
    version.status = PUBLISHED
    quiz.version_id = version.id
    quiz.version = version
    quiz.title = version.title
    quiz.description = version.description
    quiz.lesson_slug = version.lesson_slug
    quiz.settings = version.settings
    quiz.slots = version.slots
    quiz.content_hash = version.content_hash
    if quiz.published_at is None:
        quiz.published_at = utcnow()
    quiz.updated_at = utcnow()


def latest_version(quiz: Quiz) -> QuizVersion | None:
    """The newest draft or published version: the base for the next edit (conflict copies are
    nobody's)."""
    return db.session.scalar(
        sa.select(QuizVersion)
        .where(QuizVersion.quiz_id == quiz.id, QuizVersion.status != CONFLICT)
        .order_by(QuizVersion.number.desc())
        .limit(1)
    )


def versions_of(quiz: Quiz) -> list[QuizVersion]:
    """Every version of a quiz, newest first."""
    return list(
        db.session.scalars(
            sa.select(QuizVersion)
            .where(QuizVersion.quiz_id == quiz.id)
            .order_by(QuizVersion.number.desc())
        )
    )


def attempts_by_version(quiz: Quiz) -> dict[int, int]:
    """How many attempts each version of the quiz has, by version id."""
    rows = db.session.execute(
        sa.select(Attempt.quiz_version_id, sa.func.count())
        .where(Attempt.quiz_id == quiz.id)
        .group_by(Attempt.quiz_version_id)
    )
    return {version_id: count for version_id, count in rows}


def lock(quiz: Quiz) -> None:
    """Hold the quiz's row until the transaction ends, so that two saves of it are made one after
    the other and the second sees the first (an update that changes nothing does it on both
    databases)."""
    db.session.execute(sa.update(Quiz).where(Quiz.id == quiz.id).values(id=Quiz.id))
