"""Grade one response to one question: pure functions, no database. Each type grades its own
responses (courseware/quizzes/types/); this is where the rules common to all of them live.

A response is what the attempt page sends, as JSON, always in the question's own order (the page
shuffles only what it shows); each type's response_from_form says what it holds.
"""

from __future__ import annotations

from courseware.quizzes.numbers import parse_number
from courseware.quizzes.questions import Question
from courseware.quizzes.types import question_type
from courseware.quizzes.types.base import EPSILON, Grade, is_blank, MANUAL, UNANSWERED

__all__ = [
    "EPSILON",
    "MANUAL",
    "UNANSWERED",
    "Grade",
    "feedback_for",
    "grade_response",
    "is_blank",
    "parse_number",
]


def grade_response(question: Question, response) -> Grade:
    """The grade of a response; a blank one is unanswered, except where there is nothing to answer."""
    kind = question_type(question.type)
    if kind is None:
        return UNANSWERED
    if kind.scored and is_blank(response):
        return UNANSWERED
    return kind.grade(question, response)


def feedback_for(question: Question, response) -> list[dict]:
    """The per-answer feedback texts that apply to a response."""
    kind = question_type(question.type)
    if kind is None or is_blank(response):
        return []
    return [t for t in kind.feedback(question, response) if t and any(t.values())]


def response_problem(question: Question, response):
    """Why a saved response cannot be graded as typed (a number that is not one), or None."""
    kind = question_type(question.type)
    if kind is None or is_blank(response):
        return None
    return kind.check_response(question, response)
