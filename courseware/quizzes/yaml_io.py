"""Write questions back as the YAML an author would have written: the inverse of files.parse_question.

`parse_bank_yaml(write_bank_yaml(questions, category), path)` gives back the same questions, so a
bank imported from GIFT (or a quiz exported from the database) can be edited as YAML and synced.
Defaults (points 1, format markdown, empty texts, weight 0) are left out to keep files short.
"""

from __future__ import annotations

import yaml

from courseware.quizzes.files import YAML_FORMATS
from courseware.quizzes.questions import Number, Option, Question

# Wide enough that PyYAML never folds a long line: a folded plain scalar reads back the same, but
# authors should see one text on one line.
NO_FOLDING = 1_000_000


class BankDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with texts written the way an author reads them best."""


def represent_text(dumper: BankDumper, value: str):
    """Multi-line texts as literal blocks (`|`), as an author writes Markdown.

    PyYAML writes a next-line character (U+0085) raw inside a quoted scalar and then reads it back
    as a line break folded into a space; the double-quoted style escapes it as \\N instead.
    """
    if "\x85" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        # PyYAML falls back to a quoted style when a literal block cannot hold the text exactly.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


BankDumper.add_representer(str, represent_text)


def text_to_yaml(value: dict):
    """A text as a plain string when it has no translation, else as {zh, en}."""
    if not value.get("en"):
        return value.get("zh", "")
    return {"zh": value.get("zh", ""), "en": value["en"]}


def is_empty(value: dict) -> bool:
    return not any(value.values())


def plain_number(value: float):
    """3.0 as 3, so authors read the numbers they would have typed."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def percent(weight: float):
    """The shortest percentage that the parser, dividing by 100, turns back into exactly this weight.

    weight * 100 carries float noise (0.07 * 100 == 7.000000000000001) that no author typed.
    """
    raw = weight * 100
    for digits in range(16):
        candidate = round(raw, digits)
        if candidate / 100 == weight:
            return plain_number(candidate)
    return plain_number(raw)


def choice_weight(weight: float, as_percent: bool = False) -> dict:
    """`correct: true` for full credit, `weight: <percent>` otherwise, nothing for 0 (the default)."""
    if weight == 0:
        return {}
    if weight == 1.0 and not as_percent:
        return {"correct": True}
    return {"weight": percent(weight)}


def option_to_yaml(option: Option, as_percent: bool = False) -> dict:
    """A choice of a single, multiple or fill question."""
    entry = {"text": text_to_yaml(option.text)}
    entry.update(choice_weight(option.weight, as_percent))
    if not is_empty(option.feedback):
        entry["feedback"] = text_to_yaml(option.feedback)
    return entry


def answer_to_yaml(option: Option):
    """An accepted typed answer: a bare text when it earns full credit and has no feedback."""
    if option.weight == 1.0 and is_empty(option.feedback):
        return text_to_yaml(option.text)
    entry = {"text": text_to_yaml(option.text)}
    # Typed answers default to full credit, so any other weight, 0 included, is written out.
    if option.weight != 1.0:
        entry["weight"] = percent(option.weight)
    if not is_empty(option.feedback):
        entry["feedback"] = text_to_yaml(option.feedback)
    return entry


def number_to_yaml(number: Number) -> dict:
    """One accepted number as answer and tolerance (a min/max range reads back as these)."""
    entry = {"answer": plain_number(number.value)}
    if number.tolerance:
        entry["tolerance"] = plain_number(number.tolerance)
    return entry


def numbers_to_yaml(numbers: list[Number]) -> dict:
    """`answer:` inline for one plain answer; `answers:` when there are several, or weights or feedback."""
    if len(numbers) == 1 and numbers[0].weight == 1.0 and is_empty(numbers[0].feedback):
        return number_to_yaml(numbers[0])
    answers = []
    for number in numbers:
        entry = number_to_yaml(number)
        # Numerical answers default to full credit, like typed ones.
        if number.weight != 1.0:
            entry["weight"] = percent(number.weight)
        if not is_empty(number.feedback):
            entry["feedback"] = text_to_yaml(number.feedback)
        answers.append(entry)
    return {"answers": answers}


def type_fields(question: Question) -> dict:
    """The fields that belong to the question's type, as in docs/quizzes.md."""
    kind = question.type
    if kind == "single":
        return {"options": [option_to_yaml(o) for o in question.options]}
    if kind == "multiple":
        # Correct options without a weight share the points on reading, which would change
        # weights such as 100 and 50; writing every non-zero weight keeps them as they are.
        return {"options": [option_to_yaml(o, as_percent=True) for o in question.options]}
    if kind == "truefalse":
        fields = {"answer": bool(question.answer)}
        if not is_empty(question.feedback_true):
            fields["feedback_true"] = text_to_yaml(question.feedback_true)
        if not is_empty(question.feedback_false):
            fields["feedback_false"] = text_to_yaml(question.feedback_false)
        return fields
    if kind == "short":
        return {"answers": [answer_to_yaml(o) for o in question.options]}
    if kind == "numerical":
        return numbers_to_yaml(question.numbers)
    if kind == "matching":
        return matching_fields(question)
    if kind == "ordering":
        return {"items": [text_to_yaml(item) for item in question.items]}
    if kind == "fill":
        if question.fill_choices:
            return {"options": [option_to_yaml(o) for o in question.options]}
        return {"answers": [answer_to_yaml(o) for o in question.options]}
    if kind == "essay":
        return {} if is_empty(question.guide) else {"answer_guide": text_to_yaml(question.guide)}
    return {}


def matching_fields(question: Question) -> dict:
    """Pairs, and the distractors (pairs with an empty left side) after them, as the parser reads them."""
    pairs = [
        {"left": text_to_yaml(p.left), "right": text_to_yaml(p.right)}
        for p in question.pairs
        if not is_empty(p.left)
    ]
    fields = {"pairs": pairs}
    distractors = [text_to_yaml(p.right) for p in question.pairs if is_empty(p.left)]
    if distractors:
        fields["distractors"] = distractors
    return fields


def question_to_yaml(question: Question) -> dict:
    """The YAML mapping that files.parse_question reads back into this question."""
    data = {"id": question.name, "type": question.type, "text": text_to_yaml(question.text)}
    # GIFT questions have format "moodle" (Moodle's own markup), which YAML files do not accept;
    # it is closest to plain text, so it is exported as "plain" and the round trip changes it.
    fmt = "plain" if question.format == "moodle" else question.format
    if fmt != "markdown" and fmt in YAML_FORMATS:
        data["format"] = fmt
    # A description never has points: the parser sets them to 0 whatever the file says.
    if question.type != "description" and question.points != 1.0:
        data["points"] = plain_number(question.points)
    data.update(type_fields(question))
    if not is_empty(question.explanation):
        data["explanation"] = text_to_yaml(question.explanation)
    return data


def write_bank_yaml(questions: list[Question], category: str) -> str:
    """A bank file: the category and its questions, in UTF-8 text an author can edit."""
    bank = {"category": category, "questions": [question_to_yaml(q) for q in questions]}
    # yaml.dump with a SafeDumper subclass is yaml.safe_dump with our string styles.
    return yaml.dump(bank, Dumper=BankDumper, allow_unicode=True, sort_keys=False, width=NO_FOLDING)
