"""Question texts as sanitised HTML in the reader's language, for the attempt and review pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import escape, Markup

from courseware import i18n
from courseware.i18n import text
from courseware.quizzes.grading import feedback_for, grade_response
from courseware.quizzes.models import Answer
from courseware.quizzes.questions import BLANK, Question

TYPE_LABELS = {
    "single": _l("single choice"),
    "multiple": _l("multiple response"),
    "truefalse": _l("true/false"),
    "short": _l("short answer"),
    "numerical": _l("numerical"),
    "matching": _l("matching"),
    "ordering": _l("ordering"),
    "fill": _l("fill in the blank"),
    "essay": _l("essay"),
    "description": _l("description"),
}
# Where a fill-in question's blank is, when the text is shown whole (previews, analysis).
SHOWN_BLANK = "＿＿＿"


def type_label(kind: str) -> str:
    return str(TYPE_LABELS.get(kind, kind))


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

    @property
    def kind(self) -> str:
        return self.question.type

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


def shown_questions(answers: list[Answer]) -> list[ShownQuestion]:
    shown, number = [], 0
    for answer in answers:
        question = answer.parsed
        if question.type != "description":
            number += 1
        shown.append(
            ShownQuestion(
                answer.position,
                number if question.type != "description" else None,
                question,
                answer,
                list(answer.shown_order or []),
            )
        )
    return shown
