"""`content export`'s quizzes: DIR/quizzes/COURSE/<quiz>.yaml written from the database, quizzes
built in the browser too, so that syncing the folder and exporting again gives the same bytes.

A quiz writes what learners take (its published version), or its newest draft when it was never
published. A quiz file (YAML or GIFT) is copied as it is while it says exactly that — the quiz's
version and each of its questions as the database has them; a question edited in the bank since
is a change, and the quiz is written again. Every question is written once: one a copied file
holds stays there; one with no category is written in the first quiz written, by short name,
that has it, and the others name it (`- question: ID`); one with a category (a bank's, or
`quiz:<slug>` of a GIFT quiz) goes in a bank file (bank_files), so that a GIFT quiz changed in
the browser becomes a YAML quiz naming its questions, which keep their category.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import click
import sqlalchemy as sa
import yaml

from courseware.content.folders import content_dir, content_zone
from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes import versions
from courseware.quizzes.files import parse_gift_quiz, parse_quiz, QuizSource
from courseware.quizzes.models import QuestionRecord, Quiz
from courseware.quizzes.yaml_io import BankDumper, NO_FOLDING, question_to_yaml
from courseware.quizzes.yaml_parts import plain_number, text_to_yaml

SETTINGS_ORDER = (
    "time_limit",
    "opens",
    "closes",
    "attempts",
    "pass_mark",
    "shuffle_questions",
    "shuffle_options",
    "review",
    "grade",
    "classroom_only",
    "networks",
)


class QuizDumper(BankDumper):
    """Sequences indented under their key, as the quiz files are written."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _local(value: str, zone) -> str:
    """A stored time (naive UTC) as the files write it, in the site's zone: 2026-12-01 09:00."""
    moment = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M")


def quiz_file_data(plan, records: dict[str, QuestionRecord], owned: set[str], zone) -> dict:
    """The mapping of a quiz file for a version: settings, then its questions in order."""
    data: dict = {"title": text_to_yaml(plan.title)}
    if any((plan.description or {}).values()):
        data["description"] = text_to_yaml(plan.description)
    if plan.lesson_slug:
        data["lesson"] = plan.lesson_slug
    for name in SETTINGS_ORDER:
        value = plan.settings.get(name)
        if name in ("opens", "closes"):
            if value:
                data[name] = _local(value, zone)
        elif isinstance(value, float):
            data[name] = plain_number(value)
        elif value is not None:
            data[name] = value
    entries = []
    for slot in plan.slots:
        if "draw" in slot:
            entries.append({"draw": slot["draw"], "from": slot["category"]})
        elif slot["question"] in owned and slot["question"] in records:
            entries.append(question_to_yaml(records[slot["question"]].question))
        else:
            entries.append({"question": slot["question"]})
    data["questions"] = entries
    return data


def quiz_file_text(data: dict) -> str:
    return yaml.dump(data, Dumper=QuizDumper, allow_unicode=True, sort_keys=False, width=NO_FOLDING)


def _plan(quiz: Quiz):
    """What to write for a quiz: what learners take, or its newest draft if never published."""
    if quiz.version is not None:
        return quiz.version
    return versions.latest_version(quiz)


@dataclass
class QuizExport:
    """What the quizzes' export wrote, and the questions the quiz files hold themselves (the
    banks' export must not write those again)."""

    written: list[Path] = field(default_factory=list)
    held: set[str] = field(default_factory=set)


def parse_quiz_file(path: Path, course_slug: str, zone) -> QuizSource | None:
    """A quiz file as a sync reads it (GIFT or YAML), or None when it does not parse."""
    if path.suffix == ".gift":
        parsed, _problems = parse_gift_quiz(path, path.name, course_slug, zone)
        return parsed
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    parsed, _problems = parse_quiz(text, path.name, course_slug, path.stem, zone)
    return parsed


def _unchanged_file(
    quiz: Quiz, source: Path | None, records: dict[str, QuestionRecord], zone
) -> tuple[Path, set[str]] | None:
    """The quiz's file in the content folder and the questions it holds, when it says exactly
    what learners take: the quiz's version, and each of its questions as the database has it (a
    question edited in the bank since is a change the file must be written again for)."""
    if source is None or quiz.version is None or _plan(quiz) is not quiz.version:
        return None
    for suffix in (".yaml", ".gift"):
        path = source / f"{quiz.slug}{suffix}"
        if not path.is_file():
            continue
        parsed = parse_quiz_file(path, quiz.course.slug, zone)
        if parsed is None or parsed.content_hash != quiz.version.content_hash:
            return None
        for question in parsed.questions:
            record = records.get(question.name)
            if record is None or record.content_hash != question.content_hash:
                return None
        return path, {q.name for q in parsed.questions}
    return None


def _inline(name: str, records: dict[str, QuestionRecord]) -> bool:
    """A question with no category is written inside a quiz file; one with a category (a bank's,
    or `quiz:<slug>` of a GIFT quiz) in a bank file, where its category is kept."""
    return name in records and not records[name].category


def _references(plan) -> list[str]:
    return [slot["question"] for slot in plan.slots if "question" in slot]


def _copies(
    quizzes: list[Quiz], source: Path | None, records: dict[str, QuestionRecord], zone
) -> dict[str, tuple[Path, set[str]]]:
    """The quizzes whose files are copied as they are, with the questions each holds.

    A copied file may name a question (`- question: ID`) that lived only in a file now written
    again or left out (an archived quiz's): unless a written quiz holds it, that file is written
    too, so that every question a quiz names is in exactly one file of the export."""
    copies = {}
    for quiz in quizzes:
        found = _unchanged_file(quiz, source, records, zone)
        if found is not None:
            copies[quiz.slug] = found
    while True:
        provided = {name for _path, held in copies.values() for name in held}
        provided |= {
            name
            for quiz in quizzes
            if quiz.slug not in copies and _plan(quiz) is not None
            for name in _references(_plan(quiz))
        }
        lacking = [
            quiz.slug
            for quiz in quizzes
            if quiz.slug in copies
            and any(_inline(n, records) and n not in provided for n in _references(quiz.version))
        ]
        if not lacking:
            return copies
        for slug in lacking:
            del copies[slug]


def export_quizzes(course: Course, folder: Path, source: Path | None) -> QuizExport:
    """Write the course's quizzes into `folder` (quizzes/COURSE); copy its banks and the quiz
    files unchanged since the last sync from `source` (the content folder's quizzes/COURSE).

    A quiz file left in `folder` by a quiz archived since, or by a GIFT quiz now written as
    YAML, is removed: a sync of the folder reads only what the database has."""
    folder.mkdir(parents=True, exist_ok=True)
    result = QuizExport()
    quizzes = list(
        db.session.scalars(
            sa.select(Quiz)
            .where(Quiz.course_id == course.id, Quiz.archived_at.is_(None))
            .order_by(Quiz.slug)
        )
    )
    records = {
        r.name: r
        for r in db.session.scalars(
            sa.select(QuestionRecord).where(
                QuestionRecord.course_id == course.id, QuestionRecord.archived_at.is_(None)
            )
        )
    }
    zone = content_zone()
    copies = _copies(quizzes, source, records, zone)
    # Files unchanged since the last sync are copied as they are, with their comments; the
    # questions they hold are theirs, so the quizzes written after them name those.
    for _slug, (copied, held) in sorted(copies.items()):
        target = folder / copied.name
        if copied.resolve() != target.resolve():
            shutil.copyfile(copied, target)
        result.written.append(target)
        result.held |= held
    for quiz in quizzes:
        plan = _plan(quiz)
        if quiz.slug in copies or plan is None:
            continue
        owned = {
            name for name in _references(plan) if name not in result.held and _inline(name, records)
        }
        result.held |= owned
        path = folder / f"{quiz.slug}.yaml"
        text = quiz_file_text(quiz_file_data(plan, records, owned, zone))
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, encoding="utf-8")
        result.written.append(path)
    _remove_stale_quiz_files(course, folder, result.written)
    if source is not None and (source / "banks").is_dir():
        banks = folder / "banks"
        if banks.resolve() != (source / "banks").resolve():
            shutil.copytree(source / "banks", banks, dirs_exist_ok=True)
    return result


def _remove_stale_quiz_files(course: Course, folder: Path, written: list[Path]) -> None:
    """Remove the files of the course's quizzes that the export did not write: an archived
    quiz's, or the .gift of a GIFT quiz now written as YAML. A file no quiz of the database
    has (a new one not synced yet) is left alone."""
    slugs = set(db.session.scalars(sa.select(Quiz.slug).where(Quiz.course_id == course.id)))
    kept = {p.resolve() for p in written}
    for slug in sorted(slugs):
        for suffix in (".yaml", ".gift"):
            path = folder / f"{slug}{suffix}"
            if path.is_file() and path.resolve() not in kept:
                path.unlink()


def export_step(course_slug: str, root: Path | None) -> QuizExport:
    """The quizzes' part of `content export`: DIR/quizzes/COURSE."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}")
    source = content_dir("quizzes") / course.slug
    folder = (root / "quizzes" if root else content_dir("quizzes")) / course.slug
    return export_quizzes(course, folder, source if source.is_dir() else None)
