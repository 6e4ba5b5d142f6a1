"""What a learner's phone shows of the live quiz and of the questions from the room."""

from __future__ import annotations

import datetime as dt

from flask_login import current_user

from courseware.classroom import livequiz, messages, posts
from courseware.classroom.live_forms import PostForm
from courseware.classroom.models import ClassSession, LiveQuestion
from courseware.quizzes.display import fill_parts, html, ShownQuestion
from courseware.quizzes.models import Answer
from courseware.quizzes.types import question_type


def shown_question(lq: LiveQuestion, response) -> ShownQuestion:
    """The question as the attempt page shows it (the same inputs), options in the bank's order so
    that the phone and the projector agree."""
    question = livequiz.question_of(lq)
    kind = question_type(question.type)
    order = kind.shown_order(question, None, shuffle=False)
    answer = Answer(position=lq.position, response=response, points=lq.points, shown_order=order)
    return ShownQuestion(lq.position, lq.position, question, answer, order)


def phone_context(session: ClassSession, now: dt.datetime) -> dict:
    """The learner's live quiz: the question open or last closed, their answer, their score."""
    live = livequiz.latest(session)
    context = {"session": session, "live": live, "messages": messages}
    if live is None:
        context["state"] = "none"
        return context
    lq = livequiz.current_question(live)
    mine = livequiz.answer_of(lq, current_user.id) if lq else None
    earned, possible = livequiz.my_score(live, current_user.id, now)
    context.update(
        lq=lq,
        mine=mine,
        earned=earned,
        possible=possible,
        present=current_user.id in livequiz.present_ids(session),
    )
    if lq is not None:
        question = livequiz.question_of(lq)
        context.update(
            shown=shown_question(lq, mine.response if mine else None),
            question_open=livequiz.is_open(lq, now),
            shows_answers=livequiz.shows_answers(lq, now),
            seconds_left=livequiz.seconds_left(lq, now),
            right=livequiz.right_answers(question),
            html=html,
            fill_parts=fill_parts,
        )
    # What the poll compares: the page changes only when one of these does.
    context["state"] = "-".join(
        str(part)
        for part in (
            live.id,
            int(live.finished_at is not None),
            lq.id if lq else 0,
            int(context.get("question_open", False)),
            int(context.get("shows_answers", False)),
            mine.changes if mine else "x",
            int(context["present"]),
            earned,
        )
    )
    return context


def questions_context(session: ClassSession) -> dict:
    return {
        "session": session,
        "questions": posts.approved_questions(session, current_user.id),
        "my_posts": posts.mine(session, current_user.id),
        "messages": messages,
    }


def room_context(session: ClassSession, now: dt.datetime) -> dict:
    """Everything the learner's session page adds for the live quiz and the room's questions."""
    return {
        **phone_context(session, now),
        "room": questions_context(session),
        "post_form": PostForm(),
    }
