"""Writing questions in the browser: one form for every type, built from the type's parts
(types/editing.py), read back by the type's own YAML reader, and saved as a new revision.

The form's fields are named after the YAML keys: `text-zh`, `options-2-weight`,
`answers-0-feedback-en`. form_to_yaml turns them into the mapping an author would write, so the
same reader that checks the files checks the form, and each problem it finds (by its YAML key)
is shown at the field it belongs to, named, in the page's language.

A save names the version it was loaded from (the question's content_hash); a save over a newer
version is refused, and the editor keeps both texts. A changed answer key regrades the answers
already handed in, as a content sync does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courseware.accounts.audit import record as audit
from courseware.content.files import SLUG
from courseware.courses.models import new_course_version
from courseware.db import db
from courseware.quizzes.attempts import regrade_question
from courseware.quizzes.files import parse_question, Reader
from courseware.quizzes.models import QuestionRecord
from courseware.quizzes.problem_text import translate_message
from courseware.quizzes.question_revisions import add_question_revision, revisions_of
from courseware.quizzes.questions import default_name, Question
from courseware.quizzes.sync import key_hash, next_position
from courseware.quizzes.types import question_type
from courseware.quizzes.types.base import QuestionType
from courseware.quizzes.types.editing import Part
from courseware.quizzes.yaml_parts import plain_number
from courseware.timeutil import utcnow

LANGS = ("zh", "en")
COMMON_LABELS = {
    "id": _l("Question id"),
    "category": _l("Category"),
    "text": _l("Question text"),
    "points": _l("Points"),
    "explanation": _l("General feedback"),
}
MAX_CATEGORY = 200
MAX_NAME = 80
# Rows a form offers beyond those filled in, so that one more can be typed without a reload.
SPARE_ROWS = 1
WORD_SPLIT = re.compile(r"[,，、;；\s]+")


# --- the form's values ------------------------------------------------------------------------


def _text_values(name: str, value) -> dict[str, str]:
    if isinstance(value, dict):
        return {f"{name}-{lang}": str(value.get(lang) or "") for lang in LANGS}
    return {f"{name}-zh": "" if value is None else str(value), f"{name}-en": ""}


def _row_values(part: Part, index: int, entry) -> dict[str, str]:
    if not isinstance(entry, dict):
        entry = {part.columns[0].key: entry}
    values = {}
    for column in part.columns:
        name = f"{part.key}-{index}-{column.key}"
        value = entry.get(column.key)
        if column.key == "weight" and value is None and entry.get("correct") is True:
            value = 100
        if column.kind == "text":
            values.update(_text_values(name, value))
        else:
            values[name] = "" if value is None else str(plain_number(value))
    return values


def form_values(question: Question) -> dict[str, str]:
    """The form's fields filled in with a question, keyed by field name."""
    kind = question_type(question.type)
    values = {
        "id": question.name,
        "category": question.category,
        "points": str(plain_number(question.points)),
    }
    values.update(_text_values("text", question.text))
    values.update(_text_values("explanation", question.explanation))
    parts = kind.editor_values(question)
    for part in kind.editor_parts:
        value = parts.get(part.key)
        if part.kind == "text":
            values.update(_text_values(part.key, value))
        elif part.kind == "truefalse":
            values[part.key] = "" if value is None else ("true" if value else "false")
        elif part.kind == "words":
            values[part.key] = ", ".join(value or [])
        elif part.kind == "texts":
            for i, entry in enumerate(value or []):
                values.update(_text_values(f"{part.key}-{i}", entry))
        elif part.kind == "rows":
            for i, entry in enumerate(value or []):
                values.update(_row_values(part, i, entry))
    return values


def row_counts(kind: QuestionType, values, more: str = "") -> dict[str, int]:
    """How many rows each list part shows: those filled in, a spare one, at least the part's
    minimum; one more for the part whose "add a row" button was pressed."""
    counts = {}
    for part in kind.editor_parts:
        if part.kind not in ("rows", "texts"):
            continue
        prefix = f"{part.key}-"
        filled = [
            int(match.group(1))
            for name, value in values.items()
            if name.startswith(prefix)
            and (match := re.match(r"(\d+)-", name[len(prefix) :]))
            and str(value).strip()
        ]
        count = max(part.rows, (max(filled) + 1 + SPARE_ROWS) if filled else 0)
        counts[part.key] = count + (1 if more == part.key else 0)
    return counts


# --- the answer key, as the bank and the import preview show it ---------------------------------


def as_text(value) -> dict:
    """A text as YAML writes it (a plain string is the Chinese original) as {zh, en}."""
    if isinstance(value, dict):
        return {lang: str(value.get(lang) or "") for lang in LANGS}
    return {"zh": "" if value is None else str(value), "en": ""}


@dataclass
class KeyPart:
    """One part of a question's answer key: a text, true/false, words, texts or rows of cells."""

    part: Part
    value: object


def answer_key(question: Question) -> list[KeyPart]:
    """Everything that decides or explains the grade, part by part as the type's form has it:
    options with their weights and feedback, accepted answers, numbers, pairs, items."""
    kind = question_type(question.type)
    values = kind.editor_values(question)
    key = []
    for part in kind.editor_parts:
        value = values.get(part.key)
        if part.kind == "text":
            value = as_text(value)
            if not any(value.values()):
                continue
        elif part.kind == "texts":
            value = [as_text(v) for v in value or []]
        elif part.kind == "rows":
            rows = []
            for entry in value or []:
                if not isinstance(entry, dict):
                    entry = {part.columns[0].key: entry}
                cells = []
                for column in part.columns:
                    cell = entry.get(column.key)
                    if column.key == "weight" and cell is None and entry.get("correct") is True:
                        cell = 100
                    if column.kind == "text":
                        cells.append(as_text(cell))
                    else:
                        cells.append(plain_number(column.default if cell is None else cell))
                rows.append(cells)
            value = rows
        if value in (None, [], ""):
            continue
        key.append(KeyPart(part, value))
    return key


# --- from the form to the YAML mapping and back to a question ----------------------------------


def _bilingual(form, name: str) -> dict[str, str]:
    return {lang: (form.get(f"{name}-{lang}") or "").strip() for lang in LANGS}


def _number(raw: str):
    """A number as typed: an int or float, or the text itself so that the reader names it."""
    raw = raw.strip().replace("％", "").replace("%", "")
    try:
        value = float(raw)
    except ValueError:
        return raw
    return int(value) if value.is_integer() else value


def _indexes(form, key: str) -> list[int]:
    found = set()
    for name in form:
        match = re.match(rf"{re.escape(key)}-(\d+)-", name)
        if match:
            found.add(int(match.group(1)))
    return sorted(found)


def _rows(part: Part, form) -> tuple[list[dict], list[int]]:
    """The part's rows that have anything typed in, and the form row each came from."""
    rows, where = [], []
    for index in _indexes(form, part.key):
        row, typed = {}, False
        for column in part.columns:
            name = f"{part.key}-{index}-{column.key}"
            if column.kind == "text":
                value = _bilingual(form, name)
                if any(value.values()):
                    typed = True
                    row[column.key] = value
                elif column.required:
                    row[column.key] = value
            else:
                raw = (form.get(name) or "").strip()
                if raw:
                    typed = True
                    row[column.key] = _number(raw)
        if typed:
            rows.append(row)
            where.append(index)
    return rows, where


def form_to_yaml(kind: QuestionType, form, name: str) -> tuple[dict, dict[str, list[int]]]:
    """The YAML mapping the form stands for, and for each list part the form row of each entry."""
    data: dict = {"id": name, "type": kind.name, "text": _bilingual(form, "text")}
    if kind.scored and (form.get("points") or "").strip():
        data["points"] = _number(form.get("points"))
    explanation = _bilingual(form, "explanation")
    if any(explanation.values()):
        data["explanation"] = explanation
    fmt = form.get("format") or "markdown"
    if fmt in ("html", "plain"):
        data["format"] = fmt
    rows_at: dict[str, list[int]] = {}
    for part in kind.editor_parts:
        if part.kind == "text":
            value = _bilingual(form, part.key)
            if any(value.values()):
                data[part.key] = value
        elif part.kind == "truefalse":
            raw = form.get(part.key)
            if raw in ("true", "false"):
                data[part.key] = raw == "true"
        elif part.kind == "words":
            words = [w for w in WORD_SPLIT.split(form.get(part.key) or "") if w]
            if words:
                data[part.key] = words
        elif part.kind == "texts":
            entries, where = [], []
            for index in _indexes(form, part.key):
                value = _bilingual(form, f"{part.key}-{index}")
                if any(value.values()):
                    entries.append(value)
                    where.append(index)
            rows_at[part.key] = where
            if entries:
                data[part.key] = entries
        elif part.kind == "rows":
            rows, where = _rows(part, form)
            rows_at[part.key] = where
            if rows:
                data[part.key] = rows
    return data, rows_at


@dataclass
class FieldError:
    """A problem with the form, at a field (its name; "" for the question as a whole)."""

    field: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}" if self.label else self.message


class KeyedReader(Reader):
    """The YAML reader's problems, each kept with the key it was found at."""

    def __init__(self):
        super().__init__(_("the form"), {})
        self.found: list[tuple[tuple, str]] = []

    def problem(self, key: tuple, message: str) -> None:
        super().problem(key, message)
        self.found.append((key, message))


def _place(kind: QuestionType, key: tuple, rows_at: dict[str, list[int]]) -> tuple[str, str]:
    """The form field a YAML key stands for, and its name for the reader."""
    if not key:
        return "", ""
    head = key[0]
    if head in COMMON_LABELS:
        suffix = "-zh" if head in ("text", "explanation") else ""
        return f"{head}{suffix}", str(COMMON_LABELS[head])
    part = next((p for p in kind.editor_parts if p.key == head), None)
    if part is None:
        return "", ""
    if part.kind in ("text",):
        return f"{part.key}-zh", str(part.label)
    if part.kind in ("truefalse", "words") or len(key) < 2 or not isinstance(key[1], int):
        first = part.key
        if part.kind == "rows":
            first = f"{part.key}-0-{part.columns[0].key}"
            first += "-zh" if part.columns[0].kind == "text" else ""
        elif part.kind == "texts":
            first = f"{part.key}-0-zh"
        return first, str(part.label)
    where = rows_at.get(part.key, [])
    row = where[key[1]] if key[1] < len(where) else key[1]
    if part.kind == "texts":
        return f"{part.key}-{row}-zh", _("%(part)s, row %(row)d", part=part.label, row=row + 1)
    column = next((c for c in part.columns if len(key) > 2 and c.key == key[2]), part.columns[0])
    name = f"{part.key}-{row}-{column.key}" + ("-zh" if column.kind == "text" else "")
    return name, _(
        "%(part)s, row %(row)d, %(column)s", part=part.label, row=row + 1, column=column.label
    )


def read_question(
    kind: QuestionType, form, course_id: int, record: QuestionRecord | None
) -> tuple[Question | None, list[FieldError]]:
    """The question the form holds, or every problem with it, each at its field."""
    errors: list[FieldError] = []
    category = (form.get("category_new") or "").strip() or (form.get("category") or "").strip()
    # A quiz's own question (written in its quiz file) has no category and keeps none.
    own = record is not None and not record.category
    if not category and not own:
        errors.append(
            FieldError("category", str(COMMON_LABELS["category"]), _("Choose or type a category."))
        )
    elif len(category) > MAX_CATEGORY:
        errors.append(
            FieldError(
                "category",
                str(COMMON_LABELS["category"]),
                _("At most %(num)d characters.", num=MAX_CATEGORY),
            )
        )
    if record is not None:
        name = record.name
    else:
        name = (form.get("id") or "").strip()
        if not name:
            name = free_name(course_id, default_name(_bilingual(form, "text")))
        elif len(name) > MAX_NAME or not SLUG.match(name):
            errors.append(
                FieldError(
                    "id",
                    str(COMMON_LABELS["id"]),
                    _(
                        "Use lowercase letters, digits and hyphens (at most %(num)d), or leave it "
                        "empty for one to be made.",
                        num=MAX_NAME,
                    ),
                )
            )
        elif name_taken(course_id, name):
            errors.append(
                FieldError(
                    "id",
                    str(COMMON_LABELS["id"]),
                    _("Another question of this course has the id %(name)s.", name=name),
                )
            )
    data, rows_at = form_to_yaml(kind, form, name if SLUG.match(name) else "x")
    reader = KeyedReader()
    question = parse_question(reader, data, (), category)
    for key, message in reader.found:
        place, label = _place(kind, key, rows_at)
        errors.append(FieldError(place, label, translate_message(message)))
    if errors:
        return None, errors
    question.name = name
    return question, []


def errors_by_field(errors: list[FieldError]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(error.field, []).append(error.message)
    return found


# --- names --------------------------------------------------------------------------------------


def name_taken(course_id: int, name: str) -> bool:
    return (
        db.session.scalar(
            sa.select(QuestionRecord.id).where(
                QuestionRecord.course_id == course_id, QuestionRecord.name == name
            )
        )
        is not None
    )


def free_name(course_id: int, wanted: str) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… : the first no question of the course has."""
    wanted = wanted[: MAX_NAME - 4].rstrip("-") or "q"
    candidate, number = wanted, 1
    while name_taken(course_id, candidate):
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


# --- saving -------------------------------------------------------------------------------------


@dataclass
class Saved:
    """What a save did."""

    record: QuestionRecord | None = None
    conflict: bool = False
    unchanged: bool = False
    key_changed: bool = False
    regraded: int = 0
    notes: list[str] = field(default_factory=list)


def _ensure_first_revision(record: QuestionRecord, data: dict, content_hash: str) -> None:
    """A question from before revisions were kept gets its earlier text as revision 1."""
    if not revisions_of(record):
        origin = "file" if record.file_hash == content_hash else "import"
        first = add_question_revision(record, origin, note="")
        first.data, first.content_hash = data, content_hash


def create_question(course, question: Question, user_id: int, note: str = "") -> QuestionRecord:
    """Add a question written in the browser to the course's bank (the caller commits)."""
    record = QuestionRecord(
        course_id=course.id,
        name=question.name,
        category=question.category,
        type=question.type,
        data=question.to_dict(),
        content_hash=question.content_hash,
        key_hash=key_hash(question),
        updated_at=utcnow(),
        file_hash=None,
        position=next_position(course.id),
    )
    db.session.add(record)
    db.session.flush()
    add_question_revision(record, "browser", note, user_id)
    audit(
        "question.create",
        f"question:{course.slug}/{record.name}",
        {"type": record.type, "category": record.category},
    )
    return record


def save_question(
    course, record: QuestionRecord, question: Question, loaded: str, user_id: int, note: str = ""
) -> Saved:
    """Save a question over the version `loaded` (its content_hash when the form was opened).

    Refused (conflict) when someone saved another version since: one conditional update, so two
    saves of the same version cannot both win. The caller commits, or rolls back on a conflict."""
    if loaded == record.content_hash and question.content_hash == record.content_hash:
        return Saved(record, unchanged=True)
    before_data, before_hash, before_key = record.data, record.content_hash, record.key_hash
    new_key = key_hash(question)
    done = db.session.execute(
        sa.update(QuestionRecord)
        .where(QuestionRecord.id == record.id, QuestionRecord.content_hash == loaded)
        .values(
            category=question.category,
            type=question.type,
            data=question.to_dict(),
            content_hash=question.content_hash,
            key_hash=new_key,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return Saved(record, conflict=True)
    new_course_version(db.session, record.course_id)  # the bank changed: new attempts draw anew
    db.session.refresh(record)
    if before_hash == loaded:
        _ensure_first_revision(record, before_data, before_hash)
    revision = add_question_revision(record, "browser", note, user_id)
    saved = Saved(record, key_changed=before_key != new_key)
    if saved.key_changed:
        # As a sync does: answers already handed in are graded again against the new key.
        saved.regraded = regrade_question(record)
    audit(
        "question.edit",
        f"question:{course.slug}/{record.name}",
        {
            "revision": revision.number,
            "key_changed": saved.key_changed,
            "regraded": saved.regraded,
        },
    )
    return saved


def duplicate_question(course, record: QuestionRecord, user_id: int) -> QuestionRecord:
    """A copy of the question under a new id, in the same category (the caller commits)."""
    question = Question.from_dict(record.data)
    question.name = free_name(course.id, f"{record.name}-copy")
    copy = create_question(course, question, user_id, note=f"copy of {record.name}")
    audit("question.duplicate", f"question:{course.slug}/{record.name}", {"copy": copy.name})
    return copy


def set_archived(course, record: QuestionRecord, archived: bool, user_id: int) -> bool:
    """Archive a question (no quiz draws it any more) or restore it; False if it already was."""
    if (record.archived_at is not None) == archived:
        return False
    record.archived_at = utcnow() if archived else None
    record.updated_at = utcnow()
    add_question_revision(record, "browser", "archived" if archived else "restored", user_id)
    audit(
        "question.archive" if archived else "question.restore",
        f"question:{course.slug}/{record.name}",
    )
    return True
