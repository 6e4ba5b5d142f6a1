"""Completion kept right: when a course's completion rule changes, its learners are checked against
the new rule by the job queue's worker, and those who now meet it complete the course (and are
certified, by the listeners of course_completed). Completions already earned stay.

The learners are everyone with a trace on the course: a lesson opened, a quiz attempted, an
exercise played, or a class the course is assigned to. Each is checked and committed on their own,
so a worker that stops half-way loses nothing done; checking again completes nobody twice.
"""

from __future__ import annotations

import sqlalchemy as sa

from courseware import jobs
from courseware.accounts.models import cohort_member
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises.models import Exercise, ExerciseRun
from courseware.jobs import JobStatus, set_state
from courseware.lessons.models import Lesson
from courseware.progress.completion import check_completion
from courseware.progress.models import (
    CompletionRecheck,
    CourseAssignment,
    CourseCompletion,
    LessonProgress,
)
from courseware.quizzes.models import Attempt, Quiz
from courseware.timeutil import utcnow

KIND = "completion-recheck"


def start(course: Course, requested_by_id: int | None) -> CompletionRecheck:
    """Queue a recheck of the course's learners; the caller's changes are committed with it."""
    recheck = CompletionRecheck(
        course_id=course.id,
        requested_by_id=requested_by_id,
        status=JobStatus.QUEUED,
        queued_at=utcnow(),
    )
    db.session.add(recheck)
    db.session.commit()
    jobs.send(KIND, recheck.id)
    return recheck


def latest(course_id: int) -> CompletionRecheck | None:
    """The course's most recent recheck, for the instructor's page."""
    return db.session.scalar(
        sa.select(CompletionRecheck)
        .where(CompletionRecheck.course_id == course_id)
        .order_by(CompletionRecheck.id.desc())
        .limit(1)
    )


def find(course_id: int, recheck_id: int) -> CompletionRecheck | None:
    return db.session.scalar(
        sa.select(CompletionRecheck).where(
            CompletionRecheck.id == recheck_id, CompletionRecheck.course_id == course_id
        )
    )


def learners_of(course_id: int) -> list[int]:
    """Everyone with a trace on the course who has not completed it, in id order."""
    traces = sa.union(
        sa.select(LessonProgress.user_id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(Lesson.course_id == course_id),
        sa.select(Attempt.user_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Quiz.course_id == course_id),
        sa.select(ExerciseRun.user_id)
        .join(Exercise, Exercise.id == ExerciseRun.exercise_id)
        .where(Exercise.course_id == course_id, ExerciseRun.user_id.is_not(None)),
        sa.select(cohort_member.c.user_id)
        .join(CourseAssignment, CourseAssignment.cohort_id == cohort_member.c.cohort_id)
        .where(CourseAssignment.course_id == course_id),
    ).subquery()
    done = sa.select(CourseCompletion.user_id).where(CourseCompletion.course_id == course_id)
    return list(
        db.session.scalars(
            sa.select(traces.c.user_id)
            .where(traces.c.user_id.not_in(done))
            .distinct()
            .order_by(traces.c.user_id)
        )
    )


def run_recheck(recheck_id: int) -> None:
    """The work of a recheck job, in the worker's app context."""
    course_id = db.session.get(CompletionRecheck, recheck_id).course_id
    learners = learners_of(course_id)
    # A second attempt finds only those the first did not complete: the count goes on from its.
    set_state(CompletionRecheck, recheck_id, total=len(learners), done=0)
    for done, user_id in enumerate(learners, start=1):
        if check_completion(course_id, user_id, utcnow()) is not None:
            # Counted in the completion's own transaction, so the count never misses one.
            db.session.execute(
                sa.update(CompletionRecheck)
                .where(CompletionRecheck.id == recheck_id)
                .values(completed=CompletionRecheck.completed + 1)
            )
        db.session.commit()  # each learner's completion and certificate, on their own
        if done % 20 == 0:
            set_state(CompletionRecheck, recheck_id, done=done)
    finished = db.session.execute(
        sa.update(CompletionRecheck)
        .where(jobs.held(CompletionRecheck, recheck_id))
        .values(status=JobStatus.DONE, done=len(learners), finished_at=utcnow())
    ).rowcount
    if not finished:
        db.session.rollback()
        return
    db.session.commit()
