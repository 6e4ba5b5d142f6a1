"""The content steps: each kind of content file (lessons, quizzes, exercises) registers how it is
checked, counted and synced, and `content check | sync` run the steps in the order registered.

Content sits below the domains that own those files, so it knows them only through this registry;
each domain registers its step in its init_app, lessons first, since later steps read what the
lessons step found (the courses).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from courseware.content.files import Problem
from courseware.db import db

STEPS = "courseware.content_steps"


@dataclass
class SyncReport:
    """What a sync did, one line per change."""

    changes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class ContentStep:
    """One kind of content file.

    check(found) reads the files, given what the earlier steps found by name, and returns what it
    found and its problems; count(found) says how much in words ("3 quizzes"); sync(found, report,
    take_files) brings the database in line, adding its lines to the report; export(course_slug,
    root), when given, writes the step's files of one course under root (None: the configured
    content folders) in the layout check reads, and returns the paths written.
    """

    name: str
    check: Callable[[dict[str, Any]], tuple[Any, list[Problem]]]
    count: Callable[[Any], list[str]]
    sync: Callable[[Any, SyncReport, bool], None]
    export: Callable[[str, Path | None], list[Path]] | None = None


def register_step(app, step: ContentStep) -> None:
    """Add a step after those already registered (one per name)."""
    steps = app.extensions.setdefault(STEPS, [])
    steps[:] = [s for s in steps if s.name != step.name] + [step]


def steps() -> list[ContentStep]:
    """The current app's steps, in order."""
    return current_app.extensions.get(STEPS, [])


def check_all() -> tuple[dict[str, Any], list[Problem]]:
    """Load every content file, step by step; return what each step found by name, and all problems."""
    found: dict[str, Any] = {}
    problems: list[Problem] = []
    for step in steps():
        found[step.name], step_problems = step.check(found)
        problems += step_problems
    return found, sorted(problems)


def count_all(found: dict[str, Any]) -> list[str]:
    """How much every step found, in words."""
    return [words for step in steps() for words in step.count(found[step.name])]


def sync_content(found: dict[str, Any], take_files: bool = False) -> SyncReport:
    """Apply checked content to the database, step by step; the caller commits."""
    report = SyncReport()
    for step in steps():
        step.sync(found[step.name], report, take_files)
        db.session.flush()  # later steps look up what earlier ones added (courses)
    return report


def export_all(course_slug: str, root: Path | None = None) -> list[Path]:
    """Write one course's files, step by step; return every path written."""
    written: list[Path] = []
    for step in steps():
        if step.export is not None:
            written += step.export(course_slug, root)
    return written
