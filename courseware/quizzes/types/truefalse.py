"""A statement that is true or false."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes import gift_syntax
from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import Grade, QuestionType, UNANSWERED
from courseware.quizzes.yaml_parts import is_empty, text_to_yaml

FEEDBACK_FIELDS = ("feedback_true", "feedback_false")


class TrueFalse(QuestionType):
    name = "truefalse"
    label = _l("true/false")
    yaml_fields = frozenset({"answer", *FEEDBACK_FIELDS})
    template = "quizzes/types/truefalse.html"
    in_gift = True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        if not isinstance(data.get("answer"), bool):
            reader.problem(key + ("answer",), "a truefalse question needs answer: true or false")
        question.answer = data.get("answer") is True
        for field in FEEDBACK_FIELDS:
            setattr(question, field, reader.text(data.get(field), key + (field,), required=False))

    def write_yaml(self, question: Question) -> dict:
        fields = {"answer": bool(question.answer)}
        for field in FEEDBACK_FIELDS:
            if not is_empty(getattr(question, field)):
                fields[field] = text_to_yaml(getattr(question, field))
        return fields

    def read_gift(self, block, question: Question, answers) -> None:
        gift_syntax.read_truefalse(question, answers)

    def gift_unsupported(self, question: Question) -> str | None:
        return gift_syntax.truefalse_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return gift_syntax.write_truefalse(question)

    def response_from_form(self, question: Question, name: str, form):
        return {"true": True, "false": False}.get(form.get(name))

    def grade(self, question: Question, response) -> Grade:
        if not isinstance(response, bool):
            return UNANSWERED
        return Grade.of(1.0 if response == question.answer else 0.0)

    def feedback(self, question: Question, response) -> list[dict]:
        if not isinstance(response, bool):
            return []
        return [question.feedback_true if response else question.feedback_false]

    def distribution(self, question: Question, responses: list) -> list[tuple]:
        given = [r for r in responses if isinstance(r, bool)]
        return [
            ("true", given.count(True), question.answer is True),
            ("false", given.count(False), question.answer is False),
        ]


TYPE = TrueFalse()
