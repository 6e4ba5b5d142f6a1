"""Read and write Moodle's GIFT question format: one question per paragraph of plain text.

The reader follows Moodle's own importer (question/format/gift/format.php) wherever a file Moodle
accepts has one sensible meaning, and reports a `path:line: message` problem wherever Moodle would
silently import something its author cannot have meant (an answer without = or ~, a weight of
150%, a second pair of braces). Reading is all-or-nothing: the caller imports nothing when there
is any problem, so every problem in the file is reported at once.

Mapping onto `questions.TYPES`:

    Text.                                  description
    Text {}                                essay
    Text {T} / {FALSE#wrong#right}         truefalse
    Text {=right ~wrong ~%50%partial}      single   (some answer starts with =)
    Text {~%50%a ~%50%b ~%-100%c}          multiple (no =)
    Text {=answer =%50%near answer}        short    (= only)
    Text {#3.14:0.01} {#1..5} {#=3 =%50%4} numerical
    Text {=left -> right = -> distractor}  matching
    Text {=Paris ~London} more text.       fill: "{blank}" stands where the braces were

GIFT has a single language, so texts land in "zh" (the original) and "en" stays "". A question
has no points in GIFT: the reader gives 1 and the writer leaves them out, as it leaves out an
essay's grader guide and a description's explanation. Per-answer format prefixes ("~[html]red")
are accepted and dropped: a question has one format here.
"""

from __future__ import annotations

import codecs
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
CATEGORY_MARK = "$CATEGORY:"
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
_RESTORE = {ord(placeholder): char for char, placeholder in _PLACEHOLDER.items()}
_ESCAPE = re.compile(r"\\([~=#{}:\\n])")
_WEIGHT = re.compile(r"%([^%\s]{0,24})%")
_WEIGHT_VALUE = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
# Digits in a weight that is not a percentage Moodle reads ("%5,5%"): a typo, not answer text.
_WEIGHT_TYPO = re.compile(r"[-+\d.,]*\d[-+\d.,]*")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


# Encoding --------------------------------------------------------------------------------------


def decode_gift(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Decode a GIFT file: UTF-8 (with or without BOM), else a legacy encoding we can recognise."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as error:
        decoded = _decode_legacy(data)
        if decoded is None:
            line = data.count(b"\n", 0, error.start) + 1
            message = (
                f"the file must be saved as UTF-8: byte 0x{data[error.start]:02X} is not UTF-8 "
                "and the file is neither Chinese GB18030 nor windows-1252 text"
            )
            return None, [Problem(path, line, message)]
    return decoded.replace("\r\n", "\n").replace("\r", "\n"), []


def _decode_legacy(data: bytes) -> str | None:
    """Decode a file saved by an older editor: UTF-16 with its BOM, Chinese GB18030 or windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding, plausible in (("gb18030", _looks_chinese), ("cp1252", _looks_western)):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if plausible(decoded):
            return decoded
    return None


def _looks_chinese(decoded: str) -> bool:
    """Say whether GB18030 gave Chinese text rather than Latin letters read two bytes at a time.

    A windows-1252 "ö" followed by "d" is also a valid GB18030 ideograph, but its second byte is
    ASCII. Simplified Chinese (GB2312) never does that; traditional characters, which GBK adds,
    do about a third of the time. And two accented letters in a row ("öß" in "Größe") make a
    valid ideograph, but Chinese words do not sit inside Latin words.
    """
    wide = [char for char in decoded if ord(char) >= 0x80]
    if not wide or not all(_is_chinese(char) for char in wide):
        return False
    swallowed_ascii = sum(1 for char in wide if min(char.encode("gb18030")) < 0x80)
    high_bytes_only = len(wide) - swallowed_ascii
    runs = re.findall(r"(?:^|.)[^\x00-\x7F]+(?:.|$)", decoded)
    inside_latin_words = sum(
        1
        for run in runs
        if run[0].isascii() and run[0].isalpha() and run[-1].isascii() and run[-1].isalpha()
    )
    return (
        high_bytes_only >= 1
        and swallowed_ascii <= 2 * high_bytes_only
        and inside_latin_words * 2 <= len(runs)
    )


def _is_chinese(char: str) -> bool:
    """Chinese ideographs and the punctuation that Chinese text writes around them."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or 0x2010 <= code <= 0x2027
        or code in (0x00B7, 0x00D7, 0x00F7, 0x00B0, 0x2030, 0x2103, 0x203B)
    )


def _looks_western(decoded: str) -> bool:
    """Western European text: no control characters, and no long runs of accented letters,
    which is what Chinese or UTF-16 bytes look like when read as windows-1252."""
    if any(ord(char) < 0x20 and char not in "\t\n\r\f" for char in decoded):
        return False
    return re.search(r"[^\W\d_\x00-\x7F]{4,}", decoded) is None


# Reading ---------------------------------------------------------------------------------------


@dataclass
class _Block:
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
class _Piece:
    """A slice of a block's protected text and where it starts, to name its line in problems."""

    text: str
    offset: int

    def stripped(self) -> _Piece:
        lead = len(self.text) - len(self.text.lstrip(SPACE))
        return _Piece(self.text.strip(SPACE), self.offset + lead)


def _placeholder(match: re.Match) -> str:
    char = match.group(1)
    return _PLACEHOLDER["\n" if char == "n" else char]


def parse_gift(source: str, path: str) -> tuple[list[Question], list[Problem]]:
    """Read the questions of a GIFT file; report every problem, each with its line."""
    found, problems = [], []
    category = ""
    for block in _blocks(source.lstrip("\ufeff"), path):
        if block.lines[0].startswith(CATEGORY_MARK):
            category = block.lines[0][len(CATEGORY_MARK) :].strip(SPACE)
            # Moodle wants a blank line after $CATEGORY:; a question right below it is still meant as one.
            block = _Block(path, block.numbers[1:], block.lines[1:])
            if not block.lines:
                continue
        question = _read_question(block, category)
        problems.extend(block.problems)
        if question is not None:
            found.append(question)
    # All or nothing: a caller that forgets to look at the problems still imports nothing.
    return ([], problems) if problems else (found, [])


def _blocks(source: str, path: str):
    """Yield the paragraphs of a file: runs of non-blank lines, without `//` comment lines."""
    numbers, lines = [], []
    for number, line in enumerate(source.split("\n"), start=1):
        line = line.strip(SPACE)
        if not line:
            if lines:
                yield _Block(path, numbers, lines)
            numbers, lines = [], []
        elif not line.startswith("//"):
            numbers.append(number)
            lines.append(line)
    if lines:
        yield _Block(path, numbers, lines)


def _read_question(block: _Block, category: str) -> Question | None:
    """Read one paragraph into a question, or report why it cannot be one."""
    if any(ord(char) in _RESTORE for char in "".join(block.lines)):
        block.report(
            0, "the text contains a private-use character (U+10FFxx) that GIFT reading reserves"
        )
        return None
    rest = _Piece(block.text, 0)
    name, rest = _read_name(block, rest)
    if rest is None:
        return None
    braces = _find_braces(block, rest)
    if braces is None:
        return None
    question_text, answers, blank = _split_text(rest, braces)
    answers, explanation = _split_general_feedback(answers)
    text_format, question_text = _split_format(question_text)
    question = Question(
        type="description",
        name=name or questions.default_name(_zh(question_text)),
        text=_zh(question_text),
        format=text_format or "moodle",
        category=category,
        explanation=_zh(_formatted_text(explanation.text)),
    )
    if not question_text:
        block.report(rest.stripped().offset, "the question has no text")
    if braces != ():
        _read_answers(block, question, answers.stripped(), blank)
    return question


def _read_name(block: _Block, rest: _Piece) -> tuple[str, _Piece | None]:
    """Take a leading `::name::` off the question."""
    rest = rest.stripped()
    if not rest.text.startswith("::"):
        return "", rest
    end = rest.text.find("::", 2)
    if end < 0:
        block.report(rest.offset, "the question name has no closing ::")
        return "", None
    name = _restore(rest.text[2:end]).strip(SPACE)
    return name, _Piece(rest.text[end + 2 :], rest.offset + end + 2).stripped()


def _find_braces(block: _Block, rest: _Piece) -> tuple[int, int] | tuple[()] | None:
    """Find the answer braces: (open, close), () for a description, None after a problem."""
    opening, closing = rest.text.find("{"), rest.text.find("}")
    if opening < 0 and closing < 0:
        return ()
    if closing < 0:
        block.report(rest.offset + opening, "unclosed { (write \\{ for a literal brace)")
        return None
    if opening < 0 or closing < opening:
        block.report(
            rest.offset + closing, "} without an opening { (write \\} for a literal brace)"
        )
        return None
    nested = rest.text.find("{", opening + 1, closing)
    if nested >= 0:
        block.report(rest.offset + nested, "{ inside the answers (write \\{ for a literal brace)")
        return None
    extra = min(
        (i for i in (rest.text.find("{", closing), rest.text.find("}", closing + 1)) if i >= 0),
        default=-1,
    )
    if extra >= 0:
        block.report(
            rest.offset + extra,
            "a second {…} in one question: separate questions with a blank "
            "line, or write \\{ and \\} for literal braces",
        )
        return None
    return opening, closing


def _split_text(rest: _Piece, braces) -> tuple[str, _Piece, bool]:
    """Split the question into its text and its answers; text after the braces makes a blank.

    As in Moodle, text after the closing brace means the missing-word form: the braces stand
    inside the sentence, and BLANK marks where (Moodle writes "_____").
    """
    if braces == ():
        return rest.text, _Piece("", rest.offset), False
    opening, closing = braces
    before, after = rest.text[:opening], rest.text[closing + 1 :]
    answers = _Piece(rest.text[opening + 1 : closing], rest.offset + opening + 1)
    if after.strip(SPACE):
        return before + BLANK + after, answers, True
    return before, answers, False


def _split_general_feedback(answers: _Piece) -> tuple[_Piece, _Piece]:
    """Take the general feedback (after the last ####) off the answers."""
    mark = answers.text.rfind("####")
    if mark < 0:
        return answers, _Piece("", answers.offset)
    return _Piece(answers.text[:mark], answers.offset), _Piece(
        answers.text[mark + 4 :], answers.offset + mark + 4
    )


def _split_format(raw: str) -> tuple[str | None, str]:
    """Take a leading [html], [markdown], [plain] or [moodle] off a text; restore its escapes."""
    raw = raw.strip(SPACE)
    if raw.startswith("[") and "]" in raw:
        name = raw[1 : raw.index("]")]
        if name in FORMATS:
            return name, _restore(raw[len(name) + 2 :]).strip(SPACE)
    return None, _restore(raw).strip(SPACE)


def _formatted_text(raw: str) -> str:
    """An answer or feedback text: its own format prefix is read and dropped."""
    return _split_format(raw)[1]


def _plain_text(raw: str) -> str:
    return _restore(raw).strip(SPACE)


def _restore(raw: str) -> str:
    return raw.translate(_RESTORE)


def _zh(value: str) -> dict:
    return questions.text(zh=value)


def _read_answers(block: _Block, question: Question, answers: _Piece, blank: bool) -> None:
    """Decide the question type from its answers, as Moodle does, and read them."""
    kind = _answer_kind(answers.text)
    if kind == "essay":
        question.type = "essay"
    elif kind == "numerical":
        question.type = "numerical"
        question.numbers = _read_numbers(block, _Piece(answers.text[1:], answers.offset + 1))
    elif kind == "matching":
        question.type = "matching"
        question.pairs = _read_pairs(block, answers)
    elif kind == "truefalse":
        question.type = "truefalse"
        _read_truefalse(question, answers)
    elif kind == "choice":
        question.type = "single" if "=" in answers.text else "multiple"
        question.options = _read_choices(block, answers)
    else:
        question.type = "short"
        question.options = _read_short_answers(block, answers)
    if blank and question.type in ("single", "multiple", "short"):
        question.fill_choices = question.type != "short"
        question.type = "fill"


def _answer_kind(answers: str) -> str:
    """Moodle's order of tests: empty, #, ~, = with ->, T/F, else short answers."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "choice"
    if "=" in answers and "->" in answers:
        return "matching"
    if answers.split("#", 1)[0].strip(SPACE) in TRUE_WORDS + FALSE_WORDS:
        return "truefalse"
    return "short"


def _split_answers(answers: _Piece, markers: str) -> tuple[_Piece, list[tuple[str, _Piece]]]:
    """Cut the answers at each marker character: the text before the first, then (marker, body)."""
    cuts = [i for i, char in enumerate(answers.text) if char in markers]
    ends = cuts[1:] + [len(answers.text)]
    lead = _Piece(answers.text[: cuts[0]] if cuts else answers.text, answers.offset)
    bodies = [
        (answers.text[cut], _Piece(answers.text[cut + 1 : end], answers.offset + cut + 1))
        for cut, end in zip(cuts, ends)
    ]
    return lead, bodies


def _check_no_lead(block: _Block, lead: _Piece, markers: str) -> None:
    """Text before the first answer marker is an answer Moodle would take with a guessed weight."""
    lead = lead.stripped()
    if not lead.text:
        return
    if lead.text.split("#", 1)[0].strip(SPACE).upper() in TRUE_WORDS + FALSE_WORDS:
        block.report(lead.offset, "write a true/false answer in capitals: T, TRUE, F or FALSE")
    else:
        block.report(lead.offset, f"an answer must start with {' or '.join(markers)}")


def _take_weight(block: _Block, body: _Piece) -> tuple[float | None, _Piece]:
    """Read a leading %weight% off an answer: a fraction of the points, or None when absent."""
    body = body.stripped()
    match = _WEIGHT.match(body.text)
    if match is None:
        return None, body
    written = match.group(1)
    rest = _Piece(body.text[match.end() :], body.offset + match.end())
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


def _split_feedback(body: _Piece) -> tuple[str, str]:
    """Split `answer#feedback` at the first #; both keep their escapes for now."""
    answer, _, feedback = body.text.partition("#")
    return answer, feedback


def _read_choices(block: _Block, answers: _Piece) -> list[Option]:
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


def _option(block: _Block, body: _Piece, weight: float) -> Option:
    answer, feedback = _split_feedback(body)
    option = Option(
        text=_zh(_formatted_text(answer)), weight=weight, feedback=_zh(_formatted_text(feedback))
    )
    if not option.text["zh"]:
        block.report(body.offset, "an answer has no text")
    return option


def _check_choices(block: _Block, answers: _Piece, options: list[Option], single: bool) -> None:
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
                f"not {_percent(total)}%",
            )


def _read_short_answers(block: _Block, answers: _Piece) -> list[Option]:
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


def _read_truefalse(question: Question, answers: _Piece) -> None:
    """Read `{TRUE#shown for a wrong answer#shown for a right answer}` (Moodle's order)."""
    parts = answers.text.split("#", 2) + ["", ""]
    question.answer = parts[0].strip(SPACE) in TRUE_WORDS
    wrong, right = _zh(_formatted_text(parts[1])), _zh(_formatted_text(parts[2]))
    # feedback_true is what a learner who answered "true" sees.
    question.feedback_true, question.feedback_false = (
        (right, wrong) if question.answer else (wrong, right)
    )


def _read_pairs(block: _Block, answers: _Piece) -> list[Pair]:
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
        pair = Pair(left=_zh(_formatted_text(left)), right=_zh(_plain_text(right)))
        if not pair.right["zh"]:
            block.report(body.offset, "a matching pair needs a text after ->")
        pairs.append(pair)
    if len(block.problems) == reported and len([pair for pair in pairs if pair.left["zh"]]) < 2:
        block.report(answers.offset, "a matching question needs at least two pairs")
    return pairs


def _read_numbers(block: _Block, answers: _Piece) -> list[Number]:
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
    if all(_any_number(number) for number in numbers):
        block.report(answers.offset, "a numerical question needs at least one number")
    elif max(number.weight for number in numbers) != 1:
        block.report(answers.offset, "one of the numbers must be worth 100%")
    return numbers


def _other_numbers(block: _Block, body: _Piece) -> Number:
    """`~#feedback`: feedback for any number the other answers did not match, worth nothing."""
    written, feedback = _split_feedback(body.stripped())
    if written.strip(SPACE):
        block.report(
            body.offset,
            f"unexpected '{_plain_text(written)}' between ~ and # in a numerical question",
        )
    return Number(
        value=0.0, tolerance=ANY_NUMBER, weight=0.0, feedback=_zh(_formatted_text(feedback))
    )


def _number_answer(block: _Block, body: _Piece) -> Number | None:
    """One accepted number: value, value:tolerance or min..max, with optional %weight% and #feedback."""
    weight, body = _take_weight(block, body)
    written, feedback = _split_feedback(body)
    written = _formatted_text(written)
    number = Number(
        value=0.0, weight=1.0 if weight is None else weight, feedback=_zh(_formatted_text(feedback))
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


def _any_number(number: Number) -> bool:
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


# Writing ---------------------------------------------------------------------------------------

GIFT_TYPES = (
    "single",
    "multiple",
    "truefalse",
    "short",
    "numerical",
    "matching",
    "fill",
    "essay",
    "description",
)


def gift_unsupported(question: Question) -> str | None:
    """Say why a question cannot be written as GIFT (and read back the same), or None if it can."""
    if question.type not in GIFT_TYPES:
        return f"GIFT has no {question.type} questions"
    if question.format not in FORMATS:
        return f"unknown text format {question.format!r}"
    if "\n" in question.category or "\r" in question.category:
        return "a category must fit on one line"
    if not question.text["zh"].strip(SPACE):
        return "the question has no text"
    return _UNSUPPORTED[question.type](question)


def _choices_unsupported(question: Question) -> str | None:
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


def _short_unsupported(question: Question) -> str | None:
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


def _fill_unsupported(question: Question) -> str | None:
    if BLANK not in question.text["zh"]:
        return f"a fill question's text must contain {BLANK}"
    return _choices_unsupported(question) if question.fill_choices else _short_unsupported(question)


def _numerical_unsupported(question: Question) -> str | None:
    numbers = question.numbers
    if all(_any_number(number) for number in numbers):
        return "a numerical question needs at least one number"
    if any(
        not math.isfinite(number.value) or math.isnan(number.tolerance) or number.tolerance < 0
        for number in numbers
        if not _any_number(number)
    ):
        return "a number or tolerance is not a finite, non-negative number"
    if any(not -1 <= number.weight <= 1 for number in numbers):
        return "a weight is not between -100% and 100%"
    if max(number.weight for number in numbers) != 1:
        return "one of the numbers must be worth 100%"
    return None


def _matching_unsupported(question: Question) -> str | None:
    if len([pair for pair in question.pairs if pair.left["zh"].strip(SPACE)]) < 2:
        return "a matching question needs at least two pairs"
    if any("->" in pair.left["zh"] for pair in question.pairs):
        return "the left side of a matching pair cannot contain -> in GIFT"
    if any(not pair.right["zh"].strip(SPACE) for pair in question.pairs):
        return "a matching pair has no right side"
    return None


def _truefalse_unsupported(question: Question) -> str | None:
    return None if question.answer in (True, False) else "a true/false question needs its answer"


_UNSUPPORTED = {
    "single": _choices_unsupported,
    "multiple": _choices_unsupported,
    "short": _short_unsupported,
    "fill": _fill_unsupported,
    "numerical": _numerical_unsupported,
    "matching": _matching_unsupported,
    "truefalse": _truefalse_unsupported,
    "essay": lambda question: None,
    "description": lambda question: None,
}


def write_gift(items: list[Question]) -> str:
    """Write questions as GIFT, with a $CATEGORY: line wherever the category changes."""
    paragraphs = []
    category = ""
    for question in items:
        reason = gift_unsupported(question)
        if reason:
            raise ValueError(f"question {question.name!r} cannot be written as GIFT: {reason}")
        if question.category != category:
            category = question.category
            paragraphs.append(f"{CATEGORY_MARK} {category}".rstrip())
        paragraphs.append(_write_question(question))
    return "\n\n".join(paragraphs) + "\n" if paragraphs else ""


def _write_question(question: Question) -> str:
    """One question on as few lines as its answers need; every text escaped."""
    prefix = f"::{_escape(question.name)}::" + _guard(
        question.text["zh"], question.format, always=question.format != "moodle"
    )
    text = question.text["zh"]
    if question.type == "description":
        return prefix + _escape(text)
    answers = _WRITE_ANSWERS[question.type](question)
    if question.type in ("single", "multiple", "short") or BLANK not in text:
        return prefix + _escape(text) + answers
    before, after = text.split(BLANK, 1)
    # Text after the braces is what makes a blank; an escaped line break keeps one at the end.
    return prefix + _escape(before) + answers + (_escape(after) if after else "\\n")


def _guard(value: str, text_format: str, always: bool = False) -> str:
    """The format prefix a text needs: "[html]x" would lose its "[html]", "%50%x" would become a weight."""
    return f"[{text_format}]" if always or value.startswith(("[", "%")) else ""


def _escape(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("\r", "")
    for char in "~=#{}:":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", "\\n")


def _escaped_text(value: str, text_format: str) -> str:
    return _guard(value, text_format) + _escape(value)


def _feedback(value: dict, text_format: str) -> str:
    return "#" + _escaped_text(value["zh"], text_format) if value["zh"] else ""


def _general_feedback(question: Question, indent: str = "\t") -> str:
    if not question.explanation["zh"]:
        return ""
    line = "####" + _escaped_text(question.explanation["zh"], question.format)
    return f"{indent}{line}\n" if indent else line


def _percent(weight: float) -> str:
    return _number(round(weight * 100, WEIGHT_DECIMALS))


def _number(value: float) -> str:
    """The shortest text that reads back as the same float."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _write_choices(question: Question) -> str:
    """`=` for full marks when one option has them (single answer), else `~%weight%` throughout."""
    weights = [option.weight for option in question.options]
    # A fill question's choices are read as single-answer exactly when one of them is written with =.
    single = question.type == "single" or (question.type == "fill" and 1 in weights)
    markers = [_choice_marker(option.weight, single) for option in question.options]
    if "~" not in "".join(markers):
        # Without a ~ GIFT would read typed answers: keep one = and weigh the others.
        markers[1:] = ["~%100%"] * (len(markers) - 1)
    lines = [
        f"\t{marker}{_escaped_text(option.text['zh'], question.format)}{_feedback(option.feedback, question.format)}\n"
        for marker, option in zip(markers, question.options)
    ]
    return "{\n" + "".join(lines) + _general_feedback(question) + "}"


def _choice_marker(weight: float, single: bool) -> str:
    if weight == 1 and single:
        return "="
    return "~" if weight == 0 else f"~%{_percent(weight)}%"


def _write_short_answers(question: Question) -> str:
    lines = []
    for option in question.options:
        weight = "" if option.weight == 1 else f"%{_percent(option.weight)}%"
        lines.append(
            f"\t={weight}{_escaped_text(option.text['zh'], question.format)}"
            f"{_feedback(option.feedback, question.format)}\n"
        )
    return "{\n" + "".join(lines) + _general_feedback(question) + "}"


def _write_fill(question: Question) -> str:
    return _write_choices(question) if question.fill_choices else _write_short_answers(question)


def _write_truefalse(question: Question) -> str:
    """`{TRUE#shown for a wrong answer#shown for a right answer}`, Moodle's order."""
    right, wrong = (
        (question.feedback_true, question.feedback_false)
        if question.answer
        else (question.feedback_false, question.feedback_true)
    )
    answer = "TRUE" if question.answer else "FALSE"
    feedback = ""
    if wrong["zh"] or right["zh"]:
        feedback = "#" + _escaped_text(wrong["zh"], question.format)
    if right["zh"]:
        feedback += "#" + _escaped_text(right["zh"], question.format)
    return "{" + answer + feedback + _general_feedback(question, indent="") + "}"


def _write_numbers(question: Question) -> str:
    lines = []
    for index, number in enumerate(question.numbers):
        feedback = _feedback(number.feedback, question.format)
        last = index == len(question.numbers) - 1
        if _any_number(number) and number.weight == 0 and last:
            lines.append(f"\t~{feedback or '#'}\n")
            continue
        weight = "" if number.weight == 1 else f"%{_percent(number.weight)}%"
        if _any_number(number):
            written = "*"
        else:
            written = _number(number.value) + (
                f":{_number(number.tolerance)}" if number.tolerance else ""
            )
        lines.append(f"\t={weight}{written}{feedback}\n")
    return "{#\n" + "".join(lines) + _general_feedback(question) + "}"


def _write_pairs(question: Question) -> str:
    lines = [
        f"\t={_escaped_text(pair.left['zh'], question.format)} -> {_escape(pair.right['zh'])}\n"
        for pair in question.pairs
    ]
    return "{\n" + "".join(lines) + _general_feedback(question) + "}"


def _write_essay(question: Question) -> str:
    return "{" + _general_feedback(question, indent="") + "}"


_WRITE_ANSWERS = {
    "single": _write_choices,
    "multiple": _write_choices,
    "fill": _write_fill,
    "short": _write_short_answers,
    "truefalse": _write_truefalse,
    "numerical": _write_numbers,
    "matching": _write_pairs,
    "essay": _write_essay,
}
