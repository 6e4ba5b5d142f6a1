"""The class progress grid: its cells for a class with mixed progress, and a number of queries that
does not grow with the class."""

import sqlalchemy as sa

from courseware.accounts.models import Cohort, Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises.models import Exercise
from courseware.exercises.runs import create_live, start_run
from courseware.lessons.models import Lesson
from courseware.progress.classes import class_grid, sort_rows
from courseware.progress.models import LessonProgress
from courseware.quizzes.attempts import start_attempt, submit_attempt
from courseware.quizzes.models import Quiz
from courseware.timeutil import utcnow
from tests.progress.test_completion import complete_lessons, pass_quiz, play_exercise

POOR = "无可奉告。"  # finishes the drill below its pass score


def read(app, user_id, **statuses):
    """Give a learner a summary row per lesson slug, with the status given."""
    with app.app_context():
        for slug, status in statuses.items():
            lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))
            db.session.add(
                LessonProgress(
                    user_id=user_id,
                    lesson_id=lesson.id,
                    status=status,
                    active_seconds=60,
                    completed_at=utcnow() if status == "completed" else None,
                )
            )
        db.session.commit()


def open_attempt(app, user_id):
    with app.app_context():
        start_attempt(db.session.scalar(sa.select(Quiz)), user_id, utcnow())
        db.session.commit()


def fail_quiz(app, user_id):
    """Hand in an attempt with nothing answered: it counts, with a score of 0, and does not pass."""
    with app.app_context():
        attempt = start_attempt(db.session.scalar(sa.select(Quiz)), user_id, utcnow())
        submit_attempt(attempt, utcnow())
        db.session.commit()


def open_run(app, user_id):
    with app.app_context():
        start_run(db.session.scalar(sa.select(Exercise)), user_id, utcnow())
        db.session.commit()


def live_team(app, teacher_id, members):
    """A live class of the drill, not started, with one team of the given learners."""
    with app.app_context():
        create_live(
            db.session.scalar(sa.select(Exercise)), teacher_id, None, [("一组", members)], 1.0
        )
        db.session.commit()


def make_class(app, name, user_ids):
    with app.app_context():
        cohort = Cohort(name=name)
        cohort.members.extend(db.session.get(User, i) for i in user_ids)
        db.session.add(cohort)
        db.session.commit()
        return cohort.id


def grid_of(app, cohort_id, **kwargs):
    """The grid's rows as (username, [(status, score) per cell], course done), read in a fresh session."""
    with app.test_request_context():
        cohort = db.session.get(Cohort, cohort_id)
        columns, rows = class_grid(cohort, db.session.scalar(sa.select(Course)), **kwargs)
        return [kind for kind, _, _ in columns], [
            (row.user.username, [(c.status, c.score) for c in row.cells], row.completed_course)
            for row in rows
        ]


def test_the_grid_shows_each_learners_lessons_quizzes_and_exercises(
    app, make_user, make_unit, full_course
):
    teacher = make_user(Role.INSTRUCTOR, username="teacher")
    office = make_unit("浙江省", "组织部", "干部一处")
    a, b, c, d, e = (
        make_user(username=name, unit_id=office if name in "ab" else None) for name in "abcde"
    )
    outsider = make_user(username="x")
    complete_lessons(app, a)
    assert pass_quiz(app, a) is True
    best = play_exercise(app, a)  # the last requirement: a completes the course
    read(app, b, first="in_progress")
    open_attempt(app, b)
    open_run(app, b)
    read(app, c, second="completed")
    fail_quiz(app, c)
    poor = play_exercise(app, c, POOR)
    live_team(app, teacher, [d, outsider])
    # Someone else's progress shows in no one's row.
    complete_lessons(app, outsider)
    pass_quiz(app, outsider)
    play_exercise(app, outsider)
    cohort_id = make_class(app, "2026 秋季班", [a, b, c, d, e])

    kinds, rows = grid_of(app, cohort_id)
    assert kinds == ["lesson", "lesson", "quiz", "exercise"]
    nothing = ("not_started", None)
    assert rows == [
        (
            "a",
            [("completed", None), ("completed", None), ("completed", 100.0), ("completed", best)],
            True,
        ),
        (
            "b",
            [("in_progress", None), nothing, ("in_progress", None), ("in_progress", None)],
            False,
        ),
        ("c", [nothing, ("completed", None), ("in_progress", 0.0), ("in_progress", poor)], False),
        ("d", [nothing, nothing, nothing, ("in_progress", None)], False),
        ("e", [nothing, nothing, nothing, nothing], False),
    ]
    assert 0 < poor < best
    # One learner's row, and a unit's rows, are the same rows.
    assert grid_of(app, cohort_id, user_id=c)[1] == [rows[2]]
    assert grid_of(app, cohort_id, unit_id=make_unit("浙江省"))[1] == rows[:2]


def statements_for_grid(app, cohort_id) -> list[str]:
    """The SQL the grid runs, sorted by unit, with what its template reads of each row."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.test_request_context():
        cohort = db.session.get(Cohort, cohort_id)
        course = db.session.scalar(sa.select(Course))
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            columns, rows = class_grid(cohort, course)
            rows = sort_rows(rows, "unit")
            shown = [
                (row.user.name, row.user.unit.name if row.user.unit else "", row.done)
                for row in rows
            ]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(shown) == len(cohort.members) and len(columns) == 4
    return statements


def test_the_grid_runs_as_many_queries_for_a_large_class_as_for_a_small_one(
    app, make_user, make_unit, full_course
):
    teacher = make_user(Role.INSTRUCTOR, username="teacher")

    def learners(prefix, size):
        """Learners in units of their own, each a few levels deep, with a mix of progress."""
        ids = [
            make_user(
                username=f"{prefix}{i:02}", unit_id=make_unit("浙江省", f"{prefix}部", f"{i}处")
            )
            for i in range(size)
        ]
        for i, user_id in enumerate(ids):
            if i % 4 == 0:
                complete_lessons(app, user_id)
                pass_quiz(app, user_id)
                play_exercise(app, user_id)
            elif i % 4 == 1:
                read(app, user_id, first="in_progress")
                open_attempt(app, user_id)
                open_run(app, user_id)
            elif i % 4 == 2:
                read(app, user_id, second="completed")
                fail_quiz(app, user_id)
                play_exercise(app, user_id, POOR)
        live_team(app, teacher, [user_id for i, user_id in enumerate(ids) if i % 4 == 3])
        return ids

    small = make_class(app, "小班", learners("s", 3))
    large = make_class(app, "大班", learners("l", 12))
    few, many = statements_for_grid(app, small), statements_for_grid(app, large)
    assert len(few) == len(many), "\n".join(many)
