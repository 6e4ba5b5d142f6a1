"""A learner's overview across courses."""

from dataclasses import dataclass

import sqlalchemy as sa

from courseware.courses import catalogue
from courseware.courses.models import Course
from courseware.db import built_once, db, read_rows
from courseware.exercises.models import Exercise, ExerciseRun
from courseware.lessons import reading
from courseware.lessons.models import Lesson, LessonRevision
from courseware.progress.models import LessonProgress
from courseware.progress.tracking import COMPLETED
from courseware.quizzes.models import Attempt, Quiz


@dataclass
class CourseLine:
    course: Course
    total: int
    completed: int
    seconds: int


@dataclass
class Summary:
    courses: list[CourseLine]
    # Each lesson read to the end, newest first: its progress row's columns with the lesson's
    # slug, its course's slug and its published titles.
    completed_lessons: list[sa.Row]
    seconds: int


def my_learning(user_id: int) -> Summary:
    """Sum a learner's progress by course, with their completed lessons newest first."""
    rows = read_rows(_progress_rows(), {"user_id": user_id})
    by_course: dict[int, list] = {}
    for row in rows:
        by_course.setdefault(row.course_id, []).append(row)
    started = set(by_course) | _courses_with_quizzes_or_exercises(user_id)
    lines = []
    # Only the courses begun: a province's catalogue may hold hundreds.
    for course in catalogue.active_courses_among(started):
        progress = by_course.get(course.id, [])
        lines.append(
            CourseLine(
                course=course,
                total=len(reading.lesson_rows(course)),
                completed=sum(1 for p in progress if p.status == COMPLETED),
                seconds=sum(p.active_seconds for p in progress),
            )
        )
    completed = sorted(
        (row for row in rows if row.status == COMPLETED),
        key=lambda row: row.completed_at,
        reverse=True,
    )
    return Summary(
        courses=lines, completed_lessons=completed, seconds=sum(p.active_seconds for p in rows)
    )


@built_once
def _progress_rows():
    progress, lesson = LessonProgress.__table__, Lesson.__table__
    course, revision = Course.__table__, LessonRevision.__table__
    return (
        sa.select(
            progress.c.status,
            progress.c.completed_at,
            progress.c.active_seconds,
            lesson.c.course_id,
            lesson.c.slug.label("lesson_slug"),
            course.c.slug.label("course_slug"),
            revision.c.title_zh,
            revision.c.title_en,
        )
        .join(lesson, lesson.c.id == progress.c.lesson_id)
        .join(course, course.c.id == lesson.c.course_id)
        .outerjoin(revision, revision.c.id == lesson.c.published_revision_id)
        .where(progress.c.user_id == sa.bindparam("user_id"))
    )


@built_once
def _courses_begun_elsewhere():
    quizzes = (
        sa.select(Quiz.course_id)
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == sa.bindparam("user_id"))
    )
    exercises = (
        sa.select(Exercise.course_id)
        .join(ExerciseRun, ExerciseRun.exercise_id == Exercise.id)
        .where(ExerciseRun.user_id == sa.bindparam("user_id"))
    )
    return quizzes.union(exercises)


def _courses_with_quizzes_or_exercises(user_id: int) -> set[int]:
    """Courses a learner began with a quiz or an exercise rather than a lesson: begun all the same."""
    return set(db.session.scalars(_courses_begun_elsewhere(), {"user_id": user_id}))
