"""Quizzes: questions in files (YAML and GIFT), timed attempts, grading and item analysis."""

from courseware.content import steps
from courseware.quizzes import sync


def init_app(app) -> None:
    """Register the quizzes' content step, after the lessons'."""
    steps.register_step(app, sync.CONTENT_STEP)
