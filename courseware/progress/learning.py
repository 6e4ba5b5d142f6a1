"""A learner's overview across courses."""

from dataclasses import dataclass

import sqlalchemy as sa

from courseware.courses import catalogue
from courseware.courses.models import Course
from courseware.db import built_once, db
from courseware.exercises.models import Exercise, ExerciseRun
from courseware.lessons import reading
from courseware.lessons.models import Lesson
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
    completed_lessons: list[tuple[Lesson, LessonProgress]]
    seconds: int


def my_learning(user_id: int) -> Summary:
    """Sum a learner's progress by course, with their completed lessons newest first."""
    rows = db.session.execute(_progress_rows(), {"user_id": user_id}).all()
    by_course: dict[int, list] = {}
    for progress, lesson in rows:
        by_course.setdefault(lesson.course_id, []).append(progress)
    started = set(by_course) | _courses_with_quizzes_or_exercises(user_id)
    lines = []
    for course in catalogue.active_courses():
        if course.id not in started:
            continue
        progress = by_course.get(course.id, [])
        lines.append(
            CourseLine(
                course=course,
                total=len(reading.readable_lessons(course)),
                completed=sum(1 for p in progress if p.status == COMPLETED),
                seconds=sum(p.active_seconds for p in progress),
            )
        )
    completed = sorted(
        ((lesson, p) for p, lesson in rows if p.status == COMPLETED),
        key=lambda pair: pair[1].completed_at,
        reverse=True,
    )
    return Summary(
        courses=lines, completed_lessons=completed, seconds=sum(p.active_seconds for p, _ in rows)
    )


@built_once
def _progress_rows():
    return (
        sa.select(LessonProgress, Lesson)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == sa.bindparam("user_id"))
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
