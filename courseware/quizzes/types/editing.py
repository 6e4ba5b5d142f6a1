"""What a question type's edit form holds, described as data: each type lists its parts in the
terms of its YAML fields, so that one form, one answer key and one reader serve every type.

The browser's form is turned into the YAML mapping an author would write (editor.form_to_yaml)
and read by the type's own read_yaml, which names each problem by its key; a part's `key` is
that YAML key, a column's `key` the key inside one row.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Column:
    """One cell of a row: a text in Chinese and English, or a number."""

    key: str
    label: object
    kind: str = "text"  # "text" ({zh, en}) or "number"
    # Shown as a percentage of the question's points (a weight).
    percent: bool = False
    required: bool = False
    # What an empty cell means (shown in the answer key).
    default: float | None = None


@dataclass(frozen=True)
class Part:
    """One field of a type's form beyond the common ones (text, points, explanation).

    kind: "text" one text {zh, en}; "rows" a list of mappings with `columns`; "texts" a list
    of texts; "words" a list of short plain words (units); "truefalse" true or false.
    """

    key: str
    label: object
    kind: str
    columns: tuple[Column, ...] = ()
    hint: object = ""
    # Empty rows a new question's form offers.
    rows: int = 0


TEXT = Column("text", _l("Text"), required=True)
FEEDBACK = Column("feedback", _l("Feedback"))
WEIGHT = Column("weight", _l("Weight (%)"), "number", percent=True, default=0)

OPTIONS = Part(
    "options",
    _l("Options"),
    "rows",
    (TEXT, WEIGHT, FEEDBACK),
    _l("Weight: 100 for the right option, 0 for a wrong one; a part for partial credit."),
    rows=4,
)
MULTIPLE_OPTIONS = Part(
    "options",
    _l("Options"),
    "rows",
    (TEXT, WEIGHT, FEEDBACK),
    _l(
        "The right options' weights add up to 100; a negative weight takes points off for a "
        "wrong choice."
    ),
    rows=4,
)
ANSWERS = Part(
    "answers",
    _l("Accepted answers"),
    "rows",
    (TEXT, Column("weight", _l("Weight (%)"), "number", percent=True, default=100), FEEDBACK),
    _l("An empty weight is 100. Case, spaces and full-width forms are ignored."),
    rows=3,
)
NUMBERS = Part(
    "answers",
    _l("Accepted numbers"),
    "rows",
    (
        Column("answer", _l("Number"), "number", required=True),
        Column("tolerance", _l("Tolerance (±)"), "number", default=0),
        Column("weight", _l("Weight (%)"), "number", percent=True, default=100),
        FEEDBACK,
    ),
    _l("An empty weight is 100."),
    rows=2,
)
UNITS = Part("units", _l("Units allowed after the number"), "words", hint=_l("Separate by commas"))
PAIRS = Part(
    "pairs",
    _l("Pairs"),
    "rows",
    (Column("left", _l("Left"), required=True), Column("right", _l("Right"), required=True)),
    rows=3,
)
DISTRACTORS = Part("distractors", _l("Extra right-hand texts (distractors)"), "texts", rows=1)
ITEMS = Part("items", _l("Items in the right order"), "texts", rows=4)
ANSWER_TRUE = Part("answer", _l("The statement is"), "truefalse")
FEEDBACK_TRUE = Part("feedback_true", _l("Feedback to who answers true"), "text")
FEEDBACK_FALSE = Part("feedback_false", _l("Feedback to who answers false"), "text")
GUIDE = Part("answer_guide", _l("Guide for the grader (not shown to learners)"), "text")
FILL_ANSWERS = Part(
    "answers",
    _l("Accepted typed answers"),
    "rows",
    ANSWERS.columns,
    _l("Either typed answers or options to choose from, not both."),
    rows=2,
)
FILL_OPTIONS = Part(
    "options",
    _l("Options to choose from"),
    "rows",
    (TEXT, WEIGHT, FEEDBACK),
    _l("Leave empty for a typed answer."),
    rows=0,
)
