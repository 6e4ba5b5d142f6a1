"""`content export` for question banks: write quizzes/<course>/banks/ from the database.

A bank file that still holds exactly what the database has (every question, with the same
content, in its category) is left as it is, comments and GIFT included; the categories of any
other are written again as YAML, one file per category, in the order the questions were synced
(or written in the browser). So an export of a course nobody edited changes no byte, and an
export synced into an empty database exports again to the same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa

from courseware.content.files import SLUG
from courseware.content.folders import content_dir
from courseware.courses.catalogue import find_course
from courseware.db import db
from courseware.quizzes.files import parse_named_bank_file
from courseware.quizzes.models import QuestionCategory, QuestionRecord
from courseware.quizzes.questions import Question
from courseware.quizzes.yaml_io import write_bank_yaml


def bank_questions(course_id: int, held: set[str] = frozenset()) -> dict[str, list[QuestionRecord]]:
    """The course's questions not archived that go in bank files, by category, in their order:
    every question with a category, but those a quiz file holds itself (`held`: a GIFT quiz's,
    under `$CATEGORY:` lines or in its own `quiz:<slug>`), so that each is written once.
    A question with no category is written in a quiz file."""
    found: dict[str, list[QuestionRecord]] = {}
    for record in db.session.scalars(
        sa.select(QuestionRecord)
        .where(QuestionRecord.course_id == course_id, QuestionRecord.archived_at.is_(None))
        .order_by(QuestionRecord.position, QuestionRecord.name)
    ):
        if record.category and record.name not in held:
            found.setdefault(record.category, []).append(record)
    return found


def file_name(category: str, taken: set[str]) -> str:
    """A bank file's name for a category: the category itself when it is a slug (as the
    repository names its banks), else a name made from its hash."""
    own = category.removeprefix("quiz:")
    if SLUG.match(category):
        stem = category
    elif category.startswith("quiz:") and SLUG.match(own):
        stem = f"quiz-{own}"  # the questions of a GIFT quiz written again as YAML
    else:
        stem = "bank-" + hashlib.sha256(category.encode("utf-8")).hexdigest()[:10]
    name, number = f"{stem}.yaml", 1
    while name in taken:
        number += 1
        name = f"{stem}-{number}.yaml"
    return name


def _current(path: Path, records: dict[str, list[QuestionRecord]], names: dict) -> bool:
    """The file holds exactly the database's questions of its categories, and their names."""
    found, name, problems = parse_named_bank_file(path, path.name)
    if problems or not found:
        return False
    categories = {q.category for q in found}
    wanted = {r.name: r for c in categories for r in records.get(c, [])}
    if {q.name for q in found} != set(wanted):
        return False
    if any(q.content_hash != wanted[q.name].content_hash for q in found):
        return False
    if path.suffix == ".yaml" and names.get(found[0].category) != name:
        return False
    return [q.name for q in found] == [
        r.name for c in dict.fromkeys(q.category for q in found) for r in records.get(c, [])
    ]


def export_banks(course_slug: str, root: Path | None, held: set[str] = frozenset()) -> list[Path]:
    """Write the course's banks under root/quizzes/<course>/banks (root None: the content
    folder itself), but for the questions the quiz files hold (`held`); return the files
    written."""
    course = find_course(course_slug)
    if course is None:
        return []
    folder = (content_dir("quizzes") if root is None else root / "quizzes") / course_slug
    banks = folder / "banks"
    records = bank_questions(course.id, held)
    names = dict(
        db.session.execute(
            sa.select(QuestionCategory.path, QuestionCategory.name).where(
                QuestionCategory.course_id == course.id
            )
        ).all()
    )
    kept: set[str] = set()
    covered: set[str] = set()
    written: list[Path] = []
    if banks.is_dir():
        for path in sorted(banks.iterdir()):
            if (
                path.is_file()
                and path.suffix in (".yaml", ".gift")
                and _current(path, records, names)
            ):
                kept.add(path.name)
                found, _name, _problems = parse_named_bank_file(path, path.name)
                covered |= {q.category for q in found}
            elif path.is_file() and path.suffix in (".yaml", ".gift"):
                path.unlink()  # its categories are written again below
    for category, members in records.items():
        if category in covered:
            continue
        banks.mkdir(parents=True, exist_ok=True)
        path = banks / file_name(category, kept)
        kept.add(path.name)
        questions = [Question.from_dict(r.data) for r in members]
        path.write_text(write_bank_yaml(questions, category, names.get(category)), "utf-8")
        written.append(path)
    return written
