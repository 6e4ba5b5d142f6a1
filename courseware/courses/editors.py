"""Who edits a course: set by an administrator, recorded in the audit log."""

from __future__ import annotations

from courseware.accounts import audit
from courseware.accounts.models import User
from courseware.courses.models import Course


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
