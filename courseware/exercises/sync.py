"""Bring the database's exercises in line with the files, inside the caller's transaction.
Exercises that left the files are archived, never deleted: runs point at them."""

from __future__ import annotations

import sqlalchemy as sa

from courseware.content.files import check_folder_renderings, fingerprint, Problem
from courseware.content.folders import content_dir, copy_course_folder, course_folders
from courseware.content.steps import ContentStep, SyncReport
from courseware.courses.catalogue import course_ids
from courseware.db import db
from courseware.exercises.files import load_all_scenarios
from courseware.exercises.models import Exercise
from courseware.exercises.scenario import Scenario
from courseware.timeutil import utcnow


def sync_exercises(found: dict[str, list[Scenario]], course_ids: dict[str, int]) -> list[str]:
    changes: list[str] = []
    now = utcnow()
    for course_slug, course_id in course_ids.items():
        existing = {
            e.slug: e
            for e in db.session.scalars(sa.select(Exercise).where(Exercise.course_id == course_id))
        }
        for scenario in found.get(course_slug, []):
            data = scenario.to_dict()
            digest = fingerprint(data)
            exercise = existing.pop(scenario.slug, None)
            if exercise is None:
                exercise = Exercise(course_id=course_id, slug=scenario.slug)
                db.session.add(exercise)
                changes.append(f"exercise {scenario.slug}: added")
            elif exercise.content_hash == digest and exercise.archived_at is None:
                continue
            else:
                changes.append(f"exercise {scenario.slug}: updated")
            exercise.title, exercise.data, exercise.content_hash = scenario.title, data, digest
            exercise.archived_at, exercise.updated_at = None, now
        for slug, exercise in existing.items():
            if exercise.archived_at is None:
                exercise.archived_at = now
                changes.append(f"exercise {slug}: archived")
    return changes


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
    report.changes += sync_exercises(found, course_ids())


def export_files(course_slug: str, root) -> list:
    """`content export`: the exercises are not edited in the browser yet, so their files are copied."""
    return copy_course_folder("exercises", course_slug, root)


CONTENT_STEP = ContentStep("exercises", check_exercises, count_exercises, sync_step, export_files)
