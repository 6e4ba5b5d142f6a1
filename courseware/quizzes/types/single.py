"""One answer to pick; other options may earn partial credit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.quizzes.gift_syntax import (
    Block,
    check_no_lead,
    escaped_text,
    feedback_mark,
    general_feedback,
    percent_text,
    Piece,
    read_option,
    SPACE,
    split_answers,
    starts_with_weight,
    take_weight,
)
from courseware.quizzes.questions import Option, Question
from courseware.quizzes.types.base import Choices, Grade, index_in, int_or_none, UNANSWERED
from courseware.quizzes.types.editing import OPTIONS
from courseware.quizzes.yaml_parts import option_to_yaml, read_options

# --- GIFT ---------------------------------------------------------------------------------


def read_choices(block: Block, answers: Piece) -> list[Option]:
    """Read `=right ~wrong ~%50%partial` options, each with an optional `#feedback`."""
    lead, bodies = split_answers(answers, "~=")
    reported = len(block.problems)
    check_no_lead(block, lead, "=~")
    options = []
    for marker, body in bodies:
        if marker == "=":
            # Moodle reads no weight after = in a choice question: "=%50%x" would be full marks.
            weight = 1.0
            body = body.stripped()
            if starts_with_weight(body.text):
                block.report(
                    body.offset,
                    "a weight after = is not read in a choice question: write ~%50%… "
                    "for partial credit",
                )
        else:
            weight, body = take_weight(block, body)
        options.append(read_option(block, body, weight or 0.0))
    if len(block.problems) == reported:
        _check_choices(block, answers, options, "=" in answers.text)
    return options


def _check_choices(block: Block, answers: Piece, options: list[Option], single: bool) -> None:
    """Moodle refuses fewer than two options, and a multiple-answer question whose
    positive weights do not add up to 100%."""
    where = answers.stripped().offset
    if len(options) < 2:
        block.report(where, "a choice question needs at least two options")
    elif not single:
        total = sum(option.weight for option in options if option.weight > 0)
        if round(total, 2) != 1:
            block.report(
                where,
                f"the positive weights of a multiple-answer question must add up to 100%, "
                f"not {percent_text(total)}%",
            )


def choices_unsupported(question: Question, single: bool | None) -> str | None:
    """Why GIFT cannot hold these choices; `single`: one answer (True), several (False), either (None)."""
    if len(question.options) < 2:
        return "a choice question needs at least two options"
    if any(not option.text["zh"].strip(SPACE) for option in question.options):
        return "an option has no text"
    if any(not -1 <= option.weight <= 1 for option in question.options):
        return "a weight is not between -100% and 100%"
    if single is True and 1 not in [option.weight for option in question.options]:
        return "a single-answer question needs an option worth 100%"
    if single is False or 1 not in [option.weight for option in question.options]:
        if round(sum(option.weight for option in question.options if option.weight > 0), 2) != 1:
            return "the positive weights of a multiple-answer question must add up to 100%"
    return None


def write_choices(question: Question, single: bool) -> str:
    """`=` for full marks when one option has them (single answer), else `~%weight%` throughout."""
    markers = [_choice_marker(option.weight, single) for option in question.options]
    if "~" not in "".join(markers):
        # Without a ~ GIFT would read typed answers: keep one = and weigh the others.
        markers[1:] = ["~%100%"] * (len(markers) - 1)
    lines = [
        f"\t{marker}{escaped_text(option.text['zh'], question.format)}{feedback_mark(option.feedback, question.format)}\n"
        for marker, option in zip(markers, question.options)
    ]
    return "{\n" + "".join(lines) + general_feedback(question) + "}"


def _choice_marker(weight: float, single: bool) -> str:
    if weight == 1 and single:
        return "="
    return "~" if weight == 0 else f"~%{percent_text(weight)}%"


# --- the type -----------------------------------------------------------------------------


class Single(Choices):
    name = "single"
    label = _l("single choice")
    yaml_fields = frozenset({"options"})
    template = "quizzes/types/single.html"
    editor_parts = (OPTIONS,)
    in_gift = True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.options = read_options(reader, data.get("options"), key + ("options",), self.name)
        if question.options and max(o.weight for o in question.options) <= 0:
            reader.problem(key + ("options",), "no option is marked correct")

    def write_yaml(self, question: Question) -> dict:
        return {"options": [option_to_yaml(o) for o in question.options]}

    def read_gift(self, block, question: Question, answers) -> None:
        question.options = read_choices(block, answers)

    def gift_unsupported(self, question: Question) -> str | None:
        return choices_unsupported(question, single=True)

    def write_gift(self, question: Question) -> str:
        return write_choices(question, single=True)

    def response_from_form(self, question: Question, name: str, form):
        return int_or_none(form.get(name))

    def grade(self, question: Question, response) -> Grade:
        index = index_in(response, len(question.options))
        return Grade.of(question.options[index].weight) if index is not None else UNANSWERED

    def feedback(self, question: Question, response) -> list[dict]:
        index = index_in(response, len(question.options))
        return [question.options[index].feedback] if index is not None else []


TYPE = Single()
