"""Every version of a question is kept: from the files, an import, or the browser's editor."""

from __future__ import annotations

import sqlalchemy as sa

from courseware.db import db
from courseware.quizzes.models import QuestionRecord, QuestionRevision
from courseware.timeutil import utcnow


def revisions_of(record: QuestionRecord) -> list[QuestionRevision]:
    """The question's versions, newest first."""
    return list(
        db.session.scalars(
            sa.select(QuestionRevision)
            .where(QuestionRevision.question_id == record.id)
            .order_by(QuestionRevision.number.desc())
        )
    )


def add_question_revision(
    record: QuestionRecord, origin: str, note: str = "", author_id: int | None = None
) -> QuestionRevision:
    """Keep the record's current content as its next revision (the caller commits)."""
    db.session.flush()
    number = (
        db.session.scalar(
            sa.select(sa.func.max(QuestionRevision.number)).where(
                QuestionRevision.question_id == record.id
            )
        )
        or 0
    ) + 1
    revision = QuestionRevision(
        question_id=record.id,
        number=number,
        data=record.data,
        content_hash=record.content_hash,
        origin=origin,
        note=note[:200],
        author_id=author_id,
        created_at=utcnow(),
    )
    db.session.add(revision)
    return revision
