"""Bring the database's exercises in line with the files, inside the caller's transaction.

Exercises that left the files are archived, never deleted: runs point at them. Each file's text
is kept as a published revision; a scenario edited in the browser since the last sync is kept
(and reported) rather than overwritten by an older file, as lessons are."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from courseware.content.files import check_folder_renderings, Problem
from courseware.content.folders import content_dir, course_folders
from courseware.content.steps import ContentStep, SyncReport
from courseware.courses.catalogue import course_ids
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises import authoring
from courseware.exercises.authoring import PUBLISHED
from courseware.exercises.files import load_all_scenarios
from courseware.exercises.models import Exercise
from courseware.exercises.scenario import Scenario
from courseware.exercises.versions import replace_scenario
from courseware.timeutil import utcnow


def _read(course_slug: str, slug: str) -> str:
    path = content_dir("exercises") / course_slug / f"{slug}.yaml"
    return authoring.normalise(path.read_bytes().decode("utf-8-sig"))


def _sync_one(
    exercise: Exercise, scenario: Scenario, text: str, report: SyncReport, take_files: bool
) -> bool:
    """Bring one exercise in line with its file, unless the browser holds a newer edit; True if
    learners now get another scenario."""
    digest = authoring.text_hash(text)
    published = exercise.published
    restored = exercise.archived_at is not None
    if published is not None and published.content_hash == digest:
        # The file holds what learners get (an export): only a checker's change may move the data.
        exercise.file_hash = digest
        changed = replace_scenario(exercise, scenario) or restored
        exercise.archived_at = None
        return changed
    if published is not None and exercise.file_hash == digest and not restored:
        return False  # the file has not changed since the last sync; the browser's edit is newer
    edited_in_browser = (
        published is not None
        and published.source != "file"
        and published.content_hash != exercise.file_hash
    )
    if edited_in_browser and not take_files:
        report.conflicts.append(
            f"exercise {scenario.slug}: changed in the files and in the browser since the last sync; kept the "
            f"browser's revision {published.number}. Export the course to keep it, or sync with "
            "--take-files."
        )
        return False
    revision = authoring.add_revision(
        exercise, text, status=PUBLISHED, source="file", problems=0, note="content sync"
    )
    exercise.published = revision
    exercise.file_hash = digest
    changed = replace_scenario(exercise, scenario) or restored
    exercise.archived_at = None
    return changed


def sync_exercises(
    found: dict[str, list[Scenario]],
    course_ids: dict[str, int],
    texts=_read,
    take_files: bool = False,
) -> SyncReport:
    """Apply the files' scenarios (with their texts, `texts(course, slug)`) to the database."""
    report = SyncReport()
    now = utcnow()
    for course_slug, course_id in course_ids.items():
        existing = {
            e.slug: e
            for e in db.session.scalars(sa.select(Exercise).where(Exercise.course_id == course_id))
        }
        for scenario in found.get(course_slug, []):
            text = texts(course_slug, scenario.slug)
            exercise = existing.pop(scenario.slug, None)
            added = exercise is None or authoring.never_published(exercise)
            if exercise is None:
                exercise = Exercise(
                    course_id=course_id,
                    slug=scenario.slug,
                    title=scenario.title,
                    data={},
                    content_hash="",
                )
                db.session.add(exercise)
                db.session.flush()
            if _sync_one(exercise, scenario, text, report, take_files) or added:
                report.changes.append(
                    f"exercise {scenario.slug}: {'added' if added else 'updated'}"
                )
        for slug, exercise in existing.items():
            if exercise.archived_at is not None:
                continue
            published = exercise.published
            if published is not None and published.content_hash != exercise.file_hash:
                report.conflicts.append(
                    f"exercise {slug}: exists only in the database (written in the browser); "
                    "export the course to keep it in the files"
                )
                continue
            exercise.archived_at = now
            report.changes.append(f"exercise {slug}: archived")
    return report


def check_exercises(found: dict) -> tuple[dict[str, list[Scenario]], list[Problem]]:
    """Read the exercises folder: scenarios by course slug."""
    exercises, problems = load_all_scenarios(content_dir("exercises"))
    problems += check_folder_renderings(content_dir("exercises"), found["lessons"])
    known = {c.slug for c in found["lessons"]} | course_folders()
    for course_slug in exercises:
        if course_slug not in known:
            problems.append(
                Problem(
                    f"exercises/{course_slug}", 1, f"no course {course_slug} in the lessons folder"
                )
            )
    return exercises, problems


def count_exercises(found: dict[str, list[Scenario]]) -> list[str]:
    return [f"{sum(len(scenarios) for scenarios in found.values())} exercises"]


def sync_step(found: dict[str, list[Scenario]], report: SyncReport, take_files: bool) -> None:
    done = sync_exercises(found, course_ids(), take_files=take_files)
    report.changes += done.changes
    report.conflicts += done.conflicts


def export_files(course_slug: str, root: Path | None) -> list[Path]:
    """`content export`: each published scenario's text as DIR/exercises/COURSE/SLUG.yaml.

    A scenario synced before its texts were kept is copied from its file. Scenarios never
    published, or archived, are left out (course.yaml leaves them out too)."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == course_slug))
    if course is None:
        return []
    folder = (root / "exercises" if root is not None else content_dir("exercises")) / course_slug
    written = []
    exercises = db.session.scalars(
        sa.select(Exercise).where(Exercise.course_id == course.id, Exercise.archived_at.is_(None))
    )
    for exercise in exercises:
        path = folder / f"{exercise.slug}.yaml"
        if exercise.published is not None:
            data = exercise.published.text.encode("utf-8")
        else:
            text = authoring.file_text(exercise)
            if text is None:
                continue
            data = text.encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            if root is not None:
                written.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


CONTENT_STEP = ContentStep("exercises", check_exercises, count_exercises, sync_step, export_files)
