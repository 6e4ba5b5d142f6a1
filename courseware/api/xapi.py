"""Completions and quiz results as xAPI 1.0.3 statements, for a learning record store (LRS).

A course completion is "completed"; a graded quiz attempt is "passed" or "failed", with
result.score.scaled = score / max_score. Statement ids are derived from the site and the record,
so exporting the same record twice gives the same id and an LRS can tell it has it already.
"""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import request, url_for
from flask_babel import gettext as _

from courseware.accounts.models import User
from courseware.api import params
from courseware.api.params import ApiError
from courseware.api.report_reads import unit_subtree
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseCompletion
from courseware.quizzes.models import Attempt, Quiz

VERSION = "1.0.3"
ADL = "http://adlnet.gov/expapi"
VERBS = {
    "completed": {"id": f"{ADL}/verbs/completed", "display": {"en": "completed", "zh-CN": "完成"}},
    "passed": {"id": f"{ADL}/verbs/passed", "display": {"en": "passed", "zh-CN": "通过"}},
    "failed": {"id": f"{ADL}/verbs/failed", "display": {"en": "failed", "zh-CN": "未通过"}},
}
COURSE_TYPE = f"{ADL}/activities/course"
ASSESSMENT_TYPE = f"{ADL}/activities/assessment"
# Sort order of the two sources when timestamps tie; part of the cursor.
COMPLETION, ATTEMPT = "a-completion", "b-attempt"


def _home() -> str:
    return request.url_root


def _statement_id(kind: str, record_id: int) -> str:
    site = uuid.uuid5(uuid.NAMESPACE_URL, _home())
    return str(uuid.uuid5(site, f"{kind}/{record_id}"))


def _language_map(title: dict | None) -> dict:
    """A stored {"zh", "en"} title as an xAPI language map; a missing translation is left out."""
    title = title or {}
    names = {"zh-CN": title.get("zh") or title.get("en") or ""}
    if title.get("en"):
        names["en"] = title["en"]
    return names


def actor(user: User) -> dict:
    """The learner as an xAPI Agent identified by their account on this site."""
    return {
        "objectType": "Agent",
        "name": user.name,
        "account": {"homePage": _home(), "name": user.username},
    }


def course_activity(course: Course) -> dict:
    return {
        "objectType": "Activity",
        "id": url_for("lessons.course", course_slug=course.slug, _external=True),
        "definition": {"name": _language_map(course.title), "type": COURSE_TYPE},
    }


def quiz_activity(quiz: Quiz, course: Course) -> dict:
    return {
        "objectType": "Activity",
        "id": url_for("quizzes.quiz", course_slug=course.slug, quiz_slug=quiz.slug, _external=True),
        "definition": {"name": _language_map(quiz.title), "type": ASSESSMENT_TYPE},
    }


def _score(raw: float | None, maximum: float) -> dict | None:
    """An xAPI score: scaled in [0, 1], with raw, min and max when the raw score lies in range."""
    if raw is None or not maximum or maximum <= 0:
        return None
    score = {"scaled": round(min(max(raw / maximum, 0.0), 1.0), 4)}
    if 0 <= raw <= maximum:
        score.update(raw=raw, min=0, max=maximum)
    return score


def _context() -> dict:
    return {"platform": "Courseware"}


def completion_statement(completion: CourseCompletion, user: User, course: Course) -> dict:
    """A course completion: verb completed, with the mean score (0–100) when the course has one."""
    result = {"completion": True}
    score = _score(completion.score, 100.0)
    if score:
        result["score"] = score
    return {
        "id": _statement_id("completion", completion.id),
        "actor": actor(user),
        "verb": VERBS["completed"],
        "object": course_activity(course),
        "result": result,
        "context": _context(),
        "timestamp": params.timestamp(completion.completed_at),
        "version": VERSION,
    }


def attempt_statement(attempt: Attempt, user: User, quiz: Quiz, course: Course) -> dict:
    """A graded quiz attempt: verb passed or failed, with result.score.scaled = score / max_score."""
    result = {"success": bool(attempt.passed), "completion": True}
    score = _score(attempt.score, attempt.max_score)
    if score:
        result["score"] = score
    if attempt.submitted_at and attempt.started_at and attempt.submitted_at >= attempt.started_at:
        result["duration"] = (
            f"PT{int((attempt.submitted_at - attempt.started_at).total_seconds())}S"
        )
    context = _context()
    context["contextActivities"] = {"parent": [course_activity(course)]}
    return {
        "id": _statement_id("attempt", attempt.id),
        "actor": actor(user),
        "verb": VERBS["passed" if attempt.passed else "failed"],
        "object": quiz_activity(quiz, course),
        "result": result,
        "context": context,
        "timestamp": params.timestamp(attempt.submitted_at),
        "version": VERSION,
    }


# --- the statement feed -------------------------------------------------------------------------


def _after(column, id_column, kind: str, after: tuple | None):
    """Rows of one source that sort after the cursor (timestamp, source, id)."""
    if after is None:
        return sa.true()
    moment, after_kind, after_id = after
    if kind > after_kind:
        return column >= moment
    if kind < after_kind:
        return column > moment
    return sa.or_(column > moment, sa.and_(column == moment, id_column > after_id))


def _cursor(args) -> tuple | None:
    cursor = params.text(args, "cursor")
    if cursor is None:
        return None
    key = params.decode_cursor(cursor)
    try:
        moment, kind, record_id = key
        if kind not in (COMPLETION, ATTEMPT) or not isinstance(record_id, int):
            raise ValueError(key)
        return dt.datetime.fromisoformat(moment), kind, record_id
    except (ValueError, TypeError):
        raise ApiError(
            _("The cursor is not valid; use next_cursor from a previous page."), "cursor"
        ) from None


def statements(args) -> dict:
    """Completions and graded attempts as statements, oldest first, with an xAPI "more" link.

    Filters: since (exclusive) and until (inclusive) date-times, unit (with sub-units), course
    (slug), user (id) and verb (IRI).
    """
    since, until = params.datetime(args, "since"), params.datetime(args, "until")
    unit_id = params.identifier(args, "unit")
    user_id = params.identifier(args, "user")
    course_slug = params.text(args, "course", 64)
    verb = params.choice(args, "verb", [v["id"] for v in VERBS.values()])
    limit = params.page({"limit": args.get("limit")}).limit
    after = _cursor(args)
    units = unit_subtree(unit_id) if unit_id is not None else None

    def common(stmt, moment):
        if since is not None:
            stmt = stmt.where(moment > since)
        if until is not None:
            stmt = stmt.where(moment <= until)
        if units is not None:
            stmt = stmt.where(User.unit_id.in_(units))
        if user_id is not None:
            stmt = stmt.where(User.id == user_id)
        if course_slug is not None:
            stmt = stmt.where(Course.slug == course_slug)
        return stmt

    rows = []
    if verb in (None, VERBS["completed"]["id"]):
        stmt = (
            sa.select(CourseCompletion, User, Course)
            .join(User, User.id == CourseCompletion.user_id)
            .join(Course, Course.id == CourseCompletion.course_id)
            .where(_after(CourseCompletion.completed_at, CourseCompletion.id, COMPLETION, after))
            .order_by(CourseCompletion.completed_at, CourseCompletion.id)
            .limit(limit + 1)
        )
        for completion, user, course in db.session.execute(
            common(stmt, CourseCompletion.completed_at)
        ):
            key = (completion.completed_at, COMPLETION, completion.id)
            rows.append((key, lambda c=completion, u=user, k=course: completion_statement(c, u, k)))
    if verb in (None, VERBS["passed"]["id"], VERBS["failed"]["id"]):
        stmt = (
            sa.select(Attempt, User, Quiz, Course)
            .join(User, User.id == Attempt.user_id)
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .join(Course, Course.id == Quiz.course_id)
            .where(
                Attempt.status == "submitted",
                Attempt.passed.is_not(None),
                Attempt.submitted_at.is_not(None),
            )
            .where(_after(Attempt.submitted_at, Attempt.id, ATTEMPT, after))
            .order_by(Attempt.submitted_at, Attempt.id)
            .limit(limit + 1)
        )
        if verb is not None:
            stmt = stmt.where(Attempt.passed.is_(verb == VERBS["passed"]["id"]))
        for attempt, user, quiz, course in db.session.execute(common(stmt, Attempt.submitted_at)):
            key = (attempt.submitted_at, ATTEMPT, attempt.id)
            rows.append(
                (key, lambda a=attempt, u=user, q=quiz, k=course: attempt_statement(a, u, q, k))
            )
    rows.sort(key=lambda row: row[0])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        moment, kind, record_id = rows[-1][0]
        next_cursor = params.encode_cursor((moment.isoformat(), kind, record_id))
    return {
        "statements": [build() for _key, build in rows],
        "more": _more_link(args, next_cursor),
        "next_cursor": next_cursor,
    }


def _more_link(args, next_cursor: str | None) -> str:
    """xAPI's "more": the address of the next page, or "" when this is the last."""
    if next_cursor is None:
        return ""
    query = {k: v for k, v in args.items() if k != "cursor"}
    query["cursor"] = next_cursor
    return url_for("api.xapi_statements") + "?" + urlencode(query)
