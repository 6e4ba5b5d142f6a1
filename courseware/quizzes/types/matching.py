"""Pairs to match; a pair with an empty left side is a distractor on the right."""

from __future__ import annotations

import random

from flask_babel import lazy_gettext as _l

from courseware.quizzes import gift_syntax
from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import Grade, index_in, int_or_none, QuestionType, UNANSWERED
from courseware.quizzes.yaml_parts import matching_fields, read_pairs


def real_pairs(question: Question) -> list[int]:
    """The pairs with a left side, which the learner matches; the rest are distractors."""
    return [i for i, p in enumerate(question.pairs) if any(p.left.values())]


class Matching(QuestionType):
    name = "matching"
    label = _l("matching")
    yaml_fields = frozenset({"pairs", "distractors"})
    template = "quizzes/types/matching.html"
    in_gift = True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.pairs = read_pairs(reader, data, key)

    def write_yaml(self, question: Question) -> dict:
        return matching_fields(question)

    def read_gift(self, block, question: Question, answers) -> None:
        question.pairs = gift_syntax.read_pairs(block, answers)

    def gift_unsupported(self, question: Question) -> str | None:
        return gift_syntax.matching_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return gift_syntax.write_pairs(question)

    def shown_order(self, question: Question, rng: random.Random, shuffle: bool) -> list[int]:
        order = list(range(len(question.pairs)))
        rng.shuffle(order)
        return order

    def response_from_form(self, question: Question, name: str, form):
        """For each real pair in order, the index of the chosen right-hand text (or None)."""
        return [int_or_none(form.get(f"{name}-{i}")) for i in real_pairs(question)]

    def grade(self, question: Question, response) -> Grade:
        real = real_pairs(question)
        if not isinstance(response, list) or not real:
            return UNANSWERED
        right = sum(
            1
            for slot, i in enumerate(real)
            if slot < len(response)
            and index_in(response[slot], len(question.pairs)) is not None
            and question.pairs[response[slot]].right == question.pairs[i].right
        )
        return Grade.of(right / len(real))


TYPE = Matching()
