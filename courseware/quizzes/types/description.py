"""Text only, between questions: no answer, no number, no points."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes.models import AnswerState
from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import Grade, QuestionType


class Description(QuestionType):
    name = "description"
    label = _l("description")
    scored = False
    template = "quizzes/types/description.html"
    in_gift = True

    def gift_unsupported(self, question: Question) -> str | None:
        return None

    def write_gift(self, question: Question) -> str:
        return ""

    def response_from_form(self, question: Question, name: str, form):
        return None

    def grade(self, question: Question, response) -> Grade:
        return Grade(0.0, AnswerState.CORRECT)


TYPE = Description()
