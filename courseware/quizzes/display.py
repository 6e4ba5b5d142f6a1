"""Question texts as sanitised HTML in the reader's language, for the attempt and review pages."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace

from flask import render_template
from markupsafe import escape, Markup

from courseware import caching, i18n
from courseware.i18n import text
from courseware.quizzes.grading import feedback_for, grade_response, response_problem
from courseware.quizzes.models import Answer
from courseware.quizzes.questions import BLANK, Question
from courseware.quizzes.types import question_type
from courseware.templating import kept_part

# Where a fill-in question's blank is, when the text is shown whole (previews, analysis).
SHOWN_BLANK = "＿＿＿"


def type_label(kind: str) -> str:
    registered = question_type(kind)
    return str(registered.label) if registered else kind


def html(pair: dict, fmt: str = "markdown") -> Markup:
    """A question's text as HTML in the reader's language, a fill-in blank shown as a line."""
    shown = {
        lang: value.replace(BLANK, SHOWN_BLANK) for lang, value in (pair or {}).items() if value
    }
    return i18n.html(shown, fmt)


def inline(pair: dict) -> str:
    """Option texts, pairs and items are short: shown as escaped text."""
    return text(pair)


def fill_parts(question: Question) -> tuple[Markup, Markup]:
    """The sentence of a fill-in question on both sides of its blank."""
    before, _, after = text(question.text).partition(BLANK)
    return escape(before), escape(after)


@dataclass
class ShownQuestion:
    """One question as an attempt shows it."""

    position: int
    number: int | None  # descriptions carry no number
    question: Question
    answer: Answer
    order: list[int]
    # True while a block is rendered to be kept for every order (question_block).
    marks_slots: bool = False

    @property
    def kind(self) -> str:
        return self.question.type

    @property
    def template(self) -> str:
        """The template whose macro `inputs` shows this question's inputs."""
        return question_type(self.kind).template

    @property
    def text_in_inputs(self) -> bool:
        """The inputs show the question's text themselves, around its blank."""
        return question_type(self.kind).blank_in_text

    def slot(self, index: int | None) -> Markup:
        """Where choice `index` begins, or (None) where the last choice ends: a mark while the
        block is rendered to be kept (question_block), nothing otherwise."""
        if not self.marks_slots:
            return Markup("")
        return Markup(f"{_SLOT_MARK}{'' if index is None else index}{_SLOT_END}")

    @property
    def real_pairs(self) -> list[int]:
        return [i for i, p in enumerate(self.question.pairs) if any(p.left.values())]

    def rights(self) -> list[tuple[int, str]]:
        """Right-hand texts of a matching question in the shown order, each text once."""
        seen, result = set(), []
        for i in self.order:
            label = text(self.question.pairs[i].right)
            if label not in seen:
                seen.add(label)
                result.append((i, label))
        return result

    def chosen_right(self, slot: int) -> int | None:
        response = self.answer.response
        return response[slot] if isinstance(response, list) and slot < len(response) else None

    def is_chosen(self, index: int) -> bool:
        response = self.answer.response
        if isinstance(response, list):
            return index in response
        return response == index and not isinstance(response, bool)

    def place_of(self, item: int) -> int | None:
        response = self.answer.response
        return response[item] if isinstance(response, list) and item < len(response) else None

    def typed(self) -> str:
        return self.answer.response if isinstance(self.answer.response, str) else ""

    def feedback(self) -> list[dict]:
        return feedback_for(self.question, self.answer.response)

    def grade(self):
        return grade_response(self.question, self.answer.response)

    def problem(self) -> str | None:
        """Why the saved answer cannot be graded as typed, shown beside it before hand-in."""
        problem = response_problem(self.question, self.answer.response)
        return str(problem) if problem else None


def shown_questions(answers: list[Answer]) -> list[ShownQuestion]:
    shown, number = [], 0
    for answer in answers:
        question = answer.parsed
        scored = question_type(question.type).scored
        if scored:
            number += 1
        shown.append(
            ShownQuestion(
                answer.position,
                number if scored else None,
                question,
                answer,
                list(answer.shown_order or []),
            )
        )
    return shown


# A question's block on an attempt or result page, rendered once per process and kept. A class
# that starts one quiz draws its questions from one bank, so the same blocks are asked for again
# and again, and rendering them was most of the attempt page's cost. Only the block's position and
# number differ from one attempt to the next: the block is rendered with these marks in their
# place (unguessable, so no text of a question or an answer can hold them) and they are filled in
# for each attempt. Rule 1 of courseware/caching.py: the key holds everything else the block is
# rendered from (the question's content hash, the option order, the saved response, the points,
# whether it is numbered or shown disabled; kept_part adds the language and the script root).
#
# Shuffled choices give each attempt its own order, and a block kept per order was built again
# for most new orders: in a class of a thousand, some two thousand blocks a worker. A type whose
# choices sit in slots (QuestionType.choices_in_slots) is rendered once in the question's own
# order with a mark before each choice, and the choices are put in the attempt's order when it
# is shown; so its key holds the set of choices shown, not their order.
_BLOCKS = caching.Cache("question_blocks", max_size=4096)
_POSITION_MARK = f"position{secrets.token_hex(8)}"
_NUMBER_MARK = f"number{secrets.token_hex(8)}"
_SLOT_MARK = f"slot{secrets.token_hex(8)}:"
_SLOT_END = ";"


def question_block(q: ShownQuestion, disabled: bool = False) -> Markup:
    """The question's fieldset as quizzes/_question.html's question_block macro renders it."""
    answer = q.answer
    slotted = question_type(q.kind).slots_choices(q.question)
    key = (
        "question_block",
        answer.question_hash,
        ("slots", *sorted(q.order)) if slotted else tuple(q.order),
        json.dumps(answer.response, sort_keys=True, default=str),
        answer.points,
        q.number is not None,
        bool(disabled),
    )

    def build() -> str:
        marked = replace(
            q,
            position=_POSITION_MARK,
            number=None if q.number is None else _NUMBER_MARK,
            order=sorted(q.order) if slotted else q.order,
            marks_slots=slotted,
        )
        return render_template(
            "quizzes/_question_block.html", q=marked, disabled=disabled, html=html
        )

    block = str(kept_part(_BLOCKS, key, build))
    if slotted:
        block = in_order(block, q.order)
    return Markup(
        block.replace(_POSITION_MARK, str(q.position)).replace(_NUMBER_MARK, str(q.number))
    )


def in_order(block: str, order: list[int]) -> str:
    """A block rendered with its choices in slots, the choices of each loop put in `order` and
    the marks taken out; a block without slots (a typed fill-in) as it is."""
    pieces = block.split(_SLOT_MARK)
    if len(pieces) == 1:
        return block
    shown, choices = [pieces[0]], {}
    for piece in pieces[1:]:
        index, _, html_ = piece.partition(_SLOT_END)
        if index:
            choices[int(index)] = html_
        else:  # a loop ends: its choices in the attempt's order, then what follows it
            shown.extend(choices[i] for i in order)
            shown.append(html_)
            choices = {}
    return "".join(shown)
