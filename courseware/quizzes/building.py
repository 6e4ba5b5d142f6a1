"""Building a quiz in the browser: what the form says is checked by the quiz files' own reader
(files.read_quiz), so a quiz is valid in the browser exactly when it would be valid as a file.

A new quiz goes into its course's outline where the author puts it, unpublished; each save adds a
version (a draft) and names the version the author started from. When someone else saved since,
the save is refused and kept as a conflict copy, and both are shown. Publishing makes the newest
version what new attempts take; attempts already made keep theirs. The caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from courseware.accounts import audit
from courseware.content.files import Reader
from courseware.content.folders import content_zone
from courseware.courses import authoring as course_authoring
from courseware.courses import outline
from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes import categories as bank_categories
from courseware.quizzes import versions
from courseware.quizzes.files import QuizSource, read_quiz, scored_counts, slot_problems
from courseware.quizzes.models import QuestionRecord, Quiz, QuizVersion
from courseware.quizzes.types import question_type

CREATED_NOTE = "created in the browser"


# --- what the form holds, in the file's shape --------------------------------------------------


@dataclass
class QuizFields:
    """The quiz form's values as typed: numbers and times still text, for the reader to judge."""

    title: dict
    description: dict
    opens: str = ""
    closes: str = ""
    time_limit: str = ""
    attempts: str = ""
    pass_mark: str = ""
    shuffle_questions: bool = False
    shuffle_options: bool = True
    review: str = "immediately"
    grade: str = "best"
    classroom_only: bool = False
    networks: str = ""  # as typed: networks or addresses, one to a line (or between commas)
    questions: list[str] = field(default_factory=list)  # fixed questions' ids, in order
    draws: list[tuple[str, str]] = field(default_factory=list)  # (category, count) rows
    lesson: str | None = None
    # The kinds of the quiz's entries in order, "q" a fixed question and "d" a draw ("qdq"), as
    # the version the form was filled from had them: a file that mixes the two keeps its order.
    layout: str = ""


def _typed_number(text: str):
    """A number typed in a form, as YAML would read it; text that is none stays text, so that the
    reader names the field ("pass_mark must be a number")."""
    typed = (text or "").strip().replace("，", ".").replace(",", ".")
    if re.fullmatch(r"-?\d+", typed):
        return int(typed)
    try:
        return float(typed)
    except ValueError:
        return typed


def network_entries(typed: str) -> list[str]:
    """The networks typed in the form, one to a line or between commas, for the reader to judge."""
    return [entry for entry in re.split(r"[\s,，;；、]+", typed or "") if entry]


def file_data(fields: QuizFields) -> tuple[dict, list[tuple[str, object]]]:
    """The mapping a quiz file would hold, and what each entry of its `questions` came from:
    ("question", id) or ("draw", row of the form)."""
    data: dict = {"title": fields.title, "description": fields.description}
    if fields.lesson:
        data["lesson"] = fields.lesson
    for name in ("time_limit", "attempts", "pass_mark"):
        if (getattr(fields, name) or "").strip():
            data[name] = _typed_number(getattr(fields, name))
    for name in ("opens", "closes"):
        if (getattr(fields, name) or "").strip():
            data[name] = getattr(fields, name).strip().replace("T", " ")
    data["shuffle_questions"] = bool(fields.shuffle_questions)
    data["shuffle_options"] = bool(fields.shuffle_options)
    data["review"] = fields.review
    data["grade"] = fields.grade
    if fields.classroom_only:
        data["classroom_only"] = True
    networks = network_entries(fields.networks)
    if networks:
        data["networks"] = networks
    entries, origins = [], []
    fixed = [({"question": name}, ("question", name)) for name in fields.questions]
    drawn = [
        ({"draw": _typed_number(count), "from": category or ""}, ("draw", row))
        for row, (category, count) in enumerate(fields.draws)
        if (category or "").strip() or (count or "").strip()  # not an empty row of the form
    ]
    for entry, origin in in_layout(fields.layout, fixed, drawn):
        entries.append(entry)
        origins.append(origin)
    data["questions"] = entries
    return data, origins


def in_layout(layout: str, fixed: list, drawn: list) -> list:
    """The fixed questions and the draws, each in its own order, interleaved as `layout` says
    ("q" the next fixed question, "d" the next draw); what the layout has no place for follows,
    fixed questions first."""
    fixed, drawn, merged = list(fixed), list(drawn), []
    for kind in layout or "":
        source = fixed if kind == "q" else drawn if kind == "d" else None
        if source:
            merged.append(source.pop(0))
    return merged + fixed + drawn


def layout_of(slots: list[dict]) -> str:
    """The layout of a version's entries: "q" for each fixed question, "d" for each draw."""
    return "".join("q" if "question" in slot else "d" for slot in slots)


class KeyedReader(Reader):
    """The files' reader, keeping each problem's key so the form can put it by its field."""

    def __init__(self):
        super().__init__("form", {})
        self.keyed: list[tuple[tuple, str, dict]] = []

    def problem(self, key: tuple, message: str) -> None:
        super().problem(key, message)
        self.keyed.append((key, message, {}))


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with the form: where (the key in the file's shape, and for a slot what
    it came from), the reader's English message, and details for the translated one."""

    key: tuple
    message: str
    origin: tuple | None = None
    details: dict = field(default_factory=dict)


def check_quiz(
    course: Course, slug: str, fields: QuizFields
) -> tuple[QuizSource | None, list[FieldProblem]]:
    """The quiz the form describes, or every problem with it: the file format's checks, then the
    course's bank (questions that exist, categories holding enough to draw)."""
    data, origins = file_data(fields)
    reader = KeyedReader()
    source = read_quiz(reader, data, course.slug, slug, "form", content_zone())

    def origin(key):
        if len(key) >= 2 and key[0] == "questions" and isinstance(key[1], int):
            return origins[key[1]] if key[1] < len(origins) else None
        return None

    def details(key, found):
        if len(key) >= 2 and key[0] == "networks" and isinstance(key[1], int):
            return {**found, "entry": data["networks"][key[1]]}
        return found

    problems = [FieldProblem(k, m, origin(k), details(k, d)) for k, m, d in reader.keyed]
    if source is None:
        return None, problems
    names, counts = bank_of(course.id)
    for index, name, message, details in slot_problems(source.slots, names, counts):
        problems.append(FieldProblem(("questions", index, name), message, origins[index], details))
    return (None, problems) if problems else (source, [])


def bank_of(course_id: int) -> tuple[set[str], dict[str, int]]:
    """The ids of the course's questions, and how many can be drawn from each category."""
    rows = db.session.execute(
        sa.select(QuestionRecord.name, QuestionRecord.category, QuestionRecord.type).where(
            QuestionRecord.course_id == course_id, QuestionRecord.archived_at.is_(None)
        )
    ).all()
    return {r.name for r in rows}, scored_counts(rows)


# --- the bank, for picking ---------------------------------------------------------------------


def category_name(category: str) -> str:
    """A category as people name it: "$course$/top/政务微博/基础" is "政务微博 / 基础"."""
    parts = [p for p in category.split("/") if p]
    if parts and re.fullmatch(r"\$\w+\$", parts[0]):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return " / ".join(parts) or category


@dataclass(frozen=True)
class BankQuestion:
    name: str
    category: str
    type: str
    text: dict
    scored: bool


def bank_questions(course_id: int, search: str = "") -> list[BankQuestion]:
    """The course's questions, by category then id; `search` keeps those whose id, category or
    text holds it."""
    records = db.session.scalars(
        sa.select(QuestionRecord)
        .where(QuestionRecord.course_id == course_id, QuestionRecord.archived_at.is_(None))
        .order_by(QuestionRecord.category, QuestionRecord.name)
    )
    wanted = (search or "").strip().lower()
    found = []
    for record in records:
        question = record.question
        text = question.text if isinstance(question.text, dict) else {"zh": str(question.text)}
        haystack = " ".join(
            [record.name, category_name(record.category), *(str(v) for v in text.values())]
        ).lower()
        if wanted and wanted not in haystack:
            continue
        found.append(
            BankQuestion(
                record.name,
                record.category,
                record.type,
                text,
                question_type(record.type).scored,
            )
        )
    return found


def categories(course_id: int) -> list[tuple[str, str, int]]:
    """The categories a quiz may draw from: (category, its name, how many can be drawn), named
    as the bank names them."""
    _names, counts = bank_of(course_id)
    named = bank_categories.names_of(course_id)

    def name(category: str) -> str:
        levels = {key for key, _part in bank_categories.segments(category)} | {category}
        if any(any((named.get(key) or {}).values()) for key in levels):
            return bank_categories.label(category, named)
        return category_name(category)

    return sorted(((c, name(c), n) for c, n in counts.items()), key=lambda c: c[1])


# --- saving ------------------------------------------------------------------------------------


@dataclass
class SaveResult:
    version: QuizVersion
    conflict_with: QuizVersion | None = None  # the newer version someone else saved
    unchanged: bool = False


def _target(quiz: Quiz) -> str:
    return f"quiz:{quiz.course.slug}/{quiz.slug}"


def create_quiz(
    course: Course,
    source: QuizSource,
    *,
    author,
    note: str = "",
    after: tuple[str, str] | None = None,
    at_start: bool = False,
) -> Quiz:
    """Add a quiz built in the browser to the course's outline (after the item `after`, at the
    start, or at the end), unpublished, its first version a draft."""
    quiz = Quiz(
        course_id=course.id,
        slug=source.slug,
        title=source.title,
        description=source.description,
        lesson_slug=source.lesson,
        settings=source.settings,
        slots=source.slots,
        content_hash=source.content_hash,
        published_at=None,
    )
    db.session.add(quiz)
    db.session.flush()
    quiz.published_at = None  # learners see it once it is published
    if after is not None or at_start:
        items = outline.insert(course.items, "quiz", quiz.slug, after)
    else:
        items = outline.append(course.items, "quiz", quiz.slug)
    course_authoring.save_outline(
        course, items, "quiz_added", author=author, note=quiz.slug, check_base=False
    )
    version = versions.add_version(
        quiz,
        source,
        status=versions.DRAFT,
        origin="browser",
        author=author,
        note=note or CREATED_NOTE,
    )
    audit.record(
        "quiz.create",
        target=f"quiz:{course.slug}/{quiz.slug}",
        detail={"version": version.number},
    )
    return quiz


def save_quiz(
    quiz: Quiz, source: QuizSource, *, author, base_id: int | None, note: str = ""
) -> SaveResult:
    """Save the form as the quiz's next version (a draft), unless it started from a stale one.

    The same content as the newest version adds nothing. Two saves sent at the same moment are
    made in turn, so the second finds the first and is kept as a conflict copy."""
    versions.lock(quiz)
    latest = versions.latest_version(quiz)
    if latest is not None and latest.id != base_id:
        kept = versions.add_version(
            quiz,
            source,
            status=versions.CONFLICT,
            origin="browser",
            author=author,
            base=db.session.get(QuizVersion, base_id) if base_id else None,
            note=note,
        )
        audit.record("quiz.conflict", target=_target(quiz), detail={"kept": kept.number})
        return SaveResult(kept, conflict_with=latest)
    if latest is not None and latest.content_hash == source.content_hash:
        return SaveResult(latest, unchanged=True)
    version = versions.add_version(
        quiz,
        source,
        status=versions.DRAFT,
        origin="browser",
        author=author,
        base=latest,
        note=note,
    )
    audit.record("quiz.save", target=_target(quiz), detail={"version": version.number})
    return SaveResult(version)


def publish_latest(quiz: Quiz, *, author) -> QuizVersion | None:
    """Make the newest version the one learners take (None: it already is)."""
    versions.lock(quiz)
    latest = versions.latest_version(quiz)
    if latest is None or (quiz.version_id == latest.id and quiz.published_at is not None):
        return None
    versions.publish(quiz, latest)
    audit.record("quiz.publish", target=_target(quiz), detail={"version": latest.number})
    return latest


def source_of(quiz: Quiz, version: QuizVersion) -> QuizSource:
    """A version as the file format sees it."""
    return QuizSource(
        quiz.course.slug,
        quiz.slug,
        "form",
        version.title,
        version.description,
        version.lesson_slug,
        version.settings,
        version.slots,
    )
