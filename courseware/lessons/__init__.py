"""Lessons: a course's lessons, their revisions, reading and authoring."""

from courseware import signals
from courseware.content import steps
from courseware.courses import editors
from courseware.lessons import sync


def init_app(app) -> None:
    """Register the lessons' content step (the first: it finds the courses, and exports them);
    the demo's instructors write the demo courses' lessons."""
    steps.register_step(app, sync.CONTENT_STEP)
    signals.demo_created.connect(editors.on_demo_created)
