"""Crisis-response exercises: scenarios as files, the engine, self-paced and live runs, after-action reports."""

import sqlalchemy as sa

from courseware.content import steps
from courseware.courses import outline
from courseware.db import built_once, db
from courseware.exercises import authoring, sync
from courseware.exercises.models import Exercise


@built_once
def _exercise_titles():
    return sa.select(Exercise.slug, Exercise.title).where(
        Exercise.course_id == sa.bindparam("course_id"),
        sa.or_(Exercise.archived_at.is_(None), Exercise.content_hash == ""),
    )


def exercise_titles(course_id: int) -> dict[str, dict]:
    """The course's exercises by slug, for the outline editor: those never published too."""
    rows = db.session.execute(_exercise_titles(), {"course_id": course_id})
    return {slug: title for slug, title in rows}


def init_app(app) -> None:
    """Register the exercises' content step, after the lessons', and name exercises in outlines
    (saying which are drafts never published)."""
    steps.register_step(app, sync.CONTENT_STEP)
    outline.register_titles(app, "exercise", exercise_titles)
    outline.register_drafts(app, "exercise", authoring.draft_slugs)
