"""Classes and their courses: assignments with due dates, the class progress grid, a learner's detail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from courseware import signals
from courseware.accounts.models import (
    Cohort,
    cohort_instructor,
    cohort_member,
    Unit,
    unit_paths_of,
    User,
)
from courseware.courses.models import Course
from courseware.courses.outline import draft_items
from courseware.db import built_once, db
from courseware.exercises.models import Exercise
from courseware.exercises.runs import best_runs_for
from courseware.i18n import text
from courseware.lessons import reading
from courseware.progress import tracking
from courseware.progress.completion import completions_by_user
from courseware.progress.models import CourseAssignment, CourseCompletion
from courseware.quizzes.attempts import quiz_statuses_for
from courseware.quizzes.models import Quiz


class AssignmentError(ValueError):
    """An assignment that cannot be made; the code says why."""


def assign(
    cohort: Cohort,
    course: Course,
    starts_on: dt.date,
    due_on: dt.date,
    by: User,
    requirement: str = "required",
) -> CourseAssignment:
    """Assign the course to the class, required (必修) or elective (选修), or change the dates
    and the requirement of an assignment already made."""
    if due_on < starts_on:
        raise AssignmentError("dates")
    if requirement not in ("required", "elective"):
        raise AssignmentError("requirement")
    assignment = db.session.scalar(
        sa.select(CourseAssignment).where(
            CourseAssignment.cohort_id == cohort.id, CourseAssignment.course_id == course.id
        )
    )
    new = assignment is None
    if new:
        assignment = CourseAssignment(
            cohort_id=cohort.id, course_id=course.id, starts_on=starts_on, due_on=due_on
        )
        db.session.add(assignment)
    assignment.starts_on, assignment.due_on, assignment.assigned_by_id = starts_on, due_on, by.id
    assignment.requirement = requirement
    db.session.flush()
    if new:  # a changed date is not a new assignment: the learners were told of it already
        signals.course_assigned.send(assignment, cohort=cohort, course=course)
    return assignment


def assignments_of_cohort(cohort_id: int) -> list[CourseAssignment]:
    return list(
        db.session.scalars(
            sa.select(CourseAssignment)
            .where(CourseAssignment.cohort_id == cohort_id)
            .order_by(CourseAssignment.due_on)
        )
    )


@dataclass(frozen=True)
class AssignedCourse:
    """What a list of assigned courses shows of a course."""

    id: int
    slug: str
    title: dict


@dataclass(frozen=True)
class AssigningCohort:
    id: int
    name: str


@dataclass
class Assigned:
    course: AssignedCourse
    due_on: dt.date
    starts_on: dt.date
    cohort: AssigningCohort
    completed: bool

    def overdue(self, today: dt.date) -> bool:
        return not self.completed and today > self.due_on


@built_once
def _assignments_of_user():
    # Columns, not whole rows: the home page, My learning and the catalogue show these on every
    # view, and a course's row carries its outline and rule.
    completed = (
        sa.select(CourseCompletion.id)
        .where(
            CourseCompletion.user_id == sa.bindparam("user_id"),
            CourseCompletion.course_id == Course.id,
        )
        .exists()
    )
    return (
        sa.select(
            CourseAssignment.due_on,
            CourseAssignment.starts_on,
            Course.id,
            Course.slug,
            Course.title,
            Cohort.id,
            Cohort.name,
            completed,
        )
        .join(cohort_member, cohort_member.c.cohort_id == CourseAssignment.cohort_id)
        .join(Course, Course.id == CourseAssignment.course_id)
        .join(Cohort, Cohort.id == CourseAssignment.cohort_id)
        .where(cohort_member.c.user_id == sa.bindparam("user_id"), Course.archived_at.is_(None))
        .order_by(CourseAssignment.due_on)
    )


def assigned_to(user_id: int) -> list[Assigned]:
    """The courses a learner's classes assign, soonest due first (the earliest due date wins)."""
    rows = db.session.execute(_assignments_of_user(), {"user_id": user_id})
    seen, result = set(), []
    for due_on, starts_on, course_id, slug, title, cohort_id, cohort_name, completed in rows:
        if course_id in seen:
            continue
        seen.add(course_id)
        result.append(
            Assigned(
                AssignedCourse(course_id, slug, title),
                due_on,
                starts_on,
                AssigningCohort(cohort_id, cohort_name),
                bool(completed),
            )
        )
    return result


@dataclass(frozen=True)
class ClassPeople:
    """Who a class's page lists: its instructors' names, and its learners by username."""

    instructors: list[str]
    members: list[sa.Row]  # name, username, unit_id, position
    unit_paths: dict[int, str]


@built_once
def _people_of(table: sa.Table):
    return (
        sa.select(User.name, User.username, User.unit_id, User.position)
        .join(table, table.c.user_id == User.id)
        .where(table.c.cohort_id == sa.bindparam("cohort_id"))
        .order_by(User.username)
    )


def class_people(cohort_id: int) -> ClassPeople:
    """The class's instructors and learners with their units' paths, as columns: users as ORM
    objects, with every column of each, were most of the page's time."""
    values = {"cohort_id": cohort_id}
    instructors = [row.name for row in db.session.execute(_people_of(cohort_instructor), values)]
    members = db.session.execute(_people_of(cohort_member), values).all()
    return ClassPeople(instructors, members, unit_paths_of(row.unit_id for row in members))


def unit_and_below(unit_id: int) -> set[int]:
    """A unit's id and every unit under it, so a unit's figures include its sub-units."""
    ids, frontier = {unit_id}, [unit_id]
    while frontier:
        children = list(db.session.scalars(sa.select(Unit.id).where(Unit.parent_id.in_(frontier))))
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    return ids


@dataclass
class Cell:
    status: str  # not_started | in_progress | completed
    score: float | None = None


@dataclass
class GridRow:
    user: User
    cells: list[Cell]
    completed_course: bool

    @property
    def done(self) -> int:
        return sum(1 for c in self.cells if c.status == tracking.COMPLETED)


def course_items(course: Course, lessons: dict | None = None) -> list[tuple[str, str, str]]:
    """The course's readable lessons, quizzes and exercises in course order, as (kind, slug, title
    in the reader's language); `lessons` by slug, when the caller has them already."""
    if lessons is None:
        lessons = {lesson.slug: lesson for lesson in reading.readable_lessons(course)}
    # The titles in one query, without the lessons' text.
    lesson_titles = {row.slug: row.title for row in reading.lesson_rows(course)}
    titles = {
        (kind, slug): text(title)
        for model, kind in ((Quiz, "quiz"), (Exercise, "exercise"))
        for slug, title in db.session.execute(
            sa.select(model.slug, model.title).where(model.course_id == course.id)
        )
    }
    items = []
    drafts = draft_items(course.id)
    for kind, slug in course.items:
        if (kind, slug) in drafts:
            continue
        if kind == "lesson" and slug in lessons:
            items.append((kind, slug, lesson_titles.get(slug) or slug))
        elif kind in ("quiz", "exercise"):
            items.append((kind, slug, titles.get((kind, slug)) or slug))
    return items


def class_grid(
    cohort: Cohort, course: Course, unit_id: int | None = None, user_id: int | None = None
) -> tuple[list[tuple[str, str, str]], list[GridRow]]:
    """Learners × the course's items: each cell the status and, for quizzes and exercises, the score.

    Each kind of record is read once for the whole class, so a class of 300 costs the same few
    queries as a class of three.
    """
    lessons = {lesson.slug: lesson for lesson in reading.readable_lessons(course)}
    columns = course_items(course, lessons)
    members = [m for m in cohort.members if user_id is None or m.id == user_id]
    if unit_id is not None:
        allowed = unit_and_below(unit_id)
        members = [m for m in members if m.unit_id in allowed]
    load_units(members)
    user_ids = [user.id for user in members]
    progress = tracking.statuses_for(user_ids, [lesson.id for lesson in lessons.values()])
    quizzes = quiz_statuses_for(course, user_ids)
    exercises = best_runs_for(course, user_ids)
    completed = completions_by_user(user_ids, course.id)
    rows = []
    for user in members:
        cells = [
            grid_cell(kind, slug, lessons, progress[user.id], quizzes[user.id], exercises[user.id])
            for kind, slug, _ in columns
        ]
        rows.append(GridRow(user, cells, course.id in completed[user.id]))
    return columns, rows


# A cell's status beside the lesson statuses: an attempt was made and graded, and did not pass.
FAILED = "failed"


def grid_cell(
    kind: str, slug: str, lessons: dict, progress: dict, quizzes: dict, exercises: dict
) -> Cell:
    """One learner's cell for one item of the course, from their lesson, quiz and exercise standings."""
    if kind == "lesson":
        return Cell(tracking.status_of(progress, lessons[slug].id))
    if kind == "quiz" and slug in quizzes:
        q = quizzes[slug]
        score = (
            round(100 * q.counted.score / q.counted.max_score, 1)
            if q.counted and q.counted.max_score
            else None
        )
        # A graded attempt that counts and did not pass is a failure, not work in progress.
        failed = q.status != "completed" and q.counted is not None and q.counted.passed is False
        return Cell(FAILED if failed else q.status, score)
    if kind == "exercise" and slug in exercises:
        _, best, status = exercises[slug]
        # The best finished run fell short of the pass score: the learner has not passed yet.
        failed = status != "completed" and best is not None
        return Cell(FAILED if failed else status, best.score if best else None)
    return Cell(tracking.NOT_STARTED)


def load_units(users: list[User]) -> None:
    """Load the users' units and every unit above them in one query, and attach them.

    The grid shows each learner's unit and sorts by its full path: left to lazy loading, that is a
    query per learner and per level above their unit.
    """
    ids = {user.unit_id for user in users if user.unit_id is not None}
    if not ids:
        return
    tree = sa.select(Unit.id, Unit.parent_id).where(Unit.id.in_(ids)).cte("tree", recursive=True)
    tree = tree.union(sa.select(Unit.id, Unit.parent_id).join(tree, Unit.id == tree.c.parent_id))
    units = {
        unit.id: unit
        for unit in db.session.scalars(sa.select(Unit).where(Unit.id.in_(sa.select(tree.c.id))))
    }
    # Only where not loaded yet: a loaded attribute may hold a change not yet flushed.
    for unit in units.values():
        if "parent" in sa.inspect(unit).unloaded:
            set_committed_value(unit, "parent", units.get(unit.parent_id))
    for user in users:
        if "unit" in sa.inspect(user).unloaded:
            set_committed_value(user, "unit", units.get(user.unit_id))


def sort_rows(rows: list[GridRow], key: str) -> list[GridRow]:
    if key == "progress":
        return sorted(rows, key=lambda r: (-r.done, r.user.username))
    if key == "unit":
        return sorted(
            rows, key=lambda r: ((r.user.unit.path() if r.user.unit else ""), r.user.username)
        )
    return sorted(rows, key=lambda r: r.user.username)


def on_demo_created(cohort: Cohort, today: dt.date, **extra) -> None:
    """Give the demo class the courses already loaded, due in eight weeks, so its pages have work."""
    for course in db.session.scalars(sa.select(Course).where(Course.archived_at.is_(None))):
        db.session.add(
            CourseAssignment(
                cohort_id=cohort.id,
                course_id=course.id,
                starts_on=cohort.start_date,
                due_on=today + dt.timedelta(days=56),
            )
        )
