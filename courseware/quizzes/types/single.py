"""One answer to pick; other options may earn partial credit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes import gift_syntax
from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import Choices, Grade, index_in, int_or_none, UNANSWERED
from courseware.quizzes.yaml_parts import option_to_yaml, read_options


class Single(Choices):
    name = "single"
    label = _l("single choice")
    yaml_fields = frozenset({"options"})
    template = "quizzes/types/single.html"
    in_gift = True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.options = read_options(reader, data.get("options"), key + ("options",), self.name)
        if question.options and max(o.weight for o in question.options) <= 0:
            reader.problem(key + ("options",), "no option is marked correct")

    def write_yaml(self, question: Question) -> dict:
        return {"options": [option_to_yaml(o) for o in question.options]}

    def read_gift(self, block, question: Question, answers) -> None:
        question.options = gift_syntax.read_choices(block, answers)

    def gift_unsupported(self, question: Question) -> str | None:
        return gift_syntax.choices_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return gift_syntax.write_choices(question)

    def response_from_form(self, question: Question, name: str, form):
        return int_or_none(form.get(name))

    def grade(self, question: Question, response) -> Grade:
        index = index_in(response, len(question.options))
        return Grade.of(question.options[index].weight) if index is not None else UNANSWERED

    def feedback(self, question: Question, response) -> list[dict]:
        index = index_in(response, len(question.options))
        return [question.options[index].feedback] if index is not None else []


TYPE = Single()
