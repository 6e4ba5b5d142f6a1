"""What a course's own pages need from progress: its completion rule explained item by item for
the introduction, and who may read its instructor's guide."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from courseware import permissions
from courseware.accounts.models import Cohort
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises.runs import best_runs
from courseware.i18n import text
from courseware.lessons import reading
from courseware.progress.completion import chosen_items, standing
from courseware.progress.models import CourseAssignment
from courseware.quizzes.attempts import quiz_statuses


@dataclass(frozen=True)
class RuleItem:
    """One item the completion rule requires, as a learner reads it."""

    title: str
    done: bool
    # A quiz's pass mark (%) or an exercise's pass score; None for a lesson.
    threshold: float | None = None


@dataclass(frozen=True)
class RuleSummary:
    """The completion rule in words, with where the learner stands on each item."""

    every_lesson: bool  # the rule asks for all the lessons, including any added later
    lessons: list[RuleItem]
    quizzes: list[RuleItem]
    exercises: list[RuleItem]
    minutes: int  # active reading minutes required; 0 for none
    minutes_done: int
    met: bool


def explain_rule(course: Course, user_id: int) -> RuleSummary:
    """The course's completion rule as course.yaml (or its editors) set it, item by item, for the
    course's introduction page: titles, pass marks, and what the learner has done."""
    rule = course.completion or {"lessons": "all"}
    quizzes = quiz_statuses(course, user_id)
    exercises = best_runs(course, user_id)
    lessons = reading.lesson_rows(course)
    result = standing(course, user_id, quizzes, exercises, lessons)
    parts = {part.kind: part for part in result.parts}
    # The titles of the items standing() weighs (classes.course_items() would read them again).
    titles = {("lesson", row.slug): row.title for row in lessons}
    titles.update({("quiz", s): text(q.quiz.title) or s for s, q in quizzes.items()})
    titles.update({("exercise", s): text(run[0].title) or s for s, run in exercises.items()})

    # The same items standing() weighs: readable lessons, and quizzes and exercises that exist.
    exists = {"quiz": quizzes, "exercise": exercises}

    def items(kind: str, key: str, threshold) -> list[RuleItem]:
        part = parts.get(key)
        if part is None:
            return []
        known = exists.get(kind)
        wanted = chosen_items(
            rule.get(key, "all" if key == "lessons" else None),
            [
                slug
                for slug in course.item_slugs(kind)
                if (kind, slug) in titles and (known is None or slug in known)
            ],
        )
        return [
            RuleItem(titles[(kind, slug)], slug not in part.missing, threshold(slug))
            for slug in wanted
        ]

    minutes = parts.get("minutes")
    return RuleSummary(
        every_lesson=rule.get("lessons", "all") == "all",
        lessons=items("lesson", "lessons", lambda slug: None),
        quizzes=items(
            "quiz", "quizzes", lambda slug: quizzes[slug].quiz.settings.get("pass_mark", 60)
        ),
        exercises=items(
            "exercise", "exercises", lambda slug: exercises[slug][0].scenario.min_score
        ),
        minutes=minutes.required if minutes else 0,
        minutes_done=minutes.done if minutes else 0,
        met=result.met,
    )


def teaches_course(user, course: Course) -> bool:
    """The user may read the course's instructor's guide (教学指导): they edit the course, or teach
    or administer a class the course is assigned to. Learners never may."""
    if not permissions.is_staff(user):
        return False
    if permissions.edits_course(user, course):
        return True
    cohorts = permissions.visible_cohorts(user).with_only_columns(Cohort.id)
    return (
        db.session.scalar(
            sa.select(CourseAssignment.id)
            .where(CourseAssignment.course_id == course.id, CourseAssignment.cohort_id.in_(cohorts))
            .limit(1)
        )
        is not None
    )
