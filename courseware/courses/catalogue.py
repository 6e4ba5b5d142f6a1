"""Finding courses: the catalogue learners see, and one course by its slug."""

import sqlalchemy as sa
from flask import abort

from courseware.courses.models import Course
from courseware.db import built_once, db


@built_once
def _active_courses():
    return (
        sa.select(Course)
        .where(Course.archived_at.is_(None), Course.published_at.is_not(None))
        .order_by(Course.slug)
    )


def active_courses() -> list[Course]:
    """The courses in the catalogue: published and not archived, by slug."""
    return list(db.session.scalars(_active_courses()))


@built_once
def _course_by_slug():
    return sa.select(Course).where(
        Course.slug == sa.bindparam("slug"),
        Course.archived_at.is_(None),
        Course.published_at.is_not(None),
    )


def get_course(slug: str) -> Course:
    """The course of the catalogue with this slug, or 404."""
    course = db.session.scalar(_course_by_slug(), {"slug": slug})
    if course is None:
        abort(404)
    return course


def all_courses() -> tuple[list[Course], list[Course]]:
    """Every course, by slug: those not archived, published or still being written, and the
    archived ones, read in one query."""
    courses = list(db.session.scalars(_all_courses()))
    return (
        [course for course in courses if course.archived_at is None],
        [course for course in courses if course.archived_at is not None],
    )


@built_once
def _all_courses():
    return sa.select(Course).order_by(Course.slug)


@built_once
def _any_course_by_slug():
    return sa.select(Course).where(Course.slug == sa.bindparam("slug"))


def find_course(slug: str) -> Course | None:
    """The course with this slug, whatever its state."""
    return db.session.scalar(_any_course_by_slug(), {"slug": slug})


def course_ids() -> dict[str, int]:
    """Every course's id by its slug, archived ones too."""
    return dict(db.session.execute(sa.select(Course.slug, Course.id)).all())
