"""`content export`'s quizzes: DIR/quizzes/COURSE/<quiz>.yaml written from the database, quizzes
built in the browser too, so that syncing the folder and exporting again gives the same bytes.

A quiz writes what learners take (its published version), or its newest draft when it was never
published. A question written in a quiz file (it has no bank category) is written in the first
quiz, by short name, that has it; other quizzes name it (`- question: ID`), as they name the banks'
questions. Banks, and quizzes written in GIFT and unchanged since, are copied from the content
folder as they are.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import click
import sqlalchemy as sa
import yaml

from courseware.content.folders import content_dir, content_zone
from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes import versions
from courseware.quizzes.files import parse_quiz
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


def _unchanged_file(quiz: Quiz, source: Path | None) -> Path | None:
    """The quiz's file in the content folder, when learners take what it says."""
    if source is None or quiz.file_hash is None or quiz.content_hash != quiz.file_hash:
        return None
    if _plan(quiz) is not quiz.version:
        return None
    for suffix in (".yaml", ".gift"):
        path = source / f"{quiz.slug}{suffix}"
        if path.is_file():
            return path
    return None


def export_quizzes(course: Course, folder: Path, source: Path | None) -> list[Path]:
    """Write the course's quizzes into `folder` (quizzes/COURSE); copy its banks and unchanged
    GIFT quizzes from `source` (the content folder's quizzes/COURSE)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
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
    claimed: set[str] = set()
    # Files unchanged since the last sync are copied as they are, with their comments; the
    # questions they hold are theirs, so the quizzes written after them name those.
    to_write = []
    for quiz in quizzes:
        copied = _unchanged_file(quiz, source)
        if copied is None:
            to_write.append(quiz)
            continue
        target = folder / copied.name
        if copied.resolve() != target.resolve():
            shutil.copyfile(copied, target)
        written.append(target)
        if copied.suffix == ".yaml":
            parsed, _problems = parse_quiz(
                copied.read_text("utf-8-sig"), copied.name, course.slug, quiz.slug, zone
            )
            claimed |= {q.name for q in parsed.questions} if parsed else set()
    for quiz in to_write:
        plan = _plan(quiz)
        if plan is None:
            continue
        owned = {
            s["question"]
            for s in plan.slots
            if "question" in s
            and s["question"] not in claimed
            and s["question"] in records
            and not records[s["question"]].category
        }
        claimed |= owned
        path = folder / f"{quiz.slug}.yaml"
        text = quiz_file_text(quiz_file_data(plan, records, owned, zone))
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    if source is not None and (source / "banks").is_dir():
        banks = folder / "banks"
        if banks.resolve() != (source / "banks").resolve():
            shutil.copytree(source / "banks", banks, dirs_exist_ok=True)
        written += sorted(p for p in banks.iterdir() if p.is_file())
    return written


def export_step(course_slug: str, root: Path | None) -> list[Path]:
    """The quizzes' part of `content export`: DIR/quizzes/COURSE."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}")
    source = content_dir("quizzes") / course.slug
    folder = (root / "quizzes" if root else content_dir("quizzes")) / course.slug
    return export_quizzes(course, folder, source if source.is_dir() else None)
