"""Questions as plain values, shared by the YAML and GIFT readers, the database and the grader.

Every text is a mapping {"zh": ..., "en": ...}: "zh" holds the original (a GIFT file's only
language goes there), "en" the translation, "" when there is none. Weights are fractions of the
question's points, from -1 to 1, as Moodle's percentages divided by 100.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field

# The built-in question types, in the order files and messages list them. Each is a module of
# courseware/quizzes/types/, which holds what a type does; the registry there may hold more.
TYPES = (
    "single",  # one answer; other options may earn partial credit
    "multiple",  # several answers; weights add up, negative weights punish guessing
    "truefalse",
    "short",  # typed answer compared with the accepted ones
    "numerical",  # a number within a tolerance or a range
    "matching",
    "ordering",
    "fill",  # a blank inside the sentence: "{blank}" in the text, typed or chosen
    "essay",  # graded by an instructor
    "description",  # text only, no answer, no points
)
FORMATS = ("markdown", "html", "plain", "moodle")
BLANK = "{blank}"
OMITTED_WHEN_EMPTY = ("units", "extra")


def text(zh: str = "", en: str = "") -> dict:
    return {"zh": zh, "en": en}


def empty_text() -> dict:
    return text()


@dataclass
class Option:
    """A choice, an accepted short answer or a blank's answer."""

    text: dict
    weight: float = 0.0
    feedback: dict = field(default_factory=empty_text)


@dataclass
class Number:
    """An accepted numerical answer: value ± tolerance."""

    value: float
    tolerance: float = 0.0
    weight: float = 1.0
    feedback: dict = field(default_factory=empty_text)


@dataclass
class Pair:
    """A matching pair; a pair with an empty left side is a distractor on the right."""

    left: dict
    right: dict


@dataclass
class Question:
    type: str
    name: str
    text: dict
    format: str = "markdown"
    category: str = ""
    points: float = 1.0
    options: list[Option] = field(default_factory=list)  # single, multiple, short, fill
    answer: bool | None = None  # truefalse
    feedback_true: dict = field(default_factory=empty_text)  # shown to who answered "true"
    feedback_false: dict = field(default_factory=empty_text)  # shown to who answered "false"
    numbers: list[Number] = field(default_factory=list)  # numerical
    pairs: list[Pair] = field(default_factory=list)  # matching
    items: list[dict] = field(default_factory=list)  # ordering, in the right order
    fill_choices: bool = False  # fill: pick from options, else type
    explanation: dict = field(default_factory=empty_text)  # general feedback
    guide: dict = field(default_factory=empty_text)  # essay: shown to the grader only
    units: list[str] = field(default_factory=list)  # numerical: units allowed after the number
    extra: dict = field(default_factory=dict)  # what a type outside the built-in ones keeps

    def to_dict(self) -> dict:
        data = asdict(self)
        # Left out while empty, so that questions written before these fields keep their hashes.
        for name in OMITTED_WHEN_EMPTY:
            if not data[name]:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        data = dict(data)
        data["options"] = [Option(**o) for o in data.get("options", [])]
        data["numbers"] = [Number(**n) for n in data.get("numbers", [])]
        data["pairs"] = [Pair(**p) for p in data.get("pairs", [])]
        return cls(**data)

    @property
    def content_hash(self) -> str:
        encoded = json.dumps(
            self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def normalise_answer(value: str) -> str:
    """Compare typed answers ignoring case, surrounding space and full- vs half-width forms.

    NFKC folds full-width letters and digits ("ＡＢＣ１") to ASCII; casefold then lowers them.
    Inner runs of white space count as one space.
    """
    folded = unicodedata.normalize("NFKC", value or "").casefold()
    return " ".join(folded.split())


def default_name(question_text: dict) -> str:
    """A stable name for a question written without one (GIFT allows that)."""
    digest = hashlib.sha256((question_text.get("zh") or "").encode("utf-8")).hexdigest()
    return f"q-{digest[:10]}"


def make_names_unique(questions: list[Question]) -> None:
    """GIFT names are labels, not keys: Moodle's own files repeat them. Number the repeats in file
    order (name-2, name-3) so that importing the same file again finds the same questions."""
    seen: dict[str, int] = {}
    taken = {q.name for q in questions}
    for question in questions:
        count = seen.get(question.name, 0) + 1
        seen[question.name] = count
        if count > 1:
            candidate = f"{question.name}-{count}"
            while candidate in taken:
                count += 1
                candidate = f"{question.name}-{count}"
            seen[question.name] = count
            taken.add(candidate)
            question.name = candidate
