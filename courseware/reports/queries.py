"""Completion figures by unit, class or course for a date range, and the rows behind them.

The page, the downloads and the command line all take their numbers from these functions, so
they cannot disagree.

- enrolled: learners × courses their classes assign (a learner in two classes counts once);
- completed: those enrolments completed within the date range;
- 学时 earned: ledger entries (courses, training elsewhere, reversals) dated within the range;
- overdue: enrolments past their due date and not completed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from courseware.accounts.models import Cohort, cohort_member, Role, Unit, unit_paths_from, User
from courseware.courses.models import Course
from courseware.db import built_once, db, read_rows
from courseware.progress.models import CourseAssignment, CourseCompletion, CreditEntry

GROUPINGS = ("unit", "class", "course")


@dataclass
class Filters:
    by: str = "unit"
    start: dt.date | None = None
    end: dt.date | None = None
    unit_id: int | None = None


@dataclass
class Line:
    key: int
    label: str
    enrolled: int = 0
    completed: int = 0
    scores: list = field(default_factory=list)
    hours: float = 0.0
    overdue: list = field(default_factory=list)  # (user, course, due) tuples

    @property
    def rate(self) -> float | None:
        return round(100 * self.completed / self.enrolled, 1) if self.enrolled else None

    @property
    def average_score(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


# The report's statements are built once (courseware/db.py: built_once): building a select and
# working out its cache key costs more than running a small one. They read columns, not ORM
# objects: the report reads every learner, course and completion, and building an object for each
# row cost more than the rest of the page.
@built_once
def _all_units():
    return sa.select(Unit.id, Unit.name, Unit.parent_id)


@built_once
def _learners():
    return sa.select(User.id, User.username, User.name, User.unit_id).where(
        User.role == Role.LEARNER.value
    )


@built_once
def _all_courses():
    return sa.select(Course.id, Course.slug, Course.title)


@built_once
def _all_completions():
    return sa.select(
        CourseCompletion.user_id,
        CourseCompletion.course_id,
        CourseCompletion.completed_at,
        CourseCompletion.score,
    )


@built_once
def _enrolments():
    return sa.select(
        cohort_member.c.user_id,
        CourseAssignment.course_id,
        CourseAssignment.due_on,
        CourseAssignment.cohort_id,
    ).join(CourseAssignment, CourseAssignment.cohort_id == cohort_member.c.cohort_id)


@built_once
def _credit_totals(group: tuple, since: bool, until: bool):
    query = sa.select(*group, sa.func.sum(CreditEntry.hours)).group_by(*group)
    if since:
        query = query.where(CreditEntry.earned_on >= sa.bindparam("start"))
    if until:
        query = query.where(CreditEntry.earned_on <= sa.bindparam("end"))
    return query


@built_once
def _cohort_names():
    return sa.select(Cohort.id, Cohort.name)


def unit_tree() -> tuple[dict[int, sa.Row], dict[int | None, list[int]]]:
    """Every unit's row (id, name, parent_id) by id, and the ids of each unit's children."""
    units = {u.id: u for u in read_rows(_all_units(), {})}
    children: dict[int | None, list[int]] = {}
    for unit in units.values():
        children.setdefault(unit.parent_id, []).append(unit.id)
    return units, children


def subtree(unit_id: int, children: dict) -> set[int]:
    ids, frontier = set(), [unit_id]
    while frontier:
        current = frontier.pop()
        if current not in ids:
            ids.add(current)
            frontier.extend(children.get(current, []))
    return ids


def _in_range(day: dt.date, filters: Filters) -> bool:
    return (filters.start is None or day >= filters.start) and (
        filters.end is None or day <= filters.end
    )


def enrolments() -> dict[tuple[int, int], tuple[dt.date, list[int]]]:
    """(learner, course) -> (earliest due date, the classes assigning it)."""
    rows = db.session.execute(_enrolments())
    result: dict = {}
    for user_id, course_id, due_on, cohort_id in rows:
        due, cohorts = result.get((user_id, course_id), (due_on, []))
        result[(user_id, course_id)] = (min(due, due_on), cohorts + [cohort_id])
    return result


def report(filters: Filters, today: dt.date, tree: tuple | None = None) -> list[Line]:
    """One line per unit (with its sub-units), class or course. `tree` is unit_tree()'s result
    when the caller has read it already."""
    units, children = tree or unit_tree()
    users = {u.id: u for u in read_rows(_learners(), {})}
    if filters.unit_id is not None:
        allowed = subtree(filters.unit_id, children)
        users = {i: u for i, u in users.items() if u.unit_id in allowed}
    courses = {c.id: c for c in read_rows(_all_courses(), {})}
    completions = {(c.user_id, c.course_id): c for c in read_rows(_all_completions(), {})}
    enrolled = {k: v for k, v in enrolments().items() if k[0] in users}
    ancestry: dict[int | None, list[int]] = {None: []}

    def unit_and_ancestors(unit_id: int | None) -> list[int]:
        # A unit's figures include its sub-units: a learner counts in every ancestor of their
        # unit. Each unit's chain is worked out once, not once per enrolment.
        if unit_id not in ancestry:
            ancestry[unit_id] = [unit_id, *unit_and_ancestors(units[unit_id].parent_id)]
        return ancestry[unit_id]

    def line_keys(user_id: int, course_id: int, cohort_ids: list[int]) -> list[int]:
        if filters.by == "course":
            return [course_id]
        if filters.by == "class":
            return cohort_ids
        return unit_and_ancestors(users[user_id].unit_id)

    lines: dict[int, Line] = {}
    labels = _labels(filters.by, units, courses)

    def line(key: int) -> Line:
        if key not in lines:
            lines[key] = Line(key, labels(key))
        return lines[key]

    for (user_id, course_id), (due_on, cohort_ids) in enrolled.items():
        completion = completions.get((user_id, course_id))
        done = completion is not None and _in_range(completion.completed_at.date(), filters)
        for key in line_keys(user_id, course_id, cohort_ids):
            counted = line(key)
            counted.enrolled += 1
            if done:
                counted.completed += 1
                if completion.score is not None:
                    counted.scores.append(completion.score)
            elif completion is None and due_on < today:
                counted.overdue.append((users[user_id], courses[course_id], due_on))
    if filters.by == "unit":
        for (user_id,), hours in credit_totals(filters, CreditEntry.user_id).items():
            if user_id in users:
                for key in line_keys(user_id, 0, []):
                    line(key).hours += hours
    else:
        # Classes and courses count the 学时 of their own courses, every entry in one query.
        by_course = credit_totals(filters, CreditEntry.user_id, CreditEntry.course_id)
        for (user_id, course_id), (_, cohort_ids) in enrolled.items():
            for key in line_keys(user_id, course_id, cohort_ids):
                lines[key].hours += by_course.get((user_id, course_id), 0.0)
    for counted in lines.values():
        counted.hours = round(counted.hours, 2)
    return sorted(lines.values(), key=lambda counted: counted.label)


def credit_totals(filters: Filters, *group) -> dict[tuple, float]:
    """Ledger hours dated within the range, summed by the given columns."""
    query = _credit_totals(group, bool(filters.start), bool(filters.end))
    params = {"start": filters.start, "end": filters.end}
    return {tuple(row[:-1]): float(row[-1] or 0) for row in db.session.execute(query, params)}


def _labels(by: str, units: dict, courses: dict):
    if by == "unit":
        return paths_of_units(units, units).__getitem__
    if by == "course":
        return lambda key: (courses[key].title or {}).get("zh", courses[key].slug)
    names = dict(db.session.execute(_cohort_names()).all())
    return lambda key: names.get(key, str(key))


def paths_of_units(units: dict[int, sa.Row], unit_ids) -> dict[int, str]:
    """Each unit's full name from the root, from unit_tree()'s rows: no query."""
    rows = {u.id: (u.parent_id, u.name) for u in units.values()}
    return unit_paths_from(rows, unit_ids)


def monthly_completions(filters: Filters, tree: tuple | None = None) -> list[tuple[str, int]]:
    """Completions per month in the range: the chart of completion over time."""
    query = sa.select(CourseCompletion.completed_at)
    if filters.unit_id is not None:
        _, children = tree or unit_tree()
        query = query.join(User, User.id == CourseCompletion.user_id).where(
            User.unit_id.in_(subtree(filters.unit_id, children))
        )
    counts: dict[str, int] = {}
    for (completed_at,) in db.session.execute(query):
        if _in_range(completed_at.date(), filters):
            month = completed_at.strftime("%Y-%m")
            counts[month] = counts.get(month, 0) + 1
    return sorted(counts.items())


# An export's columns are (key, header) pairs: the key is what the code knows a column by (export.TEXT_COLUMNS
# reads it), the header is what the reader sees, in the language of whoever asked for the file.
GROUP_HEADERS = {"unit": _l("unit"), "class": _l("class"), "course": _l("course")}
SUMMARY_COLUMNS = [
    ("enrolled", _l("enrolled")),
    ("completed", _l("completed")),
    ("rate", _l("completion rate (%)")),
    ("average_score", _l("average score")),
    ("credit_hours", _l("credit hours (学时) earned")),
    ("overdue", _l("overdue")),
]
OVERDUE_COLUMNS = [
    ("username", _l("username")),
    ("name", _l("name")),
    ("course", _l("course")),
    ("due", _l("due")),
]
DETAIL_COLUMNS = [
    ("unit", _l("unit")),
    ("username", _l("username")),
    ("name", _l("name")),
    ("phone", _l("phone")),
    ("course", _l("course")),
    ("completed_at", _l("completed at")),
    ("score", _l("score")),
    ("credit_hours", _l("credit hours (学时)")),
]


def headed(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The columns with their headers translated now, in the current language (a job forces its maker's)."""
    return [(key, str(text)) for key, text in columns]


def header(columns: list[tuple[str, str]]) -> list[str]:
    """The header line of a CSV file: the columns' headers in the current language."""
    return [str(text) for _, text in columns]


def summary_columns(by: str) -> list[tuple[str, str]]:
    """The summary's columns; the first names the grouping (unit, class or course)."""
    return headed([("group", GROUP_HEADERS[by])] + SUMMARY_COLUMNS)


def overdue_columns(by: str) -> list[tuple[str, str]]:
    """The overdue enrolments' columns, in the summary workbook's second sheet; by course, the
    line already names the course, so it is not written twice."""
    columns = [c for c in OVERDUE_COLUMNS if not (by == "course" and c[0] == "course")]
    return headed([("group", GROUP_HEADERS[by])] + columns)


def detail_columns() -> list[tuple[str, str]]:
    """The detailed export's columns, one per value detail_query selects; the completion time is
    headed with the organisation's time zone and its offset from UTC."""
    zone = organisation_zone()
    offset = dt.datetime.now(zone).strftime("%z")
    stamp = f"{zone.key}, UTC{offset[:3]}:{offset[3:]}"
    columns = [
        (key, _l("completed at (%(zone)s)", zone=stamp) if key == "completed_at" else header)
        for key, header in DETAIL_COLUMNS
    ]
    return headed(columns)


def organisation_zone() -> ZoneInfo:
    """The time zone every screen shows times in (the organisation's), for exported times too."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_time(column, dialect: str):
    """A stored UTC time as the organisation's local time, computed by the database.

    PostgreSQL converts with the zone's own rules. SQLite knows only fixed offsets: a zone that
    keeps one offset all year (Asia/Shanghai) gets it as a modifier; one with summer time is
    converted row by row by a function the connection registers (courseware.db)."""
    zone = organisation_zone()
    if dialect == "postgresql":
        return sa.func.timezone(zone.key, sa.func.timezone("UTC", column), type_=sa.DateTime)
    january = dt.datetime(2025, 1, 15, tzinfo=zone).utcoffset()
    july = dt.datetime(2025, 7, 15, tzinfo=zone).utcoffset()
    if january == july:
        minutes = int(january.total_seconds() // 60)
        return sa.func.datetime(column, f"{minutes:+d} minutes", type_=sa.DateTime)
    return sa.func.courseware_local_time(column, zone.key, type_=sa.DateTime)


def unit_paths():
    """Every unit's full name from the root ("浙江省 / 杭州市 / 西湖区"), as a recursive CTE."""
    top = (
        sa.select(Unit.id, sa.cast(Unit.name, sa.Text).label("path"))
        .where(Unit.parent_id.is_(None))
        .cte("unit_path", recursive=True)
    )
    child = sa.orm.aliased(Unit)
    return top.union_all(
        sa.select(child.id, sa.cast(top.c.path + " / " + child.name, sa.Text)).join(
            top, child.parent_id == top.c.id
        )
    )


def summary_rows(lines: list[Line]) -> list[list]:
    return [
        [
            line.label,
            line.enrolled,
            line.completed,
            line.rate,
            line.average_score,
            line.hours,
            len(line.overdue),
        ]
        for line in lines
    ]


def detail_query(filters: Filters):
    """Every completion in the range with who and where: the rows of the detailed export.

    A Core statement, run with streaming results, so memory does not grow with the rows.
    """
    dialect = db.session.get_bind().dialect.name
    paths = unit_paths()
    title = Course.title[str(get_locale() or "zh")[:2]].as_string()
    query = (
        sa.select(
            paths.c.path.label("unit"),
            User.username,
            User.name,
            User.phone,
            sa.func.coalesce(sa.func.nullif(title, ""), Course.title["zh"].as_string()).label(
                "course"
            ),
            local_time(CourseCompletion.completed_at, dialect).label("completed_at"),
            CourseCompletion.score,
            Course.credit_hours,
        )
        .join(User, User.id == CourseCompletion.user_id)
        .join(Course, Course.id == CourseCompletion.course_id)
        .outerjoin(paths, paths.c.id == User.unit_id)
        .order_by(CourseCompletion.id)
    )
    if filters.start:
        query = query.where(
            CourseCompletion.completed_at >= dt.datetime.combine(filters.start, dt.time())
        )
    if filters.end:
        query = query.where(
            CourseCompletion.completed_at
            < dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time())
        )
    if filters.unit_id is not None:
        _, children = unit_tree()
        query = query.where(User.unit_id.in_(subtree(filters.unit_id, children)))
    return query


def count_detail(filters: Filters) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(detail_query(filters).order_by(None).subquery())
    )
