"""Items to put in order; each item in its place earns its share."""

from __future__ import annotations

import random

from flask_babel import lazy_gettext as _l

from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import Grade, int_or_none, QuestionType, UNANSWERED
from courseware.quizzes.types.editing import ITEMS
from courseware.quizzes.yaml_parts import text_to_yaml


class Ordering(QuestionType):
    name = "ordering"
    label = _l("ordering")
    yaml_fields = frozenset({"items"})
    template = "quizzes/types/ordering.html"
    choices_in_slots = True
    editor_parts = (ITEMS,)
    in_gift = False

    def read_yaml(self, reader, data, key, question: Question) -> None:
        raw = data.get("items")
        if not isinstance(raw, list) or len(raw) < 2:
            reader.problem(
                key + ("items",), "an ordering question needs at least two items in the right order"
            )
        else:
            question.items = [reader.text(v, key + ("items", i)) for i, v in enumerate(raw)]

    def write_yaml(self, question: Question) -> dict:
        return {"items": [text_to_yaml(item) for item in question.items]}

    def shown_order(self, question: Question, rng: random.Random, shuffle: bool) -> list[int]:
        order = list(range(len(question.items)))
        # Shown in the right order the question would answer itself.
        for _ in range(10):
            rng.shuffle(order)
            if order != sorted(order):
                break
        return order

    def response_from_form(self, question: Question, name: str, form):
        """For each item in order, the place (1, 2, …) the learner gave it, or None."""
        return [int_or_none(form.get(f"{name}-{i}")) for i in range(len(question.items))]

    def grade(self, question: Question, response) -> Grade:
        n = len(question.items)
        if not isinstance(response, list) or not n:
            return UNANSWERED
        return Grade.of(sum(1 for item, place in enumerate(response[:n]) if place == item + 1) / n)


TYPE = Ordering()
