"""Crisis-response exercises: scenarios as files, the engine, self-paced and live runs, after-action reports."""

import sqlalchemy as sa

from courseware.content import steps
from courseware.courses import outline
from courseware.db import db
from courseware.exercises import authoring, sync
from courseware.exercises.models import Exercise


def exercise_titles(course_id: int) -> dict[str, dict]:
    """The course's exercises by slug, for the outline editor: those never published too."""
    rows = db.session.execute(
        sa.select(Exercise.slug, Exercise.title).where(
            Exercise.course_id == course_id,
            sa.or_(Exercise.archived_at.is_(None), Exercise.content_hash == ""),
        )
    )
    return {slug: title for slug, title in rows}


def init_app(app) -> None:
    """Register the exercises' content step, after the lessons', and name exercises in outlines
    (saying which are drafts never published)."""
    steps.register_step(app, sync.CONTENT_STEP)
    outline.register_titles(app, "exercise", exercise_titles)
    outline.register_drafts(app, "exercise", authoring.draft_slugs)
