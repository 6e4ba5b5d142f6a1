"""Pairs to match; a pair with an empty left side is a distractor on the right."""

from __future__ import annotations

import random

from flask_babel import lazy_gettext as _l

from courseware.i18n import text_in
from courseware.quizzes.gift_syntax import (
    Block,
    check_no_lead,
    escape,
    escaped_text,
    formatted_text,
    general_feedback,
    Piece,
    plain_text,
    SPACE,
    split_answers,
    zh_text,
)
from courseware.quizzes.questions import Pair, Question
from courseware.quizzes.types.base import Grade, index_in, int_or_none, QuestionType, UNANSWERED
from courseware.quizzes.types.editing import DISTRACTORS, PAIRS
from courseware.quizzes.yaml_parts import matching_fields, read_pairs


def real_pairs(question: Question) -> list[int]:
    """The pairs with a left side, which the learner matches; the rest are distractors."""
    return [i for i, p in enumerate(question.pairs) if any(p.left.values())]


# --- GIFT ---------------------------------------------------------------------------------


def read_gift_pairs(block: Block, answers: Piece) -> list[Pair]:
    """Read `=left -> right` pairs; `= -> right` is a distractor (an extra right-hand side)."""
    lead, bodies = split_answers(answers, "=")
    reported = len(block.problems)
    check_no_lead(block, lead, "=")
    pairs = []
    for _, body in bodies:
        body = body.stripped()
        left, arrow, right = body.text.partition("->")
        if not arrow:
            block.report(body.offset, "a matching pair needs -> between its two sides")
            continue
        pair = Pair(left=zh_text(formatted_text(left)), right=zh_text(plain_text(right)))
        if not pair.right["zh"]:
            block.report(body.offset, "a matching pair needs a text after ->")
        pairs.append(pair)
    if len(block.problems) == reported and len([pair for pair in pairs if pair.left["zh"]]) < 2:
        block.report(answers.offset, "a matching question needs at least two pairs")
    return pairs


def matching_unsupported(question: Question) -> str | None:
    if len([pair for pair in question.pairs if pair.left["zh"].strip(SPACE)]) < 2:
        return "a matching question needs at least two pairs"
    if any("->" in pair.left["zh"] for pair in question.pairs):
        return "the left side of a matching pair cannot contain -> in GIFT"
    if any(not pair.right["zh"].strip(SPACE) for pair in question.pairs):
        return "a matching pair has no right side"
    return None


def write_pairs(question: Question) -> str:
    lines = [
        f"\t={escaped_text(pair.left['zh'], question.format)} -> {escape(pair.right['zh'])}\n"
        for pair in question.pairs
    ]
    return "{\n" + "".join(lines) + general_feedback(question) + "}"


# --- the type -----------------------------------------------------------------------------


class Matching(QuestionType):
    name = "matching"
    label = _l("matching")
    yaml_fields = frozenset({"pairs", "distractors"})
    template = "quizzes/types/matching.html"
    editor_parts = (PAIRS, DISTRACTORS)
    in_gift = True
    choices_in_slots = True

    def slots_choices(self, question: Question) -> bool:
        """Right-hand texts shown twice, in either language, are offered once, as the first in
        the attempt's order (ShownQuestion.rights): then a choice depends on its place."""
        for lang in ("zh", "en"):
            labels = [text_in(pair.right, lang) for pair in question.pairs]
            if len(set(labels)) != len(labels):
                return False
        return True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.pairs = read_pairs(reader, data, key)

    def write_yaml(self, question: Question) -> dict:
        return matching_fields(question)

    def read_gift(self, block, question: Question, answers) -> None:
        question.pairs = read_gift_pairs(block, answers)

    def gift_unsupported(self, question: Question) -> str | None:
        return matching_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return write_pairs(question)

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
