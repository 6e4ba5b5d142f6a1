"""A number within a tolerance or a range, typed as people type numbers: "689个", "６８９", "1,000",
"六百八十九". A question may allow units after the number (`units: [个, 人]` in YAML)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes import gift_syntax
from courseware.quizzes.numbers import read_number
from courseware.quizzes.questions import Question
from courseware.quizzes.types.base import EPSILON, Grade, TypedAnswers
from courseware.quizzes.yaml_parts import numbers_to_yaml, read_numbers


class Numerical(TypedAnswers):
    name = "numerical"
    label = _l("numerical")
    yaml_fields = frozenset({"answer", "tolerance", "min", "max", "answers", "units"})
    template = "quizzes/types/numerical.html"
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

    # GIFT has no units: a question read from GIFT has none, and writing one leaves them out.
    def read_gift(self, block, question: Question, answers) -> None:
        question.numbers = gift_syntax.read_numbers(
            block, gift_syntax.Piece(answers.text[1:], answers.offset + 1)
        )

    def gift_unsupported(self, question: Question) -> str | None:
        return gift_syntax.numerical_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return gift_syntax.write_numbers(question)

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
            return Grade(0.0, "wrong")
        return Grade.of(max((n.weight for n in self._matching(question, response)), default=0.0))

    def feedback(self, question: Question, response) -> list[dict]:
        return [n.feedback for n in self._matching(question, response)][:1]


TYPE = Numerical()
