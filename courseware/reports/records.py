"""A cadre's training record (个人培训档案): every course, class session and outside entry of the
学时 ledger for a year and for the five years that end with it, the 学时 by kind, the quota and what
is missing.

The ledger is the record's only source, so the record, the learner's page and the unit report add
up to the same figures. Online hours are split into required (必修) and elective (选修) as the
quota counts them (courseware.progress.ledger): a course is required when a class of the cadre's
assigns it as required, elective otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from courseware.accounts.models import (
    cohort_member,
    Role,
    Unit,
    unit_path,
    unit_subtree_ids,
    User,
)
from courseware.db import built_once, db, read_rows
from courseware.progress import ledger
from courseware.progress.models import CourseAssignment, CourseCompletion, CreditEntry

ONLINE, IN_PERSON, OUTSIDE = "online", "in_person", "outside"
KINDS = (ONLINE, IN_PERSON, OUTSIDE)
KIND_LABELS = {
    ONLINE: _l("Online courses"),
    IN_PERSON: _l("In-person training"),
    OUTSIDE: _l("Outside training"),
}
# The longest quota period the regulations set (县处级 and above: 550 学时 in five years).
LONG_PERIOD_YEARS = 5


@dataclass
class Line:
    """One entry of the record: a course completed, a class session attended or training done
    elsewhere (or the reversal of one, with negative hours)."""

    earned_on: dt.date
    kind: str
    title: str
    hours: float
    note: str = ""
    reversal: bool = False
    completed_at: dt.datetime | None = None
    required: bool = False  # an online course some class of the cadre's assigns as required


@dataclass
class Period:
    label: str
    start: dt.date
    end: dt.date
    lines: list[Line] = field(default_factory=list)
    # The quota that applies to this period (its rank band's hours when its years match), if any.
    required: float | None = None

    def total_of(self, kind: str) -> float:
        return round(sum(line.hours for line in self.lines if line.kind == kind), 2)

    @property
    def required_online(self) -> float:
        """Of the online hours, those of required courses (必修)."""
        return round(sum(line.hours for line in self.lines if line.required), 2)

    @property
    def elective_online(self) -> float:
        """Of the online hours, those of elective courses (选修)."""
        return round(self.total_of(ONLINE) - self.required_online, 2)

    @property
    def total(self) -> float:
        return round(sum(line.hours for line in self.lines), 2)

    @property
    def missing(self) -> float | None:
        if self.required is None:
            return None
        return round(max(self.required - self.total, 0.0), 2)


@dataclass
class TrainingRecord:
    user: User
    unit: str
    year: int
    rank_level: str | None
    quota_hours: float | None
    quota_years: int
    year_period: Period
    long_period: Period


def kind_of(entry) -> str:
    """Which kind of training an entry (or its row) counts as; a reversal counts as what it
    reversed."""
    if entry.kind == "course" or (entry.kind == "reversal" and entry.course_id is not None):
        return ONLINE
    if entry.kind == "in_person" or (entry.kind == "reversal" and entry.source is not None):
        return IN_PERSON
    return OUTSIDE


@built_once
def _required_courses_of_user():
    return (
        sa.select(CourseAssignment.course_id)
        .join(cohort_member, cohort_member.c.cohort_id == CourseAssignment.cohort_id)
        .where(
            cohort_member.c.user_id == sa.bindparam("user_id"),
            CourseAssignment.requirement == "required",
        )
    )


@built_once
def _entries_between():
    # Columns, not entries: building each entry as an ORM object cost more than the query. Whether
    # a class of the user's requires the entry's course is read along, in the same statement.
    return (
        sa.select(
            CreditEntry.earned_on,
            CreditEntry.kind,
            CreditEntry.note,
            CreditEntry.hours,
            CreditEntry.source,
            CreditEntry.course_id,
            CourseCompletion.completed_at,
            CreditEntry.course_id.in_(_required_courses_of_user()).label("required_course"),
        )
        .outerjoin(CourseCompletion, CourseCompletion.id == CreditEntry.completion_id)
        .where(
            CreditEntry.user_id == sa.bindparam("user_id"),
            CreditEntry.earned_on >= sa.bindparam("start"),
            CreditEntry.earned_on <= sa.bindparam("end"),
        )
        .order_by(CreditEntry.earned_on, CreditEntry.id)
    )


def _lines(user_id: int, start: dt.date, end: dt.date) -> list[Line]:
    rows = read_rows(_entries_between(), {"user_id": user_id, "start": start, "end": end})
    return [
        Line(
            earned_on=entry.earned_on,
            kind=kind_of(entry),
            title=entry.note or "",
            hours=round(entry.hours, 2),
            note=entry.source or "",
            reversal=entry.kind == "reversal",
            completed_at=entry.completed_at,
            required=kind_of(entry) == ONLINE and bool(entry.required_course),
        )
        for entry in rows
    ]


def record_of(user: User, year: int) -> TrainingRecord:
    """The user's record for `year` and for the five calendar years ending with it."""
    rules = ledger.quotas()
    level = user.rank_level if user.rank_level in rules else None
    quota_hours, quota_years = rules[level] if level else (None, 1)
    end = dt.date(year, 12, 31)
    year_start = dt.date(year, 1, 1)
    long_start = dt.date(year - LONG_PERIOD_YEARS + 1, 1, 1)
    long_lines = _lines(user.id, long_start, end)
    year_period = Period(
        str(year),
        year_start,
        end,
        [line for line in long_lines if line.earned_on >= year_start],
        quota_hours if quota_years == 1 else None,
    )
    long_period = Period(
        f"{long_start.year}–{year}",
        long_start,
        end,
        long_lines,
        quota_hours if quota_years == LONG_PERIOD_YEARS else None,
    )
    return TrainingRecord(
        user=user,
        unit=unit_path(user.unit_id),
        year=year,
        rank_level=level,
        quota_hours=quota_hours,
        quota_years=quota_years,
        year_period=year_period,
        long_period=long_period,
    )


def unit_learners(unit_id: int) -> list[User]:
    """The active learners of a unit and the units under it, by username."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.unit_id.in_(unit_subtree_ids(unit_id)),
                User.role == Role.LEARNER.value,
                User.active.is_(True),
            )
            .order_by(User.username)
        )
    )


def unit_name(unit_id: int) -> str:
    unit = db.session.get(Unit, unit_id)
    return unit.path() if unit else ""
