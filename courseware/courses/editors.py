"""Who edits a course: set by an administrator, recorded in the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from courseware.accounts import audit
from courseware.accounts.models import Cohort, User
from courseware.courses.models import Course
from courseware.db import db


def set_editors(course: Course, editors: list[User]) -> bool:
    """Make these users the course's editors; return whether anything changed.

    The change and its audit entry are added to the session; the caller commits."""
    before = sorted(u.username for u in course.editors)
    after = sorted(u.username for u in editors)
    if before == after:
        return False
    course.editors = list(editors)
    audit.record("course.editors", target=f"course:{course.slug}", detail=[before, after])
    return True


def on_demo_created(cohort: Cohort, **extra) -> None:
    """Make the demo class's instructors editors of the courses already loaded."""
    for course in db.session.scalars(sa.select(Course).where(Course.archived_at.is_(None))):
        course.editors.extend(u for u in cohort.instructors if u not in course.editors)
