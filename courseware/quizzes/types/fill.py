"""A blank inside the sentence ("{blank}" in the text), typed or chosen from options."""

from __future__ import annotations

import random

from flask_babel import lazy_gettext as _l

from courseware.content.files import LANGUAGES
from courseware.quizzes.questions import BLANK, Question
from courseware.quizzes.types.base import Choices, Grade
from courseware.quizzes.types.editing import FILL_ANSWERS, FILL_OPTIONS
from courseware.quizzes.types.short import short_unsupported, write_short_answers
from courseware.quizzes.types.short import TYPE as SHORT
from courseware.quizzes.types.single import choices_unsupported, write_choices
from courseware.quizzes.types.single import TYPE as SINGLE
from courseware.quizzes.yaml_parts import answer_to_yaml, option_to_yaml, read_answers, read_options

# --- GIFT ---------------------------------------------------------------------------------


def fill_unsupported(question: Question) -> str | None:
    if BLANK not in question.text["zh"]:
        return f"a fill question's text must contain {BLANK}"
    if question.fill_choices:
        return choices_unsupported(question, None)
    return short_unsupported(question)


def write_fill(question: Question) -> str:
    if question.fill_choices:
        # Chosen blanks are read back as single-answer exactly when one of them is written with =.
        return write_choices(question, single=1 in [option.weight for option in question.options])
    return write_short_answers(question)


# --- the type -----------------------------------------------------------------------------


class Fill(Choices):
    """Chosen blanks behave as a single choice, typed ones as a short answer."""

    name = "fill"
    label = _l("fill in the blank")
    yaml_fields = frozenset({"answers", "options"})
    typed = True
    blank_in_text = True
    template = "quizzes/types/fill.html"
    editor_parts = (FILL_ANSWERS, FILL_OPTIONS)
    in_gift = True

    def _as(self, question: Question):
        return SINGLE if question.fill_choices else SHORT

    def read_yaml(self, reader, data, key, question: Question) -> None:
        for lang in LANGUAGES:
            if question.text[lang] and question.text[lang].count(BLANK) != 1:
                reader.problem(
                    key + ("text",), f"the {lang} text must contain {BLANK} exactly once"
                )
        if ("answers" in data) == ("options" in data):
            reader.problem(key, "a fill question has either answers (typed) or options (chosen)")
        elif "options" in data:
            question.fill_choices = True
            question.options = read_options(reader, data["options"], key + ("options",), self.name)
        else:
            question.options = read_answers(reader, data["answers"], key + ("answers",))

    def write_yaml(self, question: Question) -> dict:
        if question.fill_choices:
            return {"options": [option_to_yaml(o) for o in question.options]}
        return {"answers": [answer_to_yaml(o) for o in question.options]}

    def gift_unsupported(self, question: Question) -> str | None:
        return fill_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return write_fill(question)

    def shown_order(self, question: Question, rng: random.Random, shuffle: bool) -> list[int]:
        return super().shown_order(question, rng, shuffle) if question.fill_choices else []

    def response_from_form(self, question: Question, name: str, form):
        return self._as(question).response_from_form(question, name, form)

    def grade(self, question: Question, response) -> Grade:
        return self._as(question).grade(question, response)

    def feedback(self, question: Question, response) -> list[dict]:
        return self._as(question).feedback(question, response)

    def distribution(self, question: Question, responses: list) -> list[tuple]:
        if question.fill_choices:
            return super().distribution(question, responses)
        return SHORT.distribution(question, responses)


TYPE = Fill()
