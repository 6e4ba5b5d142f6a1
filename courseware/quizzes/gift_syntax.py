"""The pieces of Moodle's GIFT format that question types read and write their answers with:
escapes, weights and feedback. Each type reads and writes its own answers with them
(courseware/quizzes/types/); gift.py reads and writes the file."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal

from courseware.content.files import Problem
from courseware.quizzes import questions
from courseware.quizzes.questions import FORMATS, Option, Question

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


WEIGHT = re.compile(r"%([^%\s]{0,24})%")


WEIGHT_VALUE = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")


# Digits in a weight that is not a percentage Moodle reads ("%5,5%"): a typo, not answer text.
_WEIGHT_TYPO = re.compile(r"[-+\d.,]*\d[-+\d.,]*")


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


def split_answers(answers: Piece, markers: str) -> tuple[Piece, list[tuple[str, Piece]]]:
    """Cut the answers at each marker character: the text before the first, then (marker, body)."""
    cuts = [i for i, char in enumerate(answers.text) if char in markers]
    ends = cuts[1:] + [len(answers.text)]
    lead = Piece(answers.text[: cuts[0]] if cuts else answers.text, answers.offset)
    bodies = [
        (answers.text[cut], Piece(answers.text[cut + 1 : end], answers.offset + cut + 1))
        for cut, end in zip(cuts, ends)
    ]
    return lead, bodies


def check_no_lead(block: Block, lead: Piece, markers: str) -> None:
    """Text before the first answer marker is an answer Moodle would take with a guessed weight."""
    lead = lead.stripped()
    if not lead.text:
        return
    if lead.text.split("#", 1)[0].strip(SPACE).upper() in TRUE_WORDS + FALSE_WORDS:
        block.report(lead.offset, "write a true/false answer in capitals: T, TRUE, F or FALSE")
    else:
        block.report(lead.offset, f"an answer must start with {' or '.join(markers)}")


def take_weight(block: Block, body: Piece) -> tuple[float | None, Piece]:
    """Read a leading %weight% off an answer: a fraction of the points, or None when absent."""
    body = body.stripped()
    match = WEIGHT.match(body.text)
    if match is None:
        return None, body
    written = match.group(1)
    rest = Piece(body.text[match.end() :], body.offset + match.end())
    if not WEIGHT_VALUE.fullmatch(written):
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


def starts_with_weight(text: str) -> bool:
    match = WEIGHT.match(text)
    return bool(match and WEIGHT_VALUE.fullmatch(match.group(1)))


def split_feedback(body: Piece) -> tuple[str, str]:
    """Split `answer#feedback` at the first #; both keep their escapes for now."""
    answer, _, feedback = body.text.partition("#")
    return answer, feedback


def read_option(block: Block, body: Piece, weight: float) -> Option:
    answer, feedback = split_feedback(body)
    option = Option(
        text=zh_text(formatted_text(answer)),
        weight=weight,
        feedback=zh_text(formatted_text(feedback)),
    )
    if not option.text["zh"]:
        block.report(body.offset, "an answer has no text")
    return option


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
