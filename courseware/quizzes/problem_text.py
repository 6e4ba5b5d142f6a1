"""The problems the quiz readers find, said in the reader's language.

The readers (GIFT, YAML, the types) write their problems in English, as `content check` prints
them; a page shows them translated, with the file and line kept. Each message the readers write is
matched here by its pattern; a message with no pattern (a new one) is shown as written.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courseware.content.files import Problem
from courseware.content.messages import MessageTable

# Each pattern's named groups fill the translation's placeholders. A translation is always
# formatted, so a percent sign in one is written %%.
PATTERNS: list[tuple[str, object]] = [
    (r"the question has no text", _l("the question has no text")),
    (r"the question name has no closing ::", _l("the question name has no closing ::")),
    (
        r"unclosed \{ \(write \\\{ for a literal brace\)",
        _l("unclosed { (write \\{ for a literal brace)"),
    ),
    (
        r"\{ inside the answers \(write \\\{ for a literal brace\)",
        _l("{ inside the answers (write \\{ for a literal brace)"),
    ),
    (
        r"\} without an opening \{ \(write \\\} for a literal brace\)",
        _l("} without an opening { (write \\} for a literal brace)"),
    ),
    (
        r"a second \{…\} in one question: .*",
        _l(
            "a second {…} in one question: separate questions with a blank line, or write \\{ "
            "and \\} for literal braces"
        ),
    ),
    (
        r"write a true/false answer in capitals: T, TRUE, F or FALSE",
        _l("write a true/false answer in capitals: T, TRUE, F or FALSE"),
    ),
    (r"an answer must start with (?P<markers>.+)", _l("an answer must start with %(markers)s")),
    (
        r"bad weight %(?P<weight>.*)%: write a percentage such as %50% or %-33\.33333%",
        _l("bad weight %%%(weight)s%%: write a percentage such as %%50%% or %%-33.33333%%"),
    ),
    (
        r"weight %(?P<weight>.*)% is not between -100 and 100",
        _l("weight %%%(weight)s%% is not between -100 and 100"),
    ),
    (r"an answer has no text", _l("an answer has no text")),
    (
        r"a weight after = is not read in a choice question: .*",
        _l("a weight after = is not read in a choice question: write ~%%50%%… for partial credit"),
    ),
    (
        r"a choice question needs at least two options",
        _l("a choice question needs at least two options"),
    ),
    (
        r"the positive weights of a multiple-answer question must add up to 100%, "
        r"not (?P<total>.+)%",
        _l(
            "the positive weights of a multiple-answer question must add up to 100%%, not "
            "%(total)s%%"
        ),
    ),
    (
        r"a matching pair needs -> between its two sides",
        _l("a matching pair needs -> between its two sides"),
    ),
    (r"a matching pair needs a text after ->", _l("a matching pair needs a text after ->")),
    (
        r"a matching question needs at least two pairs",
        _l("a matching question needs at least two pairs"),
    ),
    (
        r"a numerical question needs at least one number",
        _l("a numerical question needs at least one number"),
    ),
    (
        r"one of the numbers must be worth 100%",
        _l("one of the numbers must be worth 100%%"),
    ),
    (
        r"one of the answers must be worth 100%",
        _l("one of the answers must be worth 100%%"),
    ),
    (
        r"a short-answer question needs at least one answer",
        _l("a short-answer question needs at least one answer"),
    ),
    (
        r"unexpected '(?P<text>.*)' between ~ and # in a numerical question",
        _l("unexpected “%(text)s” between ~ and # in a numerical question"),
    ),
    (
        r"the text contains a private-use character .*",
        _l("the text contains a private-use character (U+10FFxx) that GIFT reading reserves"),
    ),
    (
        r"the file must be saved as UTF-8: byte (?P<byte>0x[0-9A-F]+) .*",
        _l(
            "the file must be saved as UTF-8: byte %(byte)s is not UTF-8 and the file is neither "
            "Chinese GB18030 nor windows-1252 text"
        ),
    ),
    (r"the file must be saved as UTF-8", _l("the file must be saved as UTF-8")),
    (r"the file holds no questions", _l("the file holds no questions")),
    (r"a question file ends in \.gift or \.yaml", _l("a question file ends in .gift or .yaml")),
    (
        r"question name (?P<name>.+) is used twice in this file",
        _l("question name %(name)s is used twice in this file"),
    ),
    # --- YAML: banks, questions and their parts ---
    (r"bad YAML: (?P<what>.+)", _l("bad YAML: %(what)s")),
    (
        r"a bank file is a mapping with category and questions",
        _l("a bank file is a mapping with category and questions"),
    ),
    (r"a bank needs a category", _l("a bank needs a category")),
    (r"unknown bank field (?P<name>.+)", _l("unknown bank field %(name)s")),
    (
        r"questions must list the bank's questions",
        _l("questions must list the bank's questions"),
    ),
    (
        r"a question is a mapping with id, type and text",
        _l("a question is a mapping with id, type and text"),
    ),
    (
        r"unknown question type (?P<name>.+); one of: (?P<names>.+)",
        _l("unknown question type %(name)s; one of: %(names)s"),
    ),
    (
        r"a question needs an id of lowercase letters, digits and hyphens",
        _l("a question needs an id of lowercase letters, digits and hyphens"),
    ),
    (
        r"unknown field (?P<name>.+) for a (?P<kind>\w+) question",
        _l("unknown field %(name)s for a %(kind)s question"),
    ),
    (r"format must be one of (?P<names>.+)", _l("format must be one of %(names)s")),
    (
        r"a text is a string or a mapping with zh \(and en\)",
        _l("a text is a string or a mapping with zh (and en)"),
    ),
    (
        r"put the text in quotes: .*",
        _l("put the text in quotes: YAML reads a bare Yes, No, On or Off as true or false"),
    ),
    (r"the Chinese text \(zh\) is missing", _l("the Chinese text (zh) is missing")),
    (
        r"(?P<name>\w+) must be a whole number",
        _l("%(name)s must be a whole number"),
    ),
    (r"(?P<name>\w+) must be a number", _l("%(name)s must be a number")),
    (
        r"(?P<name>\w+) must be between (?P<low>\S+) and (?P<high>\S+)",
        _l("%(name)s must be between %(low)s and %(high)s"),
    ),
    (r"correct must be true or false", _l("correct must be true or false")),
    (
        r"a (?P<kind>\w+) question needs a list of at least two options",
        _l("a %(kind)s question needs a list of at least two options"),
    ),
    (
        r"an option is a mapping with text .*",
        _l("an option is a mapping with text (and correct, weight, feedback)"),
    ),
    (r"unknown option field (?P<name>.+)", _l("unknown option field %(name)s")),
    (r"no option is marked correct", _l("no option is marked correct")),
    (r"answers must list the accepted answers", _l("answers must list the accepted answers")),
    (
        r"answers must list \{answer, tolerance, weight\}",
        _l("answers must list {answer, tolerance, weight}"),
    ),
    (r"a numerical answer is a mapping", _l("a numerical answer is a mapping")),
    (r"min is above max", _l("min is above max")),
    (
        r"a pair is a mapping with left and right",
        _l("a pair is a mapping with left and right"),
    ),
    (r"distractors must be a list of texts", _l("distractors must be a list of texts")),
    (
        r"a truefalse question needs answer: true or false",
        _l("a truefalse question needs answer: true or false"),
    ),
    (
        r"units must list the units allowed after the number",
        _l("units must list the units allowed after the number"),
    ),
    (
        r"an ordering question needs at least two items in the right order",
        _l("an ordering question needs at least two items in the right order"),
    ),
    (
        r"the (?P<lang>zh|en) text must contain \{blank\} exactly once",
        _l("the %(lang)s text must contain {blank} exactly once"),
    ),
    (
        r"a fill question has either answers \(typed\) or options \(chosen\)",
        _l("a fill question has either answers (typed) or options (chosen)"),
    ),
]
MESSAGES = MessageTable(PATTERNS)


def translate_message(message: str) -> str:
    """One reader's message in the reader's language, or as written when no pattern knows it."""
    return MESSAGES.say(message)[0]


def translate_problem(problem: Problem) -> str:
    """`path:line: message`, the message translated; the file and line stay as they are."""
    return f"{problem.path}:{problem.line}: {translate_message(problem.message)}"
