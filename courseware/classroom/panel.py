"""What the instructor's session page shows of the live quiz and the questions from the room."""

from __future__ import annotations

import datetime as dt

from courseware.classroom import livequiz, messages, posts, sessions
from courseware.classroom.live_forms import (
    DecidePostForm,
    LiveQuizForm,
    ModerationForm,
    PushForm,
)
from courseware.classroom.models import ClassSession


def start_form(session: ClassSession, formdata=None) -> LiveQuizForm:
    courses = livequiz.courses_of(session)
    quizzes = livequiz.quizzes_of([c.id for c in courses])
    form = LiveQuizForm(formdata=formdata, courses=courses, quizzes=quizzes)
    if formdata is None:
        form.seconds.data = livequiz.default_seconds()
    return form


def push_form(live, formdata=None) -> PushForm:
    return PushForm(formdata=formdata, records=livequiz.bank_questions(live.course_id))


def forms_context(session: ClassSession, start=None, push=None) -> dict:
    """The forms to start a live quiz or push its next question, and the quizzes run before."""
    live = livequiz.running(session)
    context = {"running_live": live, "live_quizzes": livequiz.of_session(session)}
    if live is None:
        context["start_form"] = start or start_form(session)
    else:
        context["push_form"] = push or push_form(live)
        context["bank"] = livequiz.bank_questions(live.course_id)
    return context


def board_context(session: ClassSession, now: dt.datetime) -> dict:
    """The polled part: the live question and how many answered, and the posts to moderate."""
    live = livequiz.running(session)
    lq = livequiz.current_question(live) if live else None
    context = {
        "session": session,
        "running_live": live,
        "lq": lq,
        "pending_posts": posts.pending(session),
        "decided_posts": posts.decided(session),
        "approved_questions": posts.approved_questions(session),
        "decide_post_form": DecidePostForm(),
        "moderation_form": ModerationForm(),
        "messages": messages,
    }
    if lq is not None:
        context.update(
            live_question=livequiz.question_of(lq),
            answered=livequiz.answered_count(lq),
            present=len(sessions.present_ids(session)),
            seconds_left=livequiz.seconds_left(lq, now),
            question_open=livequiz.is_open(lq, now),
        )
    return context
