"""What an instructor reads about a quiz: the attempts, and how each question performed.

Facility index: the mean share of the points learners earned on a question (1 = everyone right).
Discrimination index: the correlation between the score on a question and the score on the rest
of the attempt, as Moodle reports it; near 0 or negative means the question does not separate
those who know the material from those who do not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from courseware.accounts.models import User
from courseware.db import db
from courseware.i18n import text
from courseware.quizzes.grading import is_blank
from courseware.quizzes.models import Answer, Attempt, Quiz
from courseware.quizzes.questions import BLANK
from courseware.quizzes.types import question_type


def submitted_attempts(quiz: Quiz) -> list[Attempt]:
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.quiz_id == quiz.id)
            .options(selectinload(Attempt.answers).selectinload(Answer.question))
            .order_by(Attempt.started_at)
        )
    )


def users_by_id(ids) -> dict[int, User]:
    ids = set(ids)
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def percent(attempt: Attempt) -> float | None:
    """The attempt's score in percent (Attempt.percent), for templates that are handed a function."""
    return attempt.percent


def duration_minutes(attempt: Attempt) -> float | None:
    if attempt.submitted_at is None:
        return None
    return round((attempt.submitted_at - attempt.started_at).total_seconds() / 60, 1)


def correlation(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


@dataclass
class ItemStats:
    name: str
    type: str
    title: str
    attempts: int = 0
    facility: float | None = None
    discrimination: float | None = None
    # (label, count, is_correct) per option, or the most frequent typed answers.
    distribution: list[tuple[str, int, bool]] = field(default_factory=list)


def _distribution(question, responses: list) -> list[tuple[str, int, bool]]:
    """The answers' spread as the question's type counts it, with a row for blank answers."""
    rows = [
        (text(label) if isinstance(label, dict) else label, count, correct)
        for label, count, correct in question_type(question.type).distribution(question, responses)
    ]
    blank = sum(1 for r in responses if is_blank(r))
    return rows + ([("—", blank, False)] if blank else [])


def item_analysis(attempts: list[Attempt]) -> list[ItemStats]:
    """Facility, discrimination and answer distribution for every question the attempts showed."""
    done = [a for a in attempts if a.is_submitted]
    per_question: dict[int, list[tuple[Attempt, Answer]]] = {}
    order: list[int] = []
    for attempt in done:
        for answer in attempt.answers:
            if answer.question_id not in per_question:
                order.append(answer.question_id)
            per_question.setdefault(answer.question_id, []).append((attempt, answer))
    stats = []
    for question_id in order:
        pairs = per_question[question_id]
        record = pairs[0][1].question
        question = record.question
        if not question_type(question.type).scored:
            continue
        item = ItemStats(
            record.name,
            question.type,
            text(question.text).replace(BLANK, "___")[:120],
            attempts=len(pairs),
        )
        graded = [(a, x) for a, x in pairs if x.final_fraction is not None]
        if graded:
            fractions = [x.final_fraction for _, x in graded]
            item.facility = round(sum(fractions) / len(fractions), 3)
            rest = [
                ((a.score or 0) - x.points * x.final_fraction) / ((a.max_score - x.points) or 1)
                for a, x in graded
            ]
            r = correlation(fractions, rest)
            item.discrimination = round(r, 3) if r is not None else None
        item.distribution = _distribution(question, [x.response for _, x in pairs])
        stats.append(item)
    return stats


def overview_header() -> list[str]:
    """The attempts sheet's column names, in the reader's language."""
    return [
        _("username"),
        _("name"),
        _("unit"),
        _("attempt"),
        _("status"),
        _("started (UTC)"),
        _("handed in (UTC)"),
        _("minutes"),
        _("score"),
        _("max"),
        _("percent"),
        # The column asks a question ("是否及格"); "passed" as a value reads "及格".
        _("passed (yes/no)"),
    ]


def overview_rows(attempts: list[Attempt]) -> list[list]:
    users = users_by_id(a.user_id for a in attempts)
    rows = []
    for a in attempts:
        user = users.get(a.user_id)
        rows.append(
            [
                user.username if user else "",
                user.name if user else "",
                user.unit.name if user and user.unit else "",
                a.number,
                "awaiting grading" if a.needs_grading else a.status,
                a.started_at.isoformat(timespec="seconds"),
                a.submitted_at.isoformat(timespec="seconds") if a.submitted_at else "",
                duration_minutes(a) if a.submitted_at else "",
                a.score if a.score is not None else "",
                a.max_score,
                a.percent if a.percent is not None else "",
                "" if a.passed is None else ("yes" if a.passed else "no"),
            ]
        )
    return rows


def item_header() -> list[str]:
    """The item analysis sheet's column names, in the reader's language."""
    return [
        _("question"),
        _("type"),
        _("text"),
        _("attempts"),
        _("facility"),
        _("discrimination"),
        _("answer"),
        _("count"),
        _("correct"),
    ]


def item_rows(stats: list[ItemStats]) -> list[list]:
    rows = []
    for item in stats:
        base = [
            item.name,
            item.type,
            item.title,
            item.attempts,
            "" if item.facility is None else item.facility,
            "" if item.discrimination is None else item.discrimination,
        ]
        if not item.distribution:
            rows.append(base + ["", "", ""])
        for label, count, correct in item.distribution:
            rows.append(base + [label, count, "yes" if correct else ""])
    return rows
