"""Crisis-response exercises: scenarios as files, the engine, self-paced and live runs, after-action reports."""

from courseware.content import steps
from courseware.exercises import sync


def init_app(app) -> None:
    """Register the exercises' content step, after the lessons'."""
    steps.register_step(app, sync.CONTENT_STEP)
