"""A learner's overview across courses."""
from dataclasses import dataclass

import sqlalchemy as sa

from courseware.db import db
from courseware.lessons import reading
from courseware.lessons.models import Course, Lesson
from courseware.progress.models import LessonProgress
from courseware.progress.tracking import COMPLETED


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
    rows = db.session.execute(
        sa.select(LessonProgress, Lesson).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id)
    ).all()
    by_course: dict[int, list] = {}
    for progress, lesson in rows:
        by_course.setdefault(lesson.course_id, []).append(progress)
    lines = []
    for course in reading.active_courses():
        if course.id not in by_course:
            continue
        progress = by_course[course.id]
        lines.append(CourseLine(
            course=course,
            total=len(reading.readable_lessons(course)),
            completed=sum(1 for p in progress if p.status == COMPLETED),
            seconds=sum(p.active_seconds for p in progress),
        ))
    completed = sorted(((lesson, p) for p, lesson in rows if p.status == COMPLETED),
                       key=lambda pair: pair[1].completed_at, reverse=True)
    return Summary(courses=lines, completed_lessons=completed, seconds=sum(p.active_seconds for p, _ in rows))
