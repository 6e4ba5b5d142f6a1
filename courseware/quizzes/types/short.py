"""A typed answer compared with the accepted ones, ignoring case, width and extra space."""

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
    take_weight,
)
from courseware.quizzes.questions import normalise_answer, Option, Question
from courseware.quizzes.types.base import Grade, TypedAnswers
from courseware.quizzes.types.editing import ANSWERS
from courseware.quizzes.yaml_parts import answer_to_yaml, read_answers


def matching_options(question: Question, typed) -> list:
    """The accepted answers (in either language) that a typed answer is."""
    answer = normalise_answer(str(typed))
    return [
        o for o in question.options if answer in {normalise_answer(t) for t in o.text.values() if t}
    ]


# --- GIFT ---------------------------------------------------------------------------------


def read_short_answers(block: Block, answers: Piece) -> list[Option]:
    """Read `=answer =%50%near answer#feedback`: typed answers, full marks unless weighted."""
    lead, bodies = split_answers(answers, "=")
    reported = len(block.problems)
    check_no_lead(block, lead, "=~")
    options = []
    for _, body in bodies:
        weight, body = take_weight(block, body)
        options.append(read_option(block, body, 1.0 if weight is None else weight))
    if len(block.problems) > reported:
        return options
    if not options:
        block.report(answers.offset, "a short-answer question needs at least one answer")
    elif max(option.weight for option in options) != 1:
        block.report(answers.offset, "one of the answers must be worth 100%")
    return options


def short_unsupported(question: Question) -> str | None:
    if not question.options:
        return "a short-answer question needs at least one answer"
    if any(not option.text["zh"].strip(SPACE) for option in question.options):
        return "an answer has no text"
    if any(not -1 <= option.weight <= 1 for option in question.options):
        return "a weight is not between -100% and 100%"
    if max(option.weight for option in question.options) != 1:
        return "one of the answers must be worth 100%"
    if any("->" in option.text["zh"] + option.feedback["zh"] for option in question.options):
        # "-" and ">" have no escapes: GIFT would read the answers as matching pairs.
        return "a typed answer or its feedback cannot contain -> in GIFT"
    return None


def write_short_answers(question: Question) -> str:
    lines = []
    for option in question.options:
        weight = "" if option.weight == 1 else f"%{percent_text(option.weight)}%"
        lines.append(
            f"\t={weight}{escaped_text(option.text['zh'], question.format)}"
            f"{feedback_mark(option.feedback, question.format)}\n"
        )
    return "{\n" + "".join(lines) + general_feedback(question) + "}"


# --- the type -----------------------------------------------------------------------------


class Short(TypedAnswers):
    name = "short"
    label = _l("short answer")
    yaml_fields = frozenset({"answers"})
    typed = True
    template = "quizzes/types/short.html"
    editor_parts = (ANSWERS,)
    in_gift = True

    def read_yaml(self, reader, data, key, question: Question) -> None:
        question.options = read_answers(reader, data.get("answers"), key + ("answers",))

    def write_yaml(self, question: Question) -> dict:
        return {"answers": [answer_to_yaml(o) for o in question.options]}

    def read_gift(self, block, question: Question, answers) -> None:
        question.options = read_short_answers(block, answers)

    def gift_unsupported(self, question: Question) -> str | None:
        return short_unsupported(question)

    def write_gift(self, question: Question) -> str:
        return write_short_answers(question)

    def grade(self, question: Question, response) -> Grade:
        return Grade.of(max((o.weight for o in matching_options(question, response)), default=0.0))

    def feedback(self, question: Question, response) -> list[dict]:
        return [o.feedback for o in matching_options(question, response)]


TYPE = Short()
