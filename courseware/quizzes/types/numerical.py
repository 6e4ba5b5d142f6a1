"""A number within a tolerance or a range, typed as people type numbers: "689个", "６８９", "1,000",
"六百八十九". A question may allow units after the number (`units: [个, 人]` in YAML)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from courseware.quizzes.gift_syntax import (
    ANY_NUMBER,
    Block,
    feedback_mark,
    formatted_text,
    general_feedback,
    number_text,
    percent_text,
    Piece,
    plain_text,
    SPACE,
    split_answers,
    split_feedback,
    take_weight,
    zh_text,
)
from courseware.quizzes.models import AnswerState
from courseware.quizzes.numbers import read_number
from courseware.quizzes.questions import Number, Question
from courseware.quizzes.types.base import EPSILON, Grade, TypedAnswers
from courseware.quizzes.types.editing import NUMBERS, UNITS
from courseware.quizzes.yaml_parts import numbers_to_yaml, percent, plain_number, read_numbers

# --- GIFT ---------------------------------------------------------------------------------


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def read_gift_numbers(block: Block, answers: Piece) -> list[Number]:
    """Read `3.14:0.01`, `1..5` or `=3:0 =%50%3:1#feedback`, and `~#feedback` for any other number."""
    lead, bodies = split_answers(answers, "=~")
    # Moodle takes text before the first = as an answer too: that is the short form {#3.14:0.01}.
    entries = ([("=", lead)] if lead.text.strip(SPACE) else []) + bodies
    reported = len(block.problems)
    numbers = []
    for marker, body in entries:
        number = _other_numbers(block, body) if marker == "~" else _number_answer(block, body)
        if number is not None:
            numbers.append(number)
    if len(block.problems) > reported:
        return numbers
    if all(any_number(number) for number in numbers):
        block.report(answers.offset, "a numerical question needs at least one number")
    elif max(number.weight for number in numbers) != 1:
        block.report(answers.offset, "one of the numbers must be worth 100%")
    return numbers


def _other_numbers(block: Block, body: Piece) -> Number:
    """`~#feedback`: feedback for any number the other answers did not match, worth nothing."""
    written, feedback = split_feedback(body.stripped())
    if written.strip(SPACE):
        block.report(
            body.offset,
            f"unexpected '{plain_text(written)}' between ~ and # in a numerical question",
        )
    return Number(
        value=0.0, tolerance=ANY_NUMBER, weight=0.0, feedback=zh_text(formatted_text(feedback))
    )


def _number_answer(block: Block, body: Piece) -> Number | None:
    """One accepted number: value, value:tolerance or min..max, with optional %weight% and #feedback."""
    weight, body = take_weight(block, body)
    written, feedback = split_feedback(body)
    written = formatted_text(written)
    number = Number(
        value=0.0,
        weight=1.0 if weight is None else weight,
        feedback=zh_text(formatted_text(feedback)),
    )
    if written == "*":
        number.tolerance = ANY_NUMBER
        return number
    bounds = _read_bounds(written)
    if isinstance(bounds, str):
        block.report(body.offset, bounds)
        return None
    number.value, number.tolerance = bounds
    return number


def any_number(number: Number) -> bool:
    return number.tolerance >= ANY_NUMBER


def _is_number(written: str) -> bool:
    """A decimal number as Moodle writes one ("3.14", "-2", "1e-05"), not "3,14", "inf" or "1e400"."""
    return bool(_NUMBER.fullmatch(written)) and math.isfinite(float(written))


def _read_bounds(written: str) -> tuple[float, float] | str:
    """Read `min..max`, `value:tolerance` or `value` into (value, tolerance), or say what is wrong."""
    if written.find("..") > 0:
        low, high = (part.strip(SPACE) for part in written.split("..", 1))
        bad = [part for part in (low, high) if not _is_number(part)]
        if bad:
            return f"bad number '{bad[0]}' in numerical answer"
        if float(high) < float(low):
            return f"range {low}..{high} must give the smaller number first"
        # In decimal, so that 3.141..3.142 gives 3.1415 ± 0.0005 rather than 3.1414999999999997.
        value = (Decimal(low) + Decimal(high)) / 2
        return float(value), float(Decimal(high) - value)
    value, _, tolerance = (part.strip(SPACE) for part in written.partition(":"))
    if not _is_number(value):
        return f"bad number '{value}' in numerical answer"
    if tolerance and not _is_number(tolerance):
        return f"bad tolerance '{tolerance}' in numerical answer"
    if tolerance and float(tolerance) < 0:
        return f"tolerance '{tolerance}' must not be negative"
    return float(value), float(tolerance or 0)


def numerical_unsupported(question: Question) -> str | None:
    numbers = question.numbers
    if all(any_number(number) for number in numbers):
        return "a numerical question needs at least one number"
    if any(
        not math.isfinite(number.value) or math.isnan(number.tolerance) or number.tolerance < 0
        for number in numbers
        if not any_number(number)
    ):
        return "a number or tolerance is not a finite, non-negative number"
    if any(not -1 <= number.weight <= 1 for number in numbers):
        return "a weight is not between -100% and 100%"
    if max(number.weight for number in numbers) != 1:
        return "one of the numbers must be worth 100%"
    return None


def write_numbers(question: Question) -> str:
    lines = []
    for index, number in enumerate(question.numbers):
        feedback = feedback_mark(number.feedback, question.format)
        last = index == len(question.numbers) - 1
        if any_number(number) and number.weight == 0 and last:
            lines.append(f"\t~{feedback or '#'}\n")
            continue
        weight = "" if number.weight == 1 else f"%{percent_text(number.weight)}%"
        if any_number(number):
            written = "*"
        else:
            written = number_text(number.value) + (
                f":{number_text(number.tolerance)}" if number.tolerance else ""
            )
        lines.append(f"\t={weight}{written}{feedback}\n")
    return "{#\n" + "".join(lines) + general_feedback(question) + "}"


# --- the type -----------------------------------------------------------------------------


class Numerical(TypedAnswers):
    name = "numerical"
    label = _l("numerical")
    yaml_fields = frozenset({"answer", "tolerance", "min", "max", "answers", "units"})
    template = "quizzes/types/numerical.html"
    editor_parts = (NUMBERS, UNITS)
    in_gift = True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.numbers = read_numbers(reader, data, key)
        units = data.get("units", [])
        if isinstance(units, str):
            units = [units]
        if not isinstance(units, list) or not all(
            isinstance(u, str) and u.strip() and not u.strip()[0].isdigit() for u in units
        ):
            reader.problem(key + ("units",), "units must list the units allowed after the number")
        else:
            question.units = [u.strip() for u in units]

    def write_yaml(self, question: Question) -> dict:
        fields = numbers_to_yaml(question.numbers)
        if question.units:
            fields["units"] = list(question.units)
        return fields

    def editor_values(self, question: Question) -> dict:
        """Every number as a row of the form, also the one a file writes inline."""
        rows = [
            {
                "answer": plain_number(n.value),
                "tolerance": plain_number(n.tolerance),
                "weight": percent(n.weight),
                "feedback": n.feedback,
            }
            for n in question.numbers
        ]
        return {"answers": rows, "units": list(question.units)}

    # GIFT has no units: a question read from GIFT has none, and writing one leaves them out.
    def read_gift(self, block, question: Question, answers) -> None:
        question.numbers = read_gift_numbers(block, Piece(answers.text[1:], answers.offset + 1))

    def gift_unsupported(self, question: Question) -> str | None:
        return numerical_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return write_numbers(question)

    def check_response(self, question: Question, response):
        reading = read_number(str(response), question.units)
        if reading.problem == "unit" and question.units:
            return _l(
                "“%(unit)s” is not a unit this question takes: write the number alone or with %(units)s.",
                unit=reading.unit,
                units="、".join(question.units),
            )
        if reading.problem == "unit":
            return _l("Write the number alone, without “%(unit)s”.", unit=reading.unit)
        if reading.problem:
            return _l("This cannot be read as a number: write it in digits, such as 689.")
        return None

    def _matching(self, question: Question, response) -> list:
        number = read_number(str(response), question.units).value
        if number is None:
            return []
        return [n for n in question.numbers if abs(number - n.value) <= n.tolerance + EPSILON]

    def grade(self, question: Question, response) -> Grade:
        if read_number(str(response), question.units).value is None:
            return Grade(0.0, AnswerState.WRONG)
        return Grade.of(max((n.weight for n in self._matching(question, response)), default=0.0))

    def feedback(self, question: Question, response) -> list[dict]:
        return [n.feedback for n in self._matching(question, response)][:1]


TYPE = Numerical()
