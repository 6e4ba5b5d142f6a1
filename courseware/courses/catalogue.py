"""Finding courses: the active catalogue and one course by its slug."""

import sqlalchemy as sa
from flask import abort

from courseware.courses.models import Course
from courseware.db import db


def active_courses() -> list[Course]:
    """The courses not archived, by slug."""
    return list(
        db.session.scalars(
            sa.select(Course).where(Course.archived_at.is_(None)).order_by(Course.slug)
        )
    )


def get_course(slug: str) -> Course:
    """The active course with this slug, or 404."""
    course = db.session.scalar(
        sa.select(Course).where(Course.slug == slug, Course.archived_at.is_(None))
    )
    if course is None:
        abort(404)
    return course


def course_ids() -> dict[str, int]:
    """Every course's id by its slug, archived ones too."""
    return dict(db.session.execute(sa.select(Course.slug, Course.id)).all())
