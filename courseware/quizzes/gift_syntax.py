"""The pieces of Moodle's GIFT format that question types read and write their answers with:
escapes, weights, feedback, and each built-in type's answers. See gift.py for the file."""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal

from courseware.content.files import Problem
from courseware.quizzes import questions
from courseware.quizzes.questions import BLANK, FORMATS, Number, Option, Pair, Question

# PHP's trim(), which Moodle applies to every line and text. Unlike str.strip() it keeps the
# ideographic space U+3000 that Chinese texts use to indent a paragraph.
SPACE = " \t\n\r\0\x0b"


TRUE_WORDS = ("T", "TRUE")


FALSE_WORDS = ("F", "FALSE")


# Moodle stores fractions with 7 decimals, so percentages keep 5.
WEIGHT_DECIMALS = 5


# A numerical answer that accepts any number (Moodle's "~#feedback" or "=%0%*"): its tolerance
# takes in every number, so it gives its weight and feedback to answers no other number took.
# The largest float rather than infinity, which JSON (and so PostgreSQL) cannot hold.
ANY_NUMBER = sys.float_info.max


# An escaped character (\~ \= \# \{ \} \: \\ and \n) waits in the text as a private-use
# character until the structure is read, so that searching for "~" never finds a literal one.
_ESCAPABLE = "~=#{}:\\"


_PLACEHOLDER = {char: chr(0x10FF00 + ord(char)) for char in _ESCAPABLE + "\n"}


RESTORE = {ord(placeholder): char for char, placeholder in _PLACEHOLDER.items()}


_ESCAPE = re.compile(r"\\([~=#{}:\\n])")


_WEIGHT = re.compile(r"%([^%\s]{0,24})%")


_WEIGHT_VALUE = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")


# Digits in a weight that is not a percentage Moodle reads ("%5,5%"): a typo, not answer text.
_WEIGHT_TYPO = re.compile(r"[-+\d.,]*\d[-+\d.,]*")


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass
class Block:
    """One question's lines (comment lines left out) with their line numbers in the file."""

    path: str
    numbers: list[int]
    lines: list[str]
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        protected = [_ESCAPE.sub(_placeholder, line) for line in self.lines]
        self.text = "\n".join(protected)
        self.starts = []
        offset = 0
        for line in protected:
            self.starts.append(offset)
            offset += len(line) + 1

    def line_at(self, offset: int) -> int:
        """The file line holding the character at `offset` of the block's text."""
        index = 0
        while index + 1 < len(self.starts) and self.starts[index + 1] <= offset:
            index += 1
        return self.numbers[index]

    def report(self, offset: int, message: str) -> None:
        self.problems.append(Problem(self.path, self.line_at(offset), message))


@dataclass
class Piece:
    """A slice of a block's protected text and where it starts, to name its line in problems."""

    text: str
    offset: int

    def stripped(self) -> Piece:
        lead = len(self.text) - len(self.text.lstrip(SPACE))
        return Piece(self.text.strip(SPACE), self.offset + lead)


def _placeholder(match: re.Match) -> str:
    char = match.group(1)
    return _PLACEHOLDER["\n" if char == "n" else char]


def split_format(raw: str) -> tuple[str | None, str]:
    """Take a leading [html], [markdown], [plain] or [moodle] off a text; restore its escapes."""
    raw = raw.strip(SPACE)
    if raw.startswith("[") and "]" in raw:
        name = raw[1 : raw.index("]")]
        if name in FORMATS:
            return name, restore(raw[len(name) + 2 :]).strip(SPACE)
    return None, restore(raw).strip(SPACE)


def formatted_text(raw: str) -> str:
    """An answer or feedback text: its own format prefix is read and dropped."""
    return split_format(raw)[1]


def plain_text(raw: str) -> str:
    return restore(raw).strip(SPACE)


def restore(raw: str) -> str:
    return raw.translate(RESTORE)


def zh_text(value: str) -> dict:
    return questions.text(zh=value)


def _split_answers(answers: Piece, markers: str) -> tuple[Piece, list[tuple[str, Piece]]]:
    """Cut the answers at each marker character: the text before the first, then (marker, body)."""
    cuts = [i for i, char in enumerate(answers.text) if char in markers]
    ends = cuts[1:] + [len(answers.text)]
    lead = Piece(answers.text[: cuts[0]] if cuts else answers.text, answers.offset)
    bodies = [
        (answers.text[cut], Piece(answers.text[cut + 1 : end], answers.offset + cut + 1))
        for cut, end in zip(cuts, ends)
    ]
    return lead, bodies


def _check_no_lead(block: Block, lead: Piece, markers: str) -> None:
    """Text before the first answer marker is an answer Moodle would take with a guessed weight."""
    lead = lead.stripped()
    if not lead.text:
        return
    if lead.text.split("#", 1)[0].strip(SPACE).upper() in TRUE_WORDS + FALSE_WORDS:
        block.report(lead.offset, "write a true/false answer in capitals: T, TRUE, F or FALSE")
    else:
        block.report(lead.offset, f"an answer must start with {' or '.join(markers)}")


def _take_weight(block: Block, body: Piece) -> tuple[float | None, Piece]:
    """Read a leading %weight% off an answer: a fraction of the points, or None when absent."""
    body = body.stripped()
    match = _WEIGHT.match(body.text)
    if match is None:
        return None, body
    written = match.group(1)
    rest = Piece(body.text[match.end() :], body.offset + match.end())
    if not _WEIGHT_VALUE.fullmatch(written):
        if _WEIGHT_TYPO.fullmatch(written):
            block.report(
                body.offset,
                f"bad weight %{written}%: write a percentage such as %50% or %-33.33333%",
            )
            return 0.0, rest
        return None, body  # "%d%" and the like: part of the answer's text, as in Moodle
    if not -100 <= float(written) <= 100:
        block.report(body.offset, f"weight %{written}% is not between -100 and 100")
        return 0.0, rest
    return float(Decimal(written) / 100), rest


def _starts_with_weight(text: str) -> bool:
    match = _WEIGHT.match(text)
    return bool(match and _WEIGHT_VALUE.fullmatch(match.group(1)))


def _split_feedback(body: Piece) -> tuple[str, str]:
    """Split `answer#feedback` at the first #; both keep their escapes for now."""
    answer, _, feedback = body.text.partition("#")
    return answer, feedback


def read_choices(block: Block, answers: Piece) -> list[Option]:
    """Read `=right ~wrong ~%50%partial` options, each with an optional `#feedback`."""
    lead, bodies = _split_answers(answers, "~=")
    reported = len(block.problems)
    _check_no_lead(block, lead, "=~")
    options = []
    for marker, body in bodies:
        if marker == "=":
            # Moodle reads no weight after = in a choice question: "=%50%x" would be full marks.
            weight = 1.0
            body = body.stripped()
            if _starts_with_weight(body.text):
                block.report(
                    body.offset,
                    "a weight after = is not read in a choice question: write ~%50%… "
                    "for partial credit",
                )
        else:
            weight, body = _take_weight(block, body)
        options.append(_option(block, body, weight or 0.0))
    if len(block.problems) == reported:
        _check_choices(block, answers, options, "=" in answers.text)
    return options


def _option(block: Block, body: Piece, weight: float) -> Option:
    answer, feedback = _split_feedback(body)
    option = Option(
        text=zh_text(formatted_text(answer)),
        weight=weight,
        feedback=zh_text(formatted_text(feedback)),
    )
    if not option.text["zh"]:
        block.report(body.offset, "an answer has no text")
    return option


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


def read_short_answers(block: Block, answers: Piece) -> list[Option]:
    """Read `=answer =%50%near answer#feedback`: typed answers, full marks unless weighted."""
    lead, bodies = _split_answers(answers, "=")
    reported = len(block.problems)
    _check_no_lead(block, lead, "=~")
    options = []
    for _, body in bodies:
        weight, body = _take_weight(block, body)
        options.append(_option(block, body, 1.0 if weight is None else weight))
    if len(block.problems) > reported:
        return options
    if not options:
        block.report(answers.offset, "a short-answer question needs at least one answer")
    elif max(option.weight for option in options) != 1:
        block.report(answers.offset, "one of the answers must be worth 100%")
    return options


def read_truefalse(question: Question, answers: Piece) -> None:
    """Read `{TRUE#shown for a wrong answer#shown for a right answer}` (Moodle's order)."""
    parts = answers.text.split("#", 2) + ["", ""]
    question.answer = parts[0].strip(SPACE) in TRUE_WORDS
    wrong, right = zh_text(formatted_text(parts[1])), zh_text(formatted_text(parts[2]))
    # feedback_true is what a learner who answered "true" sees.
    question.feedback_true, question.feedback_false = (
        (right, wrong) if question.answer else (wrong, right)
    )


def read_pairs(block: Block, answers: Piece) -> list[Pair]:
    """Read `=left -> right` pairs; `= -> right` is a distractor (an extra right-hand side)."""
    lead, bodies = _split_answers(answers, "=")
    reported = len(block.problems)
    _check_no_lead(block, lead, "=")
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


def read_numbers(block: Block, answers: Piece) -> list[Number]:
    """Read `3.14:0.01`, `1..5` or `=3:0 =%50%3:1#feedback`, and `~#feedback` for any other number."""
    lead, bodies = _split_answers(answers, "=~")
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
    written, feedback = _split_feedback(body.stripped())
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
    weight, body = _take_weight(block, body)
    written, feedback = _split_feedback(body)
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


def choices_unsupported(question: Question) -> str | None:
    if len(question.options) < 2:
        return "a choice question needs at least two options"
    if any(not option.text["zh"].strip(SPACE) for option in question.options):
        return "an option has no text"
    if any(not -1 <= option.weight <= 1 for option in question.options):
        return "a weight is not between -100% and 100%"
    if question.type == "single" and 1 not in [option.weight for option in question.options]:
        return "a single-answer question needs an option worth 100%"
    if question.type == "multiple" or 1 not in [option.weight for option in question.options]:
        if round(sum(option.weight for option in question.options if option.weight > 0), 2) != 1:
            return "the positive weights of a multiple-answer question must add up to 100%"
    return None


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


def fill_unsupported(question: Question) -> str | None:
    if BLANK not in question.text["zh"]:
        return f"a fill question's text must contain {BLANK}"
    return choices_unsupported(question) if question.fill_choices else short_unsupported(question)


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


def matching_unsupported(question: Question) -> str | None:
    if len([pair for pair in question.pairs if pair.left["zh"].strip(SPACE)]) < 2:
        return "a matching question needs at least two pairs"
    if any("->" in pair.left["zh"] for pair in question.pairs):
        return "the left side of a matching pair cannot contain -> in GIFT"
    if any(not pair.right["zh"].strip(SPACE) for pair in question.pairs):
        return "a matching pair has no right side"
    return None


def truefalse_unsupported(question: Question) -> str | None:
    return None if question.answer in (True, False) else "a true/false question needs its answer"


def format_guard(value: str, text_format: str, always: bool = False) -> str:
    """The format prefix a text needs: "[html]x" would lose its "[html]", "%50%x" would become a weight."""
    return f"[{text_format}]" if always or value.startswith(("[", "%")) else ""


def escape(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("\r", "")
    for char in "~=#{}:":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", "\\n")


def escaped_text(value: str, text_format: str) -> str:
    return format_guard(value, text_format) + escape(value)


def feedback_mark(value: dict, text_format: str) -> str:
    return "#" + escaped_text(value["zh"], text_format) if value["zh"] else ""


def general_feedback(question: Question, indent: str = "\t") -> str:
    if not question.explanation["zh"]:
        return ""
    line = "####" + escaped_text(question.explanation["zh"], question.format)
    return f"{indent}{line}\n" if indent else line


def percent_text(weight: float) -> str:
    return number_text(round(weight * 100, WEIGHT_DECIMALS))


def number_text(value: float) -> str:
    """The shortest text that reads back as the same float."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def write_choices(question: Question) -> str:
    """`=` for full marks when one option has them (single answer), else `~%weight%` throughout."""
    weights = [option.weight for option in question.options]
    # A fill question's choices are read as single-answer exactly when one of them is written with =.
    single = question.type == "single" or (question.type == "fill" and 1 in weights)
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


def write_short_answers(question: Question) -> str:
    lines = []
    for option in question.options:
        weight = "" if option.weight == 1 else f"%{percent_text(option.weight)}%"
        lines.append(
            f"\t={weight}{escaped_text(option.text['zh'], question.format)}"
            f"{feedback_mark(option.feedback, question.format)}\n"
        )
    return "{\n" + "".join(lines) + general_feedback(question) + "}"


def write_fill(question: Question) -> str:
    return write_choices(question) if question.fill_choices else write_short_answers(question)


def write_truefalse(question: Question) -> str:
    """`{TRUE#shown for a wrong answer#shown for a right answer}`, Moodle's order."""
    right, wrong = (
        (question.feedback_true, question.feedback_false)
        if question.answer
        else (question.feedback_false, question.feedback_true)
    )
    answer = "TRUE" if question.answer else "FALSE"
    feedback = ""
    if wrong["zh"] or right["zh"]:
        feedback = "#" + escaped_text(wrong["zh"], question.format)
    if right["zh"]:
        feedback += "#" + escaped_text(right["zh"], question.format)
    return "{" + answer + feedback + general_feedback(question, indent="") + "}"


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


def write_pairs(question: Question) -> str:
    lines = [
        f"\t={escaped_text(pair.left['zh'], question.format)} -> {escape(pair.right['zh'])}\n"
        for pair in question.pairs
    ]
    return "{\n" + "".join(lines) + general_feedback(question) + "}"


def write_essay(question: Question) -> str:
    return "{" + general_feedback(question, indent="") + "}"
