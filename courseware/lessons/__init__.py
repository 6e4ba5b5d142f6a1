"""Lessons: a course's lessons, their revisions, reading and authoring."""

from courseware import signals
from courseware.content import steps
from courseware.content.cli import content_cli
from courseware.courses import editors
from courseware.lessons import export, sync


def init_app(app) -> None:
    """Register the lessons' content step (the first: it finds the courses) and `content export`;
    the demo's instructors write the demo courses' lessons."""
    steps.register_step(app, sync.CONTENT_STEP)
    content_cli.add_command(export.export_command)
    signals.demo_created.connect(editors.on_demo_created)
