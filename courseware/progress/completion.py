"""Course completion: a course's rule, where a learner stands against it, and the record written once
the rule is met (with its 学时 credited to the ledger in the same transaction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from courseware import signals
from courseware.accounts.audit import record
from courseware.courses.models import Course
from courseware.db import built_once, db, read_rows
from courseware.exercises.runs import best_runs
from courseware.lessons import reading
from courseware.progress import tracking
from courseware.progress.models import CourseCompletion, LessonProgress
from courseware.quizzes.attempts import quiz_statuses


@dataclass
class Part:
    kind: str  # lessons | quizzes | exercises | minutes
    required: int
    done: int
    missing: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.done >= self.required


@dataclass
class Standing:
    met: bool
    parts: list[Part]
    score: float | None


def chosen_items(rule_value, available: list[str]) -> list[str]:
    """The slugs a rule value ("all" or a list) picks out of those available, in their order."""
    if rule_value == "all":
        return list(available)
    if isinstance(rule_value, list):
        return [slug for slug in rule_value if slug in available]
    return []


def standing(course: Course, user_id: int, quizzes=None, exercises=None, lessons=None) -> Standing:
    """Where a learner stands against the course's completion rule, part by part; `quizzes`,
    `exercises` and `lessons` are quiz_statuses(), best_runs() and reading.lesson_rows() when the
    caller has read them already."""
    rule = course.completion or {"lessons": "all"}
    if lessons is None:
        # The readable lessons' ids and slugs, without loading each lesson.
        lessons = reading.lesson_rows(course)
    rows = tracking.statuses(user_id, course.id, [lesson.id for lesson in lessons])
    parts = []
    wanted = chosen_items(rule.get("lessons", "all"), [lesson.slug for lesson in lessons])
    done = {
        lesson.slug
        for lesson in lessons
        if tracking.status_of(rows, lesson.id) == tracking.COMPLETED
    }
    parts.append(
        Part(
            "lessons",
            len(wanted),
            len([s for s in wanted if s in done]),
            [s for s in wanted if s not in done],
        )
    )

    if quizzes is None:
        quizzes = quiz_statuses(course, user_id)
    course_quizzes = [slug for slug in course.item_slugs("quiz") if slug in quizzes]
    wanted = chosen_items(rule.get("quizzes"), course_quizzes)
    if wanted:
        passed = [s for s in wanted if quizzes[s].passed]
        parts.append(
            Part("quizzes", len(wanted), len(passed), [s for s in wanted if s not in passed])
        )

    if exercises is None:
        exercises = best_runs(course, user_id)
    course_exercises = [slug for slug in course.item_slugs("exercise") if slug in exercises]
    wanted = chosen_items(rule.get("exercises"), course_exercises)
    if wanted:
        completed = [s for s in wanted if exercises[s][2] == tracking.COMPLETED]
        parts.append(
            Part(
                "exercises", len(wanted), len(completed), [s for s in wanted if s not in completed]
            )
        )

    minimum = int(rule.get("min_active_minutes") or 0)
    if minimum:
        minutes = sum(p.active_seconds for p in rows.values()) // 60
        parts.append(Part("minutes", minimum, min(int(minutes), minimum)))

    scores = [
        100 * q.counted.score / q.counted.max_score
        for q in quizzes.values()
        if q.counted and q.counted.max_score
    ]
    scores += [
        best.score
        for _, best, _ in exercises.values()
        if best is not None and best.score is not None
    ]
    score = round(sum(scores) / len(scores), 1) if scores else None
    return Standing(all(p.met for p in parts), parts, score)


@built_once
def _completion_of():
    return sa.select(CourseCompletion).where(
        CourseCompletion.course_id == sa.bindparam("course_id"),
        CourseCompletion.user_id == sa.bindparam("user_id"),
    )


def completion_of(course_id: int, user_id: int) -> CourseCompletion | None:
    return db.session.scalar(_completion_of(), {"course_id": course_id, "user_id": user_id})


@built_once
def _completion_row_of():
    return _completion_of().with_only_columns(CourseCompletion.id, CourseCompletion.completed_at)


def completion_shown(course_id: int, user_id: int) -> sa.Row | None:
    """The learner's completion of the course as its pages show it (id, completed_at), or None:
    read as a row, which costs a course page less than the object completion_of() builds."""
    rows = read_rows(_completion_row_of(), {"course_id": course_id, "user_id": user_id})
    return rows[0] if rows else None


def check_completion(course_id: int, user_id: int, now: dt.datetime) -> CourseCompletion | None:
    """Write the completion and credit its 学时 if the rule is met now; once only, ever."""
    if completion_of(course_id, user_id) is not None:
        return None
    course = db.session.get(Course, course_id)
    if course is None or course.archived_at is not None:
        return None
    result = standing(course, user_id)
    if not result.met:
        return None
    completion = CourseCompletion(
        user_id=user_id,
        course_id=course.id,
        completed_at=now,
        rule=dict(course.completion or {"lessons": "all"}),
        score=result.score,
    )
    try:
        # Two requests completing the same course at once: the unique row lets only one through.
        with db.session.begin_nested():
            db.session.add(completion)
            db.session.flush()
    except IntegrityError:
        return None
    # The 学时 ledger and the certificates listen.
    signals.course_completed.send(completion, course=course)
    return completion


def on_lesson_completed(lesson, user_id: int, now: dt.datetime, **extra) -> None:
    """A lesson read to the end may complete its course."""
    check_completion(lesson.course_id, user_id, now)


def on_attempt_graded(attempt, now: dt.datetime, **extra) -> None:
    """A passed attempt may complete its quiz's course."""
    if attempt.passed:
        check_completion(attempt.quiz.course_id, attempt.user_id, now)


def on_run_finished(run, user_ids, now: dt.datetime, **extra) -> None:
    """A finished run may complete the course for each of its players."""
    for user_id in user_ids:
        check_completion(run.exercise.course_id, user_id, now)


@built_once
def _completions_of_users():
    return sa.select(CourseCompletion).where(
        CourseCompletion.user_id.in_(sa.bindparam("user_ids", expanding=True))
    )


def completions_by_user(
    user_ids, course_id: int | None = None
) -> dict[int, dict[int, CourseCompletion]]:
    """Several learners' completions in one query, by user id then course id; only one course's if given."""
    users = list(user_ids)
    result: dict[int, dict[int, CourseCompletion]] = {user_id: {} for user_id in users}
    if not users:
        return result
    if course_id is None:
        rows = db.session.scalars(_completions_of_users(), {"user_ids": users})
    else:
        rows = db.session.scalars(
            _completions_of_users().where(CourseCompletion.course_id == course_id),
            {"user_ids": users},
        )
    for completion in rows:
        result[completion.user_id][completion.course_id] = completion
    return result


def active_minutes(user_id: int, lesson_ids) -> int:
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LessonProgress.active_seconds), 0)).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id.in_(list(lesson_ids))
        )
    )
    return int(total or 0) // 60


def set_rule(
    course: Course,
    chosen: dict[str, list[str]],
    available: dict[str, list[str]],
    min_active_minutes: int,
    now: dt.datetime,
) -> dict:
    """Set which lessons, quizzes and exercises a course requires, and how many minutes of reading.

    A kind whose every item is chosen is stored as "all", so items added later are required too;
    lessons are always named in the rule, quizzes and exercises only when some are chosen.
    Completions already earned stay; the change is audited."""
    rule: dict = {}
    for key in ("lessons", "quizzes", "exercises"):
        picked = [slug for slug in available.get(key, []) if slug in set(chosen.get(key, []))]
        if key == "lessons" or picked:
            whole = picked and len(picked) == len(available.get(key, []))
            rule[key] = "all" if whole else picked
    if min_active_minutes:
        rule["min_active_minutes"] = min_active_minutes
    before = course.completion
    course.completion = rule
    course.updated_at = now
    record("course.completion", f"course:{course.slug}", {"before": before, "after": rule})
    return rule


@dataclass(frozen=True)
class Finished:
    """A lesson just completed, and its course if that step completed the course too."""

    course: Course
    completion: CourseCompletion | None


def finished_now(course: Course, user_id: int, now: dt.datetime) -> Finished:
    """What a step taken at `now` finished: the course's completion when it was written then."""
    found = completion_of(course.id, user_id)
    return Finished(course, found if found is not None and found.completed_at == now else None)
