"""What the API reads: units, users, classes (班次), enrolments, completions, the 学时 ledger and
certificates, each as plain JSON-ready dicts.

Users are written field by field, so nothing about sign-in (hashes, sessions, flags) can slip out.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from courseware.accounts.models import AuditEvent, Cohort, cohort_member, Role, Unit, User
from courseware.api import params
from courseware.api.params import ApiError
from courseware.certificates.models import Certificate
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment, CourseCompletion, CreditEntry

# Audit actions that change a user's row. The user table keeps no updated_at, so "updated since"
# is read from the audit log, where these actions name the account by its (current) username.
USER_CHANGES = ("user.create", "user.update", "user.role", "user.activate", "user.deactivate")
CREDIT_KINDS = ("course", "external", "in_person", "reversal")
CERTIFICATE_CODE = re.compile(r"^[A-Za-z0-9]{1,32}$")


# --- units --------------------------------------------------------------------------------------


def unit_paths() -> dict[int, str]:
    """Every unit's full path (省 / 部 / 处), computed from one query."""
    units = {u.id: u for u in db.session.scalars(sa.select(Unit))}
    paths: dict[int, str] = {}

    def path(unit_id: int, depth: int = 0) -> str:
        if unit_id not in paths:
            unit = units[unit_id]
            parent = unit.parent_id
            paths[unit_id] = (
                unit.name
                if parent is None or parent not in units or depth > 64
                else f"{path(parent, depth + 1)} / {unit.name}"
            )
        return paths[unit_id]

    for unit_id in units:
        path(unit_id)
    return paths


def list_units() -> dict:
    """Every unit, with its parent and full path, in tree order by path."""
    paths = unit_paths()
    units = db.session.scalars(sa.select(Unit)).all()
    items = [
        {"id": u.id, "name": u.name, "parent_id": u.parent_id, "path": paths[u.id]} for u in units
    ]
    return {"items": sorted(items, key=lambda u: (u["path"], u["id"]))}


def unit_subtree(unit_id: int) -> set[int]:
    """A unit's id and the ids of every unit below it; an unknown unit is refused."""
    if db.session.get(Unit, unit_id) is None:
        raise ApiError(_("There is no unit %(id)d.", id=unit_id), "unit")
    ids, frontier = {unit_id}, [unit_id]
    while frontier:
        frontier = [
            i
            for i in db.session.scalars(sa.select(Unit.id).where(Unit.parent_id.in_(frontier)))
            if i not in ids
        ]
        ids.update(frontier)
    return ids


# --- users --------------------------------------------------------------------------------------


def _last_change():
    """When a user's row last changed, as the audit log tells it (a correlated subquery)."""
    return (
        sa.select(sa.func.max(AuditEvent.at))
        .where(AuditEvent.target == User.username, AuditEvent.action.in_(USER_CHANGES))
        .scalar_subquery()
    )


def user_ref(user: User) -> dict:
    """The short form of a user inside other records."""
    return {"id": user.id, "username": user.username, "name": user.name, "unit_id": user.unit_id}


def user_record(user: User, updated_at, paths: dict[int, str]) -> dict:
    """A user's roster data. Nothing about signing in is included."""
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "unit_id": user.unit_id,
        "unit_path": paths.get(user.unit_id) if user.unit_id else None,
        "position": user.position or "",
        "rank_level": user.rank_level,
        "phone": user.phone or "",
        "active": user.active,
        "created_at": params.timestamp(user.created_at),
        "updated_at": params.timestamp(max(filter(None, (user.created_at, updated_at)))),
        "last_login_at": params.timestamp(user.last_login_at),
    }


def list_users(args) -> dict:
    """Users, by id; filtered by unit (with its sub-units), role and last change."""
    unit_id = params.identifier(args, "unit")
    role = params.choice(args, "role", [r.value for r in Role])
    since = params.datetime(args, "updated_since")
    page = params.page(args)
    stmt = sa.select(User, _last_change())
    if unit_id is not None:
        stmt = stmt.where(User.unit_id.in_(unit_subtree(unit_id)))
    if role:
        stmt = stmt.where(User.role == role)
    if since is not None:
        changed = sa.exists().where(
            AuditEvent.target == User.username,
            AuditEvent.action.in_(USER_CHANGES),
            AuditEvent.at >= since,
        )
        stmt = stmt.where(sa.or_(User.created_at >= since, changed))
    paths = unit_paths()
    return params.by_id(
        stmt, User.id, page, lambda user, updated: user_record(user, updated, paths)
    )


def get_user(user_id: int) -> dict | None:
    row = db.session.execute(sa.select(User, _last_change()).where(User.id == user_id)).first()
    return user_record(row[0], row[1], unit_paths()) if row else None


# --- classes ------------------------------------------------------------------------------------


def course_ref(course: Course) -> dict:
    return {
        "id": course.id,
        "slug": course.slug,
        "title": params.localized(course.title),
        "credit_hours": float(course.credit_hours),
    }


def class_record(cohort: Cohort, member_count: int) -> dict:
    return {
        "id": cohort.id,
        "name": cohort.name,
        "start_date": params.day(cohort.start_date),
        "end_date": params.day(cohort.end_date),
        "instructors": [user_ref(u) for u in cohort.instructors],
        "member_count": member_count,
    }


def list_classes() -> dict:
    """Every class with its instructors and how many learners it has."""
    counts = dict(
        db.session.execute(
            sa.select(cohort_member.c.cohort_id, sa.func.count()).group_by(
                cohort_member.c.cohort_id
            )
        ).all()
    )
    cohorts = db.session.scalars(sa.select(Cohort).order_by(Cohort.id)).all()
    return {"items": [class_record(c, counts.get(c.id, 0)) for c in cohorts]}


def class_enrolments(cohort_id: int) -> dict | None:
    """A class's learners and the courses assigned to it, or None when there is no such class."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        return None
    paths = unit_paths()
    assignments = db.session.execute(
        sa.select(CourseAssignment, Course)
        .join(Course, Course.id == CourseAssignment.course_id)
        .where(CourseAssignment.cohort_id == cohort.id)
        .order_by(CourseAssignment.starts_on, Course.slug)
    ).all()
    return {
        "class": class_record(cohort, len(cohort.members)),
        "members": [
            {**user_ref(u), "unit_path": paths.get(u.unit_id) if u.unit_id else None}
            for u in cohort.members
        ],
        "courses": [
            {
                "course": course_ref(course),
                "starts_on": params.day(a.starts_on),
                "due_on": params.day(a.due_on),
                "assigned_at": params.timestamp(a.assigned_at),
            }
            for a, course in assignments
        ],
    }


# --- completions and credit hours (学时) --------------------------------------------------------


def _course_filter(args) -> int | None:
    """The id of the course named by the `course` parameter (its slug), refusing unknown ones."""
    slug = params.text(args, "course", 64)
    if slug is None:
        return None
    course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == slug))
    if course_id is None:
        raise ApiError(_("There is no course %(slug)s.", slug=slug), "course")
    return course_id


def completion_record(completion: CourseCompletion, user: User, course: Course) -> dict:
    return {
        "id": completion.id,
        "user": user_ref(user),
        "course": course_ref(course),
        "completed_at": params.timestamp(completion.completed_at),
        "score": completion.score,
    }


def list_completions(args) -> dict:
    """Course completions, by id; filtered by dates (inclusive), unit (with sub-units), course, user."""
    start, end = params.date_range(args)
    unit_id = params.identifier(args, "unit")
    user_id = params.identifier(args, "user")
    course_id = _course_filter(args)
    page = params.page(args)
    stmt = (
        sa.select(CourseCompletion, User, Course)
        .join(User, User.id == CourseCompletion.user_id)
        .join(Course, Course.id == CourseCompletion.course_id)
    )
    if start:
        stmt = stmt.where(CourseCompletion.completed_at >= params.start_of(start))
    if end:
        stmt = stmt.where(CourseCompletion.completed_at < params.day_after(end))
    if unit_id is not None:
        stmt = stmt.where(User.unit_id.in_(unit_subtree(unit_id)))
    if user_id is not None:
        stmt = stmt.where(CourseCompletion.user_id == user_id)
    if course_id is not None:
        stmt = stmt.where(CourseCompletion.course_id == course_id)
    return params.by_id(stmt, CourseCompletion.id, page, completion_record)


def credit_record(entry: CreditEntry, user: User, course: Course | None) -> dict:
    return {
        "id": entry.id,
        "user": user_ref(user),
        "hours": float(entry.hours),
        "earned_on": params.day(entry.earned_on),
        "kind": entry.kind,
        "course": course_ref(course) if course else None,
        "completion_id": entry.completion_id,
        "reverses_id": entry.reverses_id,
        "note": entry.note or "",
        "created_at": params.timestamp(entry.created_at),
    }


def list_credits(args) -> dict:
    """Lines of the 学时 ledger, by id; filtered by dates earned, unit, user, course and kind."""
    start, end = params.date_range(args)
    unit_id = params.identifier(args, "unit")
    user_id = params.identifier(args, "user")
    course_id = _course_filter(args)
    kind = params.choice(args, "kind", CREDIT_KINDS)
    page = params.page(args)
    stmt = (
        sa.select(CreditEntry, User, Course)
        .join(User, User.id == CreditEntry.user_id)
        .outerjoin(Course, Course.id == CreditEntry.course_id)
    )
    if start:
        stmt = stmt.where(CreditEntry.earned_on >= start)
    if end:
        stmt = stmt.where(CreditEntry.earned_on <= end)
    if unit_id is not None:
        stmt = stmt.where(User.unit_id.in_(unit_subtree(unit_id)))
    if user_id is not None:
        stmt = stmt.where(CreditEntry.user_id == user_id)
    if course_id is not None:
        stmt = stmt.where(CreditEntry.course_id == course_id)
    if kind:
        stmt = stmt.where(CreditEntry.kind == kind)
    return params.by_id(stmt, CreditEntry.id, page, credit_record)


# --- certificates -------------------------------------------------------------------------------


def verify_certificate(code: str) -> dict | None:
    """What a certificate says and whether it still stands, or None when no certificate has the code."""
    if not CERTIFICATE_CODE.match(code):
        return None
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.code == code.upper()))
    if certificate is None:
        return None
    return {
        "code": certificate.code,
        "name": certificate.name,
        "unit": certificate.unit or "",
        "course_title": params.localized(certificate.course_title),
        "credit_hours": float(certificate.credit_hours),
        "issued_on": params.day(certificate.issued_at.date()),
        "valid": certificate.valid,
        "revoked_at": params.timestamp(certificate.revoked_at),
    }
