"""Grade one response to one question: pure functions, no database.

A response is what the attempt page sends, as JSON, always in the question's own order (the page
shuffles only what it shows):
  single, fill with choices: option index          multiple: list of option indexes
  truefalse: true/false                            short, fill typed, numerical, essay: text
  matching: for each real pair in order, the index of the chosen right-hand text (or null)
  ordering: for each item in order, the place (1, 2, …) the learner gave it, or null
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from courseware.quizzes.questions import normalise_answer, Question

# Numbers compared within a tolerance still need room for binary rounding (0.1 + 0.2).
EPSILON = 1e-9


@dataclass(frozen=True)
class Grade:
    """A response's share of the points; None while it waits for an instructor."""

    fraction: float | None
    state: str  # correct | partial | wrong | unanswered | manual

    @classmethod
    def of(cls, fraction: float) -> Grade:
        fraction = min(1.0, max(0.0, fraction))
        state = (
            "correct" if fraction >= 1 - EPSILON else "wrong" if fraction <= EPSILON else "partial"
        )
        return cls(round(fraction, 7), state)


UNANSWERED = Grade(0.0, "unanswered")
MANUAL = Grade(None, "manual")


def is_blank(response) -> bool:
    """Nothing chosen or typed; an untouched matching or ordering question is a list of nulls."""
    if isinstance(response, list):
        return all(item is None for item in response)
    return response is None or (isinstance(response, str) and not response.strip())


def _index(response, size: int) -> int | None:
    if isinstance(response, bool) or not isinstance(response, int) or not 0 <= response < size:
        return None
    return response


def parse_number(typed: str) -> float | None:
    """A number as a learner types it: full-width digits and a decimal comma are accepted."""
    value = unicodedata.normalize("NFKC", str(typed)).strip().replace(",", ".").replace(" ", "")
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _typed_weight(question: Question, typed) -> float:
    answer = normalise_answer(str(typed))
    weights = [
        o.weight
        for o in question.options
        if answer in {normalise_answer(t) for t in o.text.values() if t}
    ]
    return max(weights, default=0.0)


def grade_response(question: Question, response) -> Grade:
    kind = question.type
    if kind == "description":
        return Grade(0.0, "correct")
    if kind == "essay":
        return UNANSWERED if is_blank(response) else MANUAL
    if is_blank(response):
        return UNANSWERED
    if kind == "single" or (kind == "fill" and question.fill_choices):
        index = _index(response, len(question.options))
        return Grade.of(question.options[index].weight) if index is not None else UNANSWERED
    if kind == "multiple":
        if not isinstance(response, list):
            return UNANSWERED
        chosen = {i for i in response if _index(i, len(question.options)) is not None}
        return Grade.of(sum(question.options[i].weight for i in chosen)) if chosen else UNANSWERED
    if kind == "truefalse":
        if not isinstance(response, bool):
            return UNANSWERED
        return Grade.of(1.0 if response == question.answer else 0.0)
    if kind in ("short", "fill"):
        return Grade.of(_typed_weight(question, response))
    if kind == "numerical":
        number = parse_number(response)
        if number is None:
            return Grade(0.0, "wrong")
        weights = [
            n.weight for n in question.numbers if abs(number - n.value) <= n.tolerance + EPSILON
        ]
        return Grade.of(max(weights, default=0.0))
    if kind == "matching":
        real = [i for i, p in enumerate(question.pairs) if any(p.left.values())]
        if not isinstance(response, list) or all(r is None for r in response):
            return UNANSWERED
        right = sum(
            1
            for slot, i in enumerate(real)
            if slot < len(response)
            and _index(response[slot], len(question.pairs)) is not None
            and question.pairs[response[slot]].right == question.pairs[i].right
        )
        return Grade.of(right / len(real)) if real else UNANSWERED
    if kind == "ordering":
        n = len(question.items)
        if not isinstance(response, list) or all(r is None for r in response):
            return UNANSWERED
        return Grade.of(sum(1 for item, place in enumerate(response[:n]) if place == item + 1) / n)
    return UNANSWERED


def feedback_for(question: Question, response) -> list[dict]:
    """The per-answer feedback texts that apply to a response."""
    texts = []
    if question.type == "truefalse" and isinstance(response, bool):
        texts.append(question.feedback_true if response else question.feedback_false)
    elif question.type == "single" or (question.type == "fill" and question.fill_choices):
        index = _index(response, len(question.options))
        if index is not None:
            texts.append(question.options[index].feedback)
    elif question.type == "multiple" and isinstance(response, list):
        texts += [
            question.options[i].feedback
            for i in response
            if _index(i, len(question.options)) is not None
        ]
    elif question.type in ("short", "fill") and not is_blank(response):
        answer = normalise_answer(str(response))
        texts += [
            o.feedback
            for o in question.options
            if answer in {normalise_answer(t) for t in o.text.values() if t}
        ]
    elif question.type == "numerical":
        number = parse_number(response) if not is_blank(response) else None
        if number is not None:
            texts += [
                n.feedback
                for n in question.numbers
                if abs(number - n.value) <= n.tolerance + EPSILON
            ][:1]
    return [t for t in texts if t and any(t.values())]
