"""A typed answer compared with the accepted ones, ignoring case, width and extra space."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes import gift_syntax
from courseware.quizzes.questions import normalise_answer, Question
from courseware.quizzes.types.base import Grade, TypedAnswers
from courseware.quizzes.yaml_parts import answer_to_yaml, read_answers


def matching_options(question: Question, typed) -> list:
    """The accepted answers (in either language) that a typed answer is."""
    answer = normalise_answer(str(typed))
    return [
        o for o in question.options if answer in {normalise_answer(t) for t in o.text.values() if t}
    ]


class Short(TypedAnswers):
    name = "short"
    label = _l("short answer")
    yaml_fields = frozenset({"answers"})
    typed = True
    template = "quizzes/types/short.html"
    in_gift = True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.options = read_answers(reader, data.get("answers"), key + ("answers",))

    def write_yaml(self, question: Question) -> dict:
        return {"answers": [answer_to_yaml(o) for o in question.options]}

    def read_gift(self, block, question: Question, answers) -> None:
        question.options = gift_syntax.read_short_answers(block, answers)

    def gift_unsupported(self, question: Question) -> str | None:
        return gift_syntax.short_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return gift_syntax.write_short_answers(question)

    def grade(self, question: Question, response) -> Grade:
        return Grade.of(max((o.weight for o in matching_options(question, response)), default=0.0))

    def feedback(self, question: Question, response) -> list[dict]:
        return [o.feedback for o in matching_options(question, response)]


TYPE = Short()
