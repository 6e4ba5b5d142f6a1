"""Several answers to pick; weights add up, and negative weights punish guessing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import Grade, index_in, int_or_none, UNANSWERED
from courseware.quizzes.types.editing import MULTIPLE_OPTIONS
from courseware.quizzes.types.single import choices_unsupported, Single, write_choices
from courseware.quizzes.yaml_parts import option_to_yaml, read_options, share_multiple


class Multiple(Single):
    name = "multiple"
    label = _l("multiple response")
    template = "quizzes/types/multiple.html"
    editor_parts = (MULTIPLE_OPTIONS,)

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.options = read_options(reader, data.get("options"), key + ("options",), self.name)
        share_multiple(question.options, data.get("options") or [])
        if question.options and max(o.weight for o in question.options) <= 0:
            reader.problem(key + ("options",), "no option is marked correct")

    def write_yaml(self, question: Question) -> dict:
        # Correct options without a weight share the points on reading, which would change
        # weights such as 100 and 50; writing every non-zero weight keeps them as they are.
        return {"options": [option_to_yaml(o, as_percent=True) for o in question.options]}

    def gift_unsupported(self, question: Question) -> str | None:
        return choices_unsupported(question, single=False)

    def write_gift(self, question: Question) -> str:
        return write_choices(question, single=False)

    def response_from_form(self, question: Question, name: str, form):
        return sorted({i for i in (int_or_none(v) for v in form.getlist(name)) if i is not None})

    def _chosen(self, question: Question, response) -> list[int]:
        if not isinstance(response, list):
            return []
        return [i for i in response if index_in(i, len(question.options)) is not None]

    def grade(self, question: Question, response) -> Grade:
        chosen = set(self._chosen(question, response))
        return Grade.of(sum(question.options[i].weight for i in chosen)) if chosen else UNANSWERED

    def feedback(self, question: Question, response) -> list[dict]:
        return [question.options[i].feedback for i in self._chosen(question, response)]


TYPE = Multiple()
