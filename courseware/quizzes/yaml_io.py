"""Write questions back as the YAML an author would have written: the inverse of files.parse_question.

`parse_bank_yaml(write_bank_yaml(questions, category), path)` gives back the same questions, so a
bank imported from GIFT (or a quiz exported from the database) can be edited as YAML and synced.
Each type writes its own fields (types/<name>.py); defaults are left out to keep files short.
"""

from __future__ import annotations

import yaml

from courseware.quizzes.files import YAML_FORMATS
from courseware.quizzes.questions import Question
from courseware.quizzes.types import question_type
from courseware.quizzes.yaml_parts import is_empty, plain_number, text_to_yaml

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


def type_fields(question: Question) -> dict:
    """The fields that belong to the question's type, as in docs/quizzes.md."""
    return question_type(question.type).write_yaml(question)


def question_to_yaml(question: Question) -> dict:
    """The YAML mapping that files.parse_question reads back into this question."""
    data = {"id": question.name, "type": question.type, "text": text_to_yaml(question.text)}
    # GIFT questions have format "moodle" (Moodle's own markup), which YAML files do not accept;
    # it is closest to plain text, so it is exported as "plain" and the round trip changes it.
    fmt = "plain" if question.format == "moodle" else question.format
    if fmt != "markdown" and fmt in YAML_FORMATS:
        data["format"] = fmt
    # A type without points (a description) gets 0 from the parser whatever the file says.
    if question_type(question.type).scored and question.points != 1.0:
        data["points"] = plain_number(question.points)
    data.update(type_fields(question))
    if not is_empty(question.explanation):
        data["explanation"] = text_to_yaml(question.explanation)
    return data


def write_bank_yaml(questions: list[Question], category: str, name: dict | None = None) -> str:
    """A bank file: the category, the name it is shown by (if any) and its questions, in UTF-8
    text an author can edit."""
    bank: dict = {"category": category}
    if name and any(name.values()):
        bank["name"] = text_to_yaml(name)
    bank["questions"] = [question_to_yaml(q) for q in questions]
    # yaml.dump with a SafeDumper subclass is yaml.safe_dump with our string styles.
    return yaml.dump(bank, Dumper=BankDumper, allow_unicode=True, sort_keys=False, width=NO_FOLDING)
