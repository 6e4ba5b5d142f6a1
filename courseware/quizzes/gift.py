"""Read and write Moodle's GIFT question format: one question per paragraph of plain text.

The reader follows Moodle's own importer (question/format/gift/format.php) wherever a file Moodle
accepts has one sensible meaning, and reports a `path:line: message` problem wherever Moodle would
silently import something its author cannot have meant (an answer without = or ~, a weight of
150%, a second pair of braces). Reading is all-or-nothing: the caller imports nothing when there
is any problem, so every problem in the file is reported at once.

Mapping onto the question types (courseware/quizzes/types/):

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

This module reads a file into paragraphs and decides each one's type, as Moodle's grammar says;
the type reads and writes its own answers (with the pieces of gift_syntax.py).
"""

from __future__ import annotations

import codecs
import re

from courseware.content.files import Problem
from courseware.quizzes import questions
from courseware.quizzes.gift_syntax import (
    ANY_NUMBER,
    Block,
    escape,
    FALSE_WORDS,
    format_guard,
    formatted_text,
    Piece,
    RESTORE,
    restore,
    SPACE,
    split_format,
    TRUE_WORDS,
    zh_text,
)
from courseware.quizzes.questions import BLANK, FORMATS, Question
from courseware.quizzes.types import question_type

__all__ = ["ANY_NUMBER", "SPACE", "decode_gift", "gift_unsupported", "parse_gift", "write_gift"]

# Text after the braces makes the missing-word form: these types become a fill question, with
# choices (True) or typed (False).
MISSING_WORD = {"single": True, "multiple": True, "short": False}

CATEGORY_MARK = "$CATEGORY:"


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


def parse_gift(source: str, path: str) -> tuple[list[Question], list[Problem]]:
    """Read the questions of a GIFT file; report every problem, each with its line."""
    found, problems = [], []
    category = ""
    for block in _blocks(source.lstrip("\ufeff"), path):
        if block.lines[0].startswith(CATEGORY_MARK):
            category = block.lines[0][len(CATEGORY_MARK) :].strip(SPACE)
            # Moodle wants a blank line after $CATEGORY:; a question right below it is still meant as one.
            block = Block(path, block.numbers[1:], block.lines[1:])
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
                yield Block(path, numbers, lines)
            numbers, lines = [], []
        elif not line.startswith("//"):
            numbers.append(number)
            lines.append(line)
    if lines:
        yield Block(path, numbers, lines)


def _read_question(block: Block, category: str) -> Question | None:
    """Read one paragraph into a question, or report why it cannot be one."""
    if any(ord(char) in RESTORE for char in "".join(block.lines)):
        block.report(
            0, "the text contains a private-use character (U+10FFxx) that GIFT reading reserves"
        )
        return None
    rest = Piece(block.text, 0)
    name, rest = _read_name(block, rest)
    if rest is None:
        return None
    braces = _find_braces(block, rest)
    if braces is None:
        return None
    question_text, answers, blank = _split_text(rest, braces)
    answers, explanation = _split_general_feedback(answers)
    text_format, question_text = split_format(question_text)
    question = Question(
        type="description",
        name=name or questions.default_name(zh_text(question_text)),
        text=zh_text(question_text),
        format=text_format or "moodle",
        category=category,
        explanation=zh_text(formatted_text(explanation.text)),
    )
    if not question_text:
        block.report(rest.stripped().offset, "the question has no text")
    if braces != ():
        _read_answers(block, question, answers.stripped(), blank)
    return question


def _read_name(block: Block, rest: Piece) -> tuple[str, Piece | None]:
    """Take a leading `::name::` off the question."""
    rest = rest.stripped()
    if not rest.text.startswith("::"):
        return "", rest
    end = rest.text.find("::", 2)
    if end < 0:
        block.report(rest.offset, "the question name has no closing ::")
        return "", None
    name = restore(rest.text[2:end]).strip(SPACE)
    return name, Piece(rest.text[end + 2 :], rest.offset + end + 2).stripped()


def _find_braces(block: Block, rest: Piece) -> tuple[int, int] | tuple[()] | None:
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


def _split_text(rest: Piece, braces) -> tuple[str, Piece, bool]:
    """Split the question into its text and its answers; text after the braces makes a blank.

    As in Moodle, text after the closing brace means the missing-word form: the braces stand
    inside the sentence, and BLANK marks where (Moodle writes "_____").
    """
    if braces == ():
        return rest.text, Piece("", rest.offset), False
    opening, closing = braces
    before, after = rest.text[:opening], rest.text[closing + 1 :]
    answers = Piece(rest.text[opening + 1 : closing], rest.offset + opening + 1)
    if after.strip(SPACE):
        return before + BLANK + after, answers, True
    return before, answers, False


def _split_general_feedback(answers: Piece) -> tuple[Piece, Piece]:
    """Take the general feedback (after the last ####) off the answers."""
    mark = answers.text.rfind("####")
    if mark < 0:
        return answers, Piece("", answers.offset)
    return Piece(answers.text[:mark], answers.offset), Piece(
        answers.text[mark + 4 :], answers.offset + mark + 4
    )


def _read_answers(block: Block, question: Question, answers: Piece, blank: bool) -> None:
    """Decide the question type from its answers, as Moodle does; the type reads them."""
    question.type = _answer_kind(answers.text)
    question_type(question.type).read_gift(block, question, answers)
    if blank and question.type in MISSING_WORD:
        question.fill_choices = MISSING_WORD[question.type]
        question.type = "fill"


def _answer_kind(answers: str) -> str:
    """Moodle's order of tests: empty, #, ~, = with ->, T/F, else short answers."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "single" if "=" in answers else "multiple"
    if "=" in answers and "->" in answers:
        return "matching"
    if answers.split("#", 1)[0].strip(SPACE) in TRUE_WORDS + FALSE_WORDS:
        return "truefalse"
    return "short"


def gift_unsupported(question: Question) -> str | None:
    """Say why a question cannot be written as GIFT (and read back the same), or None if it can."""
    kind = question_type(question.type)
    if kind is None or not kind.in_gift:
        return f"GIFT has no {question.type} questions"
    if question.format not in FORMATS:
        return f"unknown text format {question.format!r}"
    if "\n" in question.category or "\r" in question.category:
        return "a category must fit on one line"
    if not question.text["zh"].strip(SPACE):
        return "the question has no text"
    return kind.gift_unsupported(question)


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
    prefix = f"::{escape(question.name)}::" + format_guard(
        question.text["zh"], question.format, always=question.format != "moodle"
    )
    text = question.text["zh"]
    kind = question_type(question.type)
    answers = kind.write_gift(question)
    if not kind.blank_in_text or BLANK not in text:
        return prefix + escape(text) + answers
    before, after = text.split(BLANK, 1)
    # Text after the braces is what makes a blank; an escaped line break keeps one at the end.
    return prefix + escape(before) + answers + (escape(after) if after else "\\n")
