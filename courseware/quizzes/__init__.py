"""Quizzes: questions in files (YAML and GIFT), timed attempts, grading and item analysis."""

import sqlalchemy as sa

from courseware.content import steps
from courseware.courses import outline
from courseware.db import built_once, db
from courseware.quizzes import sync
from courseware.quizzes.models import Quiz


@built_once
def _quiz_titles():
    return sa.select(Quiz.slug, Quiz.title).where(
        Quiz.course_id == sa.bindparam("course_id"), Quiz.archived_at.is_(None)
    )


def quiz_titles(course_id: int) -> dict[str, dict]:
    """The course's quizzes by slug, for the outline editor."""
    rows = db.session.execute(_quiz_titles(), {"course_id": course_id})
    return {slug: title for slug, title in rows}


def init_app(app) -> None:
    """Register the quizzes' content step, after the lessons', and name quizzes in outlines."""
    from courseware.quizzes.display import fill_parts
    from courseware.quizzes.history_views import taken_out

    steps.register_step(app, sync.CONTENT_STEP)
    # A global, not a page's variable: the question types' templates are then imported without
    # the page's context, and Jinja builds each of them once instead of once per question.
    app.jinja_env.globals["fill_parts"] = fill_parts
    outline.register_titles(app, "quiz", quiz_titles)
    outline.register_taken_out(app, "quiz", taken_out)
