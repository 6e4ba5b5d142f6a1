"""How a completion of a course is credited: its 学时 as set by hand, or derived from its
lessons' minutes (Course.credit_from_minutes). Set from the CLI and from the settings form, audited
the same way from both."""

from courseware.accounts.audit import record
from courseware.courses.models import Course


def set_credit_from_minutes(course: Course, from_minutes: bool) -> bool:
    """Switch the course's rule; an audit entry records a change. Returns whether it changed.
    The caller commits."""
    from_minutes = bool(from_minutes)
    if from_minutes == bool(course.credit_from_minutes):
        return False
    course.credit_from_minutes = from_minutes
    record(
        "course.credit_rule",
        f"course:{course.slug}",
        {"from_minutes": from_minutes, "credit_hours": course.credit_hours},
    )
    return True
