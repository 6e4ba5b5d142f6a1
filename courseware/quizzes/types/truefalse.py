"""A statement that is true or false."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes.gift_syntax import (
    escaped_text,
    formatted_text,
    general_feedback,
    Piece,
    SPACE,
    TRUE_WORDS,
    zh_text,
)
from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import Grade, QuestionType, UNANSWERED
from courseware.quizzes.types.editing import ANSWER_TRUE, FEEDBACK_FALSE, FEEDBACK_TRUE
from courseware.quizzes.yaml_parts import is_empty, text_to_yaml

FEEDBACK_FIELDS = ("feedback_true", "feedback_false")


# --- GIFT ---------------------------------------------------------------------------------


def read_truefalse(question: Question, answers: Piece) -> None:
    """Read `{TRUE#shown for a wrong answer#shown for a right answer}` (Moodle's order)."""
    parts = answers.text.split("#", 2) + ["", ""]
    question.answer = parts[0].strip(SPACE) in TRUE_WORDS
    wrong, right = zh_text(formatted_text(parts[1])), zh_text(formatted_text(parts[2]))
    # feedback_true is what a learner who answered "true" sees.
    question.feedback_true, question.feedback_false = (
        (right, wrong) if question.answer else (wrong, right)
    )


def truefalse_unsupported(question: Question) -> str | None:
    return None if question.answer in (True, False) else "a true/false question needs its answer"


def write_truefalse(question: Question) -> str:
    """`{TRUE#shown for a wrong answer#shown for a right answer}`, Moodle's order."""
    right, wrong = (
        (question.feedback_true, question.feedback_false)
        if question.answer
        else (question.feedback_false, question.feedback_true)
    )
    answer = "TRUE" if question.answer else "FALSE"
    feedback = ""
    if wrong["zh"] or right["zh"]:
        feedback = "#" + escaped_text(wrong["zh"], question.format)
    if right["zh"]:
        feedback += "#" + escaped_text(right["zh"], question.format)
    return "{" + answer + feedback + general_feedback(question, indent="") + "}"


# --- the type -----------------------------------------------------------------------------


class TrueFalse(QuestionType):
    name = "truefalse"
    label = _l("true/false")
    yaml_fields = frozenset({"answer", *FEEDBACK_FIELDS})
    template = "quizzes/types/truefalse.html"
    editor_parts = (ANSWER_TRUE, FEEDBACK_TRUE, FEEDBACK_FALSE)
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
        read_truefalse(question, answers)

    def gift_unsupported(self, question: Question) -> str | None:
        return truefalse_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return write_truefalse(question)

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
