"""Finding courses: the catalogue learners see, and one course by its slug."""

import copy

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import make_transient_to_detached

from courseware import caching
from courseware.courses.models import Course
from courseware.db import built_once, db, first_row_on_driver


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


# Courses as the reading pages show them, by id and version (`updated_at`, courses/models.py), per
# process (rule 1 of caching.py: a change to a course or its content makes a new version). Each
# request reads only the course's id and version, then takes a copy of the kept course into its
# session: building a course from its row (its titles, outline and rule are JSON) cost three
# times that read. The copy's values are the kept course's own: give a column a new value, never
# change one in place (SQLAlchemy would not save that either, as JSON columns are not tracked).
_READING_COURSES = caching.Cache("reading_courses", max_size=256)


def get_course(slug: str) -> Course:
    """The course of the catalogue with this slug, or 404."""
    found = first_row_on_driver(_course_version_by_slug(), {"slug": slug})
    if found is None:
        abort(404)
    kept = _READING_COURSES.get(found)
    if kept is None:
        course = db.session.scalar(_course_by_slug(), {"slug": slug})
        if course is None:
            abort(404)
        version = (course.id, course.updated_at, course.published_at)
        _READING_COURSES.set(version, _detached_copy(course))
        return course
    # load=False: the kept course's values are taken as they are, with no query.
    return db.session.merge(kept, load=False)


@built_once
def _course_version_by_slug():
    course = Course.__table__
    # The version, and when it was published: publishing again does not make a new version.
    return sa.select(course.c.id, course.c.updated_at, course.c.published_at).where(
        course.c.slug == sa.bindparam("slug"),
        course.c.archived_at.is_(None),
        course.c.published_at.is_not(None),
    )


def _detached_copy(course: Course) -> Course:
    """A copy of a course's loaded columns that belongs to no session; what was not loaded (its
    pages and glossary) is loaded by the session a copy of it is merged into, when read."""
    kept = Course.__mapper__.class_manager.new_instance()
    loaded = sa.inspect(course).dict
    values = sa.orm.attributes.instance_dict(kept)
    for attribute in Course.__mapper__.column_attrs:
        if attribute.key in loaded:
            values[attribute.key] = copy.deepcopy(loaded[attribute.key])
    make_transient_to_detached(kept)
    return kept


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
