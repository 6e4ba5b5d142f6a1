"""Who may do what on which object: the predicates about people and scopes, in one place.

`access.py` declares who may reach a route (by role); this module answers the questions a route
asks next, about the object in hand:

- an instructor (教师) acts within the classes they teach: on the class, and on the learners of it;
- an administrator (管理员) with no unit is the province's and may do everything; one scoped to a
  unit (单位管理员, `User.admin_unit_id`) manages that unit and every unit under it — its people,
  the classes it holds (`Cohort.unit_id`), their records and the audit of them;
- a course is edited by the users listed as its editors, and by the province's administrators.

Predicates take the signed-in user and an object and answer True or False; the query helpers
(`visible_cohorts`, `visible_learner_ids`, `managed_unit_ids`, `unit_clause`, `learner_clause`)
narrow a select to what the user may see, so a list never shows what its detail page would refuse.
Checks about a domain's own objects (may grade this answer, may control this live run) live with
that domain, built from these. No other module compares role strings.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import g
from flask_login import current_user

from courseware import caching
from courseware.accounts.models import (
    Cohort,
    cohort_instructor,
    cohort_member,
    Unit,
    unit_subtree_ids,
    User,
)
from courseware.courses.models import course_editor
from courseware.db import built_once, db
from courseware.roles import Role

# The roles that teach: instructors, and administrators who may do whatever an instructor may.
STAFF = (Role.INSTRUCTOR, Role.ADMIN)


# --- roles ------------------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_learner(user) -> bool:
    """The user is a learner (学员)."""
    return _signed_in(user) and user.role == Role.LEARNER.value


def is_instructor(user) -> bool:
    """The user is an instructor (教师)."""
    return _signed_in(user) and user.role == Role.INSTRUCTOR.value


def is_admin(user) -> bool:
    """The user is an administrator, of the province or of a unit."""
    return _signed_in(user) and user.role == Role.ADMIN.value


def is_staff(user) -> bool:
    """The user teaches or administers: an instructor or an administrator."""
    return is_instructor(user) or is_admin(user)


def is_province_admin(user) -> bool:
    """The user is an administrator scoped to no unit, who sees and manages everything."""
    return is_admin(user) and user.admin_unit_id is None


def is_unit_admin(user) -> bool:
    """The user is an administrator scoped to a unit and its sub-units (单位管理员)."""
    return is_admin(user) and user.admin_unit_id is not None


def viewer_key(user) -> tuple:
    """What the query helpers below read of a user: a statement built from them for one user
    serves every request of a user with the same key."""
    return (user.id, user.role, user.admin_unit_id) if _signed_in(user) else (None,)


# Statements narrowed to one viewer, by the function that builds them and the viewer's key.
_VIEWER_STATEMENTS = caching.Cache("viewer_statements", max_size=4096)


def built_per_viewer(build):
    """Decorate a function build(user) whose statement depends on the user only through
    viewer_key(user) (their id, role and unit scope, through the query helpers below), so that it is
    built on a viewer's first request and reused after: like db.built_once, for the lists staff
    pages show. The statement holds the viewer's ids as values; what it selects is still read from
    the database on every request, so a class taught since is in the list at once."""

    @functools.wraps(build)
    def built(user):
        key = (build.__module__, build.__qualname__, *viewer_key(user))
        return _VIEWER_STATEMENTS.get_or_build(key, lambda: build(user))

    return built


# --- units ------------------------------------------------------------------------------------


def managed_unit_ids(user) -> sa.Select | None:
    """The ids of the units the administrator manages, as a subquery; None means every unit.

    Anyone who is not an administrator manages no unit: the select is empty."""
    if is_province_admin(user):
        return None
    if is_admin(user):
        return unit_subtree_ids(user.admin_unit_id, "managed_units")
    return sa.select(Unit.id).where(sa.false())


def managed_unit_set(user) -> set[int] | None:
    """The managed unit ids as a set (None: every unit), for checks made in Python."""
    ids = managed_unit_ids(user)
    return None if ids is None else set(db.session.scalars(ids))


def unit_clause(user, column) -> sa.ColumnElement[bool]:
    """A WHERE clause that keeps rows whose unit `column` the user manages."""
    ids = managed_unit_ids(user)
    return sa.true() if ids is None else column.in_(ids)


def manages_unit(user, unit_id: int | None) -> bool:
    """The administrator is unscoped, or their unit is this unit or one above it."""
    if is_province_admin(user):
        return True
    if not is_admin(user) or unit_id is None:
        return False
    seen = set()
    while unit_id is not None and unit_id not in seen:
        if unit_id == user.admin_unit_id:
            return True
        seen.add(unit_id)
        unit = db.session.get(Unit, unit_id)
        unit_id = unit.parent_id if unit else None
    return False


# --- people and classes -----------------------------------------------------------------------


def manages_user(user, target: User) -> bool:
    """The administrator manages this account: its unit is theirs, and (for an administrator) so
    is its scope — a unit administrator never manages one whose reach is wider than theirs."""
    if is_province_admin(user):
        return True
    if not manages_unit(user, target.unit_id):
        return False
    return not is_admin(target) or (
        target.admin_unit_id is not None and manages_unit(user, target.admin_unit_id)
    )


def manages_cohort(user, cohort: Cohort) -> bool:
    """The administrator manages this class: they are unscoped, or it is held by a unit of theirs."""
    return is_province_admin(user) or manages_unit(user, cohort.unit_id)


def teaches(user, cohort: Cohort) -> bool:
    """The user is one of the class's instructors."""
    if not _signed_in(user) or cohort is None:
        return False
    return (
        db.session.scalar(
            sa.select(cohort_instructor.c.user_id).where(
                cohort_instructor.c.cohort_id == cohort.id,
                cohort_instructor.c.user_id == user.id,
            )
        )
        is not None
    )


def may_teach(user, cohort: Cohort | None) -> bool:
    """The user may act as the class's teacher: they teach it, or they administer it."""
    if cohort is None:
        return is_province_admin(user)
    return (is_admin(user) and manages_cohort(user, cohort)) or (
        is_staff(user) and teaches(user, cohort)
    )


def teaches_learner(user, learner_id: int) -> bool:
    """One of the classes the user teaches has this learner in it."""
    if not _signed_in(user):
        return False
    return (
        db.session.scalar(
            sa.select(cohort_member.c.user_id)
            .join(cohort_instructor, cohort_instructor.c.cohort_id == cohort_member.c.cohort_id)
            .where(cohort_instructor.c.user_id == user.id, cohort_member.c.user_id == learner_id)
            .limit(1)
        )
        is not None
    )


def may_see_learner(user, learner: User | int | None) -> bool:
    """The user may read and act on this learner's records: they manage the account, or teach a
    class the learner is in."""
    if learner is None or not is_staff(user):
        return False
    if is_province_admin(user):
        return True
    if isinstance(learner, int):
        learner = db.session.get(User, learner)
        if learner is None:
            return False
    if is_admin(user) and manages_user(user, learner):
        return True
    return teaches_learner(user, learner.id)


def taught_cohort_ids(user) -> sa.Select:
    """The ids of the classes the user teaches, as a subquery."""
    return sa.select(cohort_instructor.c.cohort_id).where(cohort_instructor.c.user_id == user.id)


def visible_cohorts(user) -> sa.Select:
    """The classes the user may see as a teacher: taught ones, and for an administrator the classes
    of their units (every class, for the province)."""
    stmt = sa.select(Cohort)
    if is_province_admin(user):
        return stmt
    taught = Cohort.id.in_(taught_cohort_ids(user))
    if is_admin(user):
        return stmt.where(sa.or_(taught, unit_clause(user, Cohort.unit_id)))
    if is_instructor(user):
        return stmt.where(taught)
    return stmt.where(sa.false())


def member_cohorts(user) -> list[Cohort]:
    """The classes the user is a learner in, by name."""
    return list(db.session.scalars(_member_cohorts(), {"user_id": user.id}))


@built_once
def _member_cohorts():
    # Built once: every learner's home page asks.
    return (
        sa.select(Cohort)
        .where(
            Cohort.id.in_(
                sa.select(cohort_member.c.cohort_id).where(
                    cohort_member.c.user_id == sa.bindparam("user_id")
                )
            )
        )
        .order_by(Cohort.name)
    )


def visible_learner_ids(user) -> sa.Select | None:
    """The ids of the learners whose records the user may read, as a subquery; None means all.

    An instructor's are the members of the classes they teach; a unit administrator's, those too
    and every account of their units."""
    if is_province_admin(user):
        return None
    taught = sa.select(cohort_member.c.user_id).where(
        cohort_member.c.cohort_id.in_(taught_cohort_ids(user))
    )
    if is_admin(user):
        return sa.union(taught, sa.select(User.id).where(unit_clause(user, User.unit_id)))
    if is_instructor(user):
        return taught
    return sa.select(User.id).where(sa.false())


def learner_clause(user, column) -> sa.ColumnElement[bool]:
    """A WHERE clause that keeps rows whose learner id `column` the user may see."""
    ids = visible_learner_ids(user)
    return sa.true() if ids is None else column.in_(ids)


def visible_learner_set(user) -> set[int] | None:
    """The visible learner ids as a set (None: everyone), for filtering lists in Python."""
    ids = visible_learner_ids(user)
    return None if ids is None else set(db.session.scalars(ids))


def managed_users(user) -> sa.Select:
    """The accounts the administrator manages (every account, for the province)."""
    stmt = sa.select(User)
    if is_province_admin(user):
        return stmt
    if not is_admin(user):
        return stmt.where(sa.false())
    managed = managed_unit_ids(user)
    return stmt.where(
        User.unit_id.in_(managed),
        sa.or_(User.role != Role.ADMIN.value, User.admin_unit_id.in_(managed)),
    )


def managed_user_clause(user, column) -> sa.ColumnElement[bool]:
    """A WHERE clause that keeps rows whose user id `column` the administrator manages."""
    if is_province_admin(user):
        return sa.true()
    return column.in_(managed_users(user).with_only_columns(User.id))


# --- courses ----------------------------------------------------------------------------------


def edits_course(user, course) -> bool:
    """The user may change this course's content: a province administrator, or one of its editors."""
    if is_province_admin(user):
        return True
    if not is_staff(user) or course is None:
        return False
    # Read already, and perhaps changed in this request (the course's editors page).
    if "editors" not in sa.inspect(course).unloaded:
        return any(editor.id == user.id for editor in course.editors)
    # One row asked for, instead of loading every editor's account to look for one id; and once
    # per request, since a page asks again for each link it offers.
    known = g.setdefault("edits_course", {})
    key = (user.id, course.id)
    if key not in known:
        known[key] = db.session.scalar(_is_editor(), {"course_id": course.id, "user_id": user.id})
    return known[key]


@built_once
def _is_editor():
    editor = course_editor.c
    return sa.select(
        sa.exists().where(
            editor.course_id == sa.bindparam("course_id"), editor.user_id == sa.bindparam("user_id")
        )
    )


def edited_courses(user, courses: list) -> list:
    """Those of `courses` the user may change (edits_course), asking the database once for all of
    them instead of once per course."""
    if is_province_admin(user):
        return list(courses)
    if not is_staff(user):
        return []
    mine = set(db.session.scalars(_courses_edited_by(), {"user_id": user.id}))
    return [course for course in courses if course.id in mine]


@built_once
def _courses_edited_by():
    editor = course_editor.c
    return sa.select(editor.course_id).where(editor.user_id == sa.bindparam("user_id"))


def may_create_course(user) -> bool:
    """Instructors and administrators may start a course; they become its first editor."""
    return is_staff(user)


# --- templates --------------------------------------------------------------------------------

# can("teach", cohort) in a template; with no object, the question is about the user's standing.
_CHECKS = {
    ("learn", False): is_learner,
    ("teach", False): is_staff,
    ("administer", False): is_admin,
    ("administer_all", False): is_province_admin,
    ("teach", True): may_teach,
    ("see", True): may_see_learner,
    ("manage_unit", True): manages_unit,
    ("manage_user", True): manages_user,
    ("manage_class", True): manages_cohort,
    ("edit", True): edits_course,
    ("create_course", False): may_create_course,
}


def can(action: str, obj=None) -> bool:
    """Answer a template's question about the signed-in user, such as can("teach", cohort)."""
    check = _CHECKS.get((action, obj is not None))
    if check is None:
        raise ValueError(f"unknown permission {action!r}")
    return check(current_user) if obj is None else check(current_user, obj)


def init_app(app):
    app.jinja_env.globals["can"] = can
