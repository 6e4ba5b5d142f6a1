"""What the projector's activity region needs for the live quiz and the questions from the room,
read fresh on every poll."""

from __future__ import annotations

import datetime as dt

from courseware.classroom import livequiz, posts, sessions
from courseware.classroom.models import ClassSession, LiveQuiz
from courseware.db import db


def activity_context(session: ClassSession, now: dt.datetime) -> dict:
    """The values the current activity's template draws; nothing for other activities."""
    activity = session.activity or {}
    kind = activity.get("kind")
    if kind == "live_quiz":
        return live_quiz_context(session, activity.get("id"), now)
    if kind == "room_questions":
        return {"room_questions": posts.approved_questions(session)[:6]}
    return {}


def live_quiz_context(session: ClassSession, live_id, now: dt.datetime) -> dict:
    live = session_live_quiz(session, live_id)
    if live is None:
        return {}
    lq = livequiz.current_question(live)
    context = {"live": live, "lq": lq, "now": now}
    if lq is None:
        return context
    question = livequiz.question_of(lq)
    answers = livequiz.answers_to(lq)
    context.update(
        question=question,
        answered=len(answers),
        present=len(sessions.present_ids(session)),
        question_seconds_left=livequiz.seconds_left(lq, now),
        question_open=livequiz.is_open(lq, now),
        shows_answers=livequiz.shows_answers(lq, now),
    )
    if context["shows_answers"]:
        context.update(
            bars=livequiz.distribution(lq, answers),
            right=livequiz.right_answers(question),
            leaders=livequiz.leaderboard(live) if live.leaderboard else [],
        )
    return context


def session_live_quiz(session: ClassSession, live_id) -> LiveQuiz | None:
    """The session's own live quiz of this id, or None."""
    live = db.session.get(LiveQuiz, live_id) if isinstance(live_id, int) else None
    return live if live is not None and live.session_id == session.id else None
