"""A learner's overview across courses."""

from dataclasses import dataclass

import sqlalchemy as sa

from courseware.courses.models import Course
from courseware.db import built_once, read_rows
from courseware.exercises.models import Exercise, ExerciseRun
from courseware.lessons import reading
from courseware.lessons.models import Lesson, LessonRevision
from courseware.progress.models import LessonProgress
from courseware.progress.tracking import COMPLETED
from courseware.quizzes.models import Attempt, Quiz


@dataclass
class CourseLine:
    # The course's id, slug, title, items and version (what its line and lesson_rows() read).
    course: sa.Row
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
    lines = []
    # Only the courses begun: a province's catalogue may hold hundreds.
    for course in read_rows(_courses_begun(), {"user_id": user_id}):
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
def _courses_begun():
    """The catalogue's courses a learner began, by a lesson, a quiz or an exercise, by slug: one
    statement, where a list of the courses' ids would be rendered again on every view."""
    course = Course.__table__
    user_id = sa.bindparam("user_id")
    begun = sa.union(
        sa.select(Lesson.course_id)
        .join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == user_id),
        sa.select(Quiz.course_id)
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user_id),
        sa.select(Exercise.course_id)
        .join(ExerciseRun, ExerciseRun.exercise_id == Exercise.id)
        .where(ExerciseRun.user_id == user_id),
    )
    return (
        sa.select(
            course.c.id, course.c.slug, course.c.title, course.c["items"], course.c.updated_at
        )
        .where(
            course.c.archived_at.is_(None),
            course.c.published_at.is_not(None),
            course.c.id.in_(begun),
        )
        .order_by(course.c.slug)
    )
