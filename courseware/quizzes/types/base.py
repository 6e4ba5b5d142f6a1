"""What every question type answers, and the grade a response earns.

A type is a subclass of QuestionType registered by name (courseware/quizzes/types/__init__.py).
The file readers, the attempt, the grader, the pages and the item analysis ask the type; none of
them names a type. A response is what the attempt form sends for one question, stored as JSON in
the question's own order (the page shuffles only what it shows).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from courseware.quizzes.models import AnswerState
from courseware.quizzes.questions import Question

# Numbers compared within a tolerance still need room for binary rounding (0.1 + 0.2).
EPSILON = 1e-9
# Longest text a learner may type into one answer; essays rarely pass a few thousand characters.
MAX_ANSWER_CHARS = 20_000


@dataclass(frozen=True)
class Grade:
    """A response's share of the points; None while it waits for an instructor."""

    fraction: float | None
    state: AnswerState

    @classmethod
    def of(cls, fraction: float) -> Grade:
        fraction = min(1.0, max(0.0, fraction))
        state = (
            AnswerState.CORRECT
            if fraction >= 1 - EPSILON
            else AnswerState.WRONG
            if fraction <= EPSILON
            else AnswerState.PARTIAL
        )
        return cls(round(fraction, 7), state)


UNANSWERED = Grade(0.0, AnswerState.UNANSWERED)
MANUAL = Grade(None, AnswerState.MANUAL)


def is_blank(response) -> bool:
    """Nothing chosen or typed; an untouched matching or ordering question is a list of nulls."""
    if isinstance(response, list):
        return all(item is None for item in response)
    return response is None or (isinstance(response, str) and not response.strip())


def index_in(response, size: int) -> int | None:
    """A response that names one of `size` parts (an option, a right-hand text), else None."""
    if isinstance(response, bool) or not isinstance(response, int) or not 0 <= response < size:
        return None
    return response


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def typed_text(form, name: str) -> str | None:
    """A typed answer as sent; an empty box is no answer, the same as a box never sent."""
    value = form.get(name)
    return value[:MAX_ANSWER_CHARS] if value and value.strip() else None


class QuestionType:
    """One kind of question. Subclasses set the class attributes and override what differs.

    The methods come in the order of a question's life: read from a file, written back, shown in
    an attempt, read from the attempt form, graded, given feedback, counted in item analysis.
    """

    name = ""
    label = ""  # shown to instructors, e.g. lazy_gettext("single choice")
    # YAML fields of this type besides the common ones (id, type, text, points, explanation, format).
    yaml_fields: frozenset[str] = frozenset()
    scored = True  # False: text only, with no number and no points (a description)
    manual = False  # True: an instructor grades it (an essay)
    typed = False  # True: typed text a computer compares, which the grading queue offers again
    in_gift = False  # True: GIFT can hold it, and gift_unsupported says which questions cannot
    blank_in_text = False  # True: the text holds BLANK where the answer goes (fill)
    # The macro `inputs(q, disabled)` that shows the question's inputs in an attempt and a review.
    template = ""
    # True: the macro shows the choices in the attempt's order (q.order) in loops, each choice
    # begun with q.slot(i) and each loop ended with q.slot(None), and a choice's HTML does not
    # depend on its place; so a kept block serves every order (courseware/quizzes/display.py).
    choices_in_slots = False
    # The parts of its edit form beyond the common fields, as types/editing.py describes them.
    editor_parts: tuple = ()

    def slots_choices(self, question: Question) -> bool:
        """This question's choices sit in slots (choices_in_slots) when shown."""
        return self.choices_in_slots

    # --- files -------------------------------------------------------------------------------

    def read_yaml(self, reader, data: dict, key: tuple, question: Question) -> None:
        """Fill the question's own fields from its YAML mapping; note problems on `reader`."""

    def write_yaml(self, question: Question) -> dict:
        """The fields read_yaml reads back into this question."""
        return {}

    def editor_values(self, question: Question) -> dict:
        """The values of the edit form's parts, keyed as editor_parts: by default what
        write_yaml writes, which the editor reads row by row."""
        return self.write_yaml(question)

    def read_gift(self, block, question: Question, answers) -> None:
        """Read the answers in braces; only types GIFT's grammar names are ever asked."""
        raise NotImplementedError(f"GIFT has no {self.name} questions")

    def gift_unsupported(self, question: Question) -> str | None:
        """Why this question of a type GIFT holds cannot be written (and read back the same)."""
        return None

    def write_gift(self, question: Question) -> str:
        """The answers in braces, escaped."""
        raise NotImplementedError(f"GIFT has no {self.name} questions")

    # --- attempts ----------------------------------------------------------------------------

    def max_points(self, question: Question) -> float:
        return question.points if self.scored else 0.0

    def shown_order(self, question: Question, rng: random.Random, shuffle: bool) -> list[int]:
        """The order the page shows the question's parts in; kept for every reload."""
        return []

    def response_from_form(self, question: Question, name: str, form):
        """The response in the attempt form, whose fields start with `name` ("a3", "a3-1")."""
        return typed_text(form, name)

    def check_response(self, question: Question, response):
        """Why a saved response cannot be graded as typed (shown before hand-in), or None."""
        return None

    # --- grading -----------------------------------------------------------------------------

    def grade(self, question: Question, response) -> Grade:
        """The grade of a response that is not blank (grading.grade_response sees to that)."""
        return UNANSWERED

    def feedback(self, question: Question, response) -> list[dict]:
        """The per-answer feedback texts that apply to a response."""
        return []

    # --- item analysis -----------------------------------------------------------------------

    def distribution(self, question: Question, responses: list) -> list[tuple]:
        """(label, count, is_correct) rows: a label is a text {zh, en} or a plain string."""
        return []


class TypedAnswers(QuestionType):
    """Types answered in a text box: item analysis lists the most frequent answers."""

    def distribution(self, question: Question, responses: list) -> list[tuple]:
        counts = Counter(str(r).strip() for r in responses if not is_blank(r))
        return [
            (value, n, self.grade(question, value).state == AnswerState.CORRECT)
            for value, n in counts.most_common(8)
        ]


class Choices(QuestionType):
    """Types answered by picking options: item analysis counts each option."""

    choices_in_slots = True

    def shown_order(self, question: Question, rng: random.Random, shuffle: bool) -> list[int]:
        order = list(range(len(question.options)))
        if shuffle:
            rng.shuffle(order)
        return order

    def distribution(self, question: Question, responses: list) -> list[tuple]:
        counts = [0] * len(question.options)
        for response in responses:
            for index in response if isinstance(response, list) else [response]:
                if index_in(index, len(counts)) is not None:
                    counts[index] += 1
        return [(o.text, counts[i], o.weight > 0) for i, o in enumerate(question.options)]
