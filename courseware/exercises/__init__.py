"""Crisis-response exercises: scenarios as files, the engine, self-paced and live runs, after-action reports."""

import sqlalchemy as sa

from courseware.content import steps
from courseware.courses import outline
from courseware.db import db
from courseware.exercises import sync
from courseware.exercises.models import Exercise


def exercise_titles(course_id: int) -> dict[str, dict]:
    """The course's exercises by slug, for the outline editor."""
    rows = db.session.execute(
        sa.select(Exercise.slug, Exercise.title).where(
            Exercise.course_id == course_id, Exercise.archived_at.is_(None)
        )
    )
    return {slug: title for slug, title in rows}


def init_app(app) -> None:
    """Register the exercises' content step, after the lessons', and name exercises in outlines."""
    steps.register_step(app, sync.CONTENT_STEP)
    outline.register_titles(app, "exercise", exercise_titles)
