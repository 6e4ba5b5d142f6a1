"""Writing scenarios in the browser: the YAML file's text saved as drafts, checked as `content
check` checks it, published, and a new scenario started as a copy of another.

A save names the revision the author started from. When someone else saved since, the save is
refused and the author's text is kept as a "conflict" revision, so both texts are there. A draft
may have problems; only a text with none is published. Publishing gives learners the new
scenario; runs already played keep theirs (versions.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import sqlalchemy as sa

from courseware.accounts import audit
from courseware.content.files import Problem
from courseware.content.folders import content_dir
from courseware.courses import authoring as course_authoring
from courseware.courses import outline
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises.files import parse_scenario
from courseware.exercises.models import Exercise, ExerciseRevision, ScenarioRevisionStatus
from courseware.exercises.scenario import Scenario
from courseware.exercises.versions import replace_scenario
from courseware.timeutil import utcnow

DRAFT, PUBLISHED, CONFLICT = (
    ScenarioRevisionStatus.DRAFT,
    ScenarioRevisionStatus.PUBLISHED,
    ScenarioRevisionStatus.CONFLICT,
)
MAX_TEXT = 500_000  # characters: ten times the largest scenario shipped


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise(text: str) -> str:
    """The text as a file holds it: Unix line ends, one newline at the end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return text.rstrip("\n") + "\n"


def file_path(course_slug: str, slug: str) -> str:
    """Where the scenario's file lives, as problems name it."""
    return f"exercises/{course_slug}/{slug}.yaml"


def check_text(text: str, course_slug: str, slug: str) -> tuple[Scenario | None, list[Problem]]:
    """Check a scenario's text as `content check` checks its file (calibration posts replayed)."""
    return parse_scenario(text, file_path(course_slug, slug), slug)


def lock(exercise: Exercise) -> None:
    """Hold the exercise's row until the transaction ends, so two saves are made in turn and the
    second sees the first (an update that changes nothing locks on both databases)."""
    db.session.execute(sa.update(Exercise).where(Exercise.id == exercise.id).values(id=Exercise.id))


def latest_revision(exercise: Exercise) -> ExerciseRevision | None:
    """The newest draft or published revision: the base for the next edit."""
    return db.session.scalar(
        sa.select(ExerciseRevision)
        .where(ExerciseRevision.exercise_id == exercise.id, ExerciseRevision.status != CONFLICT)
        .order_by(ExerciseRevision.number.desc())
        .limit(1)
    )


def revisions_of(exercise: Exercise) -> list[ExerciseRevision]:
    return list(
        db.session.scalars(
            sa.select(ExerciseRevision)
            .where(ExerciseRevision.exercise_id == exercise.id)
            .order_by(ExerciseRevision.number.desc())
        )
    )


def file_text(exercise: Exercise) -> str | None:
    """The scenario's file on this server, for scenarios synced before revisions were kept."""
    path = content_dir("exercises") / exercise.course.slug / f"{exercise.slug}.yaml"
    return path.read_bytes().decode("utf-8-sig") if path.is_file() else None


def current_text(exercise: Exercise) -> str | None:
    """The text to start editing from: the newest revision's, else the file's."""
    latest = latest_revision(exercise)
    return latest.text if latest is not None else file_text(exercise)


def add_revision(
    exercise: Exercise,
    text: str,
    *,
    status: ScenarioRevisionStatus,
    source: str,
    problems: int,
    author=None,
    base: ExerciseRevision | None = None,
    note: str = "",
) -> ExerciseRevision:
    number = (
        db.session.scalar(
            sa.select(sa.func.max(ExerciseRevision.number)).where(
                ExerciseRevision.exercise_id == exercise.id
            )
        )
        or 0
    ) + 1
    revision = ExerciseRevision(
        exercise=exercise,
        number=number,
        status=status,
        source=source,
        text=text,
        content_hash=text_hash(text),
        problems=problems,
        author=author,
        base_revision_id=base.id if base else None,
        note=(note or "")[:255],
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def _target(exercise: Exercise) -> str:
    return f"{exercise.course.slug}/exercises/{exercise.slug}"


def publish_revision(exercise: Exercise, revision: ExerciseRevision, scenario: Scenario) -> None:
    """Make a checked revision the scenario learners get (a first publish brings a scenario
    started in the browser into their sight)."""
    revision.status = PUBLISHED
    exercise.published = revision
    replace_scenario(exercise, scenario)
    exercise.archived_at = None
    exercise.updated_at = utcnow()
    exercise.course.updated_at = utcnow()
    audit.record("scenario.publish", target=_target(exercise), detail={"revision": revision.number})


@dataclass
class SaveResult:
    revision: ExerciseRevision | None  # None: nothing was saved (a publish refused for problems)
    problems: list[Problem] = field(default_factory=list)
    conflict_with: ExerciseRevision | None = None  # the newer revision someone else saved
    unchanged: bool = False


def save_scenario(
    exercise: Exercise, text: str, *, author, base_id: int | None, publish: bool, note: str = ""
) -> SaveResult:
    """Save the text as a draft, or publish it if `content check` finds no problem in it.

    A text with problems is never published and, asked to be, nothing is saved: the author sees
    every problem and may save it as a draft. Saving the newest revision's text again adds
    nothing; publishing it publishes that draft."""
    text = normalise(text)
    lock(exercise)
    latest = latest_revision(exercise)
    scenario, problems = check_text(text, exercise.course.slug, exercise.slug)
    if latest is not None and latest.id != base_id:
        kept = add_revision(
            exercise,
            text,
            status=CONFLICT,
            source="browser",
            problems=len(problems),
            author=author,
            base=db.session.get(ExerciseRevision, base_id) if base_id else None,
            note=note,
        )
        audit.record("scenario.conflict", target=_target(exercise), detail={"kept": kept.number})
        return SaveResult(kept, problems, conflict_with=latest)
    if publish and problems:
        return SaveResult(None, problems)
    if latest is not None and latest.content_hash == text_hash(text):
        if publish and latest.is_draft:
            publish_revision(exercise, latest, scenario)
            return SaveResult(latest, problems)
        if not publish or exercise.published_revision_id == latest.id:
            return SaveResult(latest, problems, unchanged=True)
    revision = add_revision(
        exercise,
        text,
        status=DRAFT,
        source="browser",
        problems=len(problems),
        author=author,
        base=latest,
        note=note,
    )
    audit.record(
        "scenario.draft",
        target=_target(exercise),
        detail={"revision": revision.number, "problems": len(problems)},
    )
    if publish:
        publish_revision(exercise, revision, scenario)
    return SaveResult(revision, problems)


def publish_text(
    exercise: Exercise, text: str, scenario: Scenario, *, author, note: str = ""
) -> ExerciseRevision:
    """Publish a checked text made elsewhere (the timeline's spreadsheet) as a new revision."""
    lock(exercise)
    text = normalise(text)
    revision = add_revision(
        exercise,
        text,
        status=DRAFT,
        source="browser",
        problems=0,
        author=author,
        base=latest_revision(exercise),
        note=note,
    )
    publish_revision(exercise, revision, scenario)
    return revision


def newer_draft(exercise: Exercise) -> ExerciseRevision | None:
    """The newest draft, when it is newer than what learners get: a change published another
    way (the timeline's spreadsheet) would pass over it and leave it unpublishable."""
    latest = latest_revision(exercise)
    published = exercise.published
    if latest is None or not latest.is_draft:
        return None
    if published is not None and latest.number < published.number:
        return None
    return latest


def may_publish(exercise: Exercise, revision: ExerciseRevision) -> bool:
    """A draft with no problems, newer than what learners get."""
    published = exercise.published
    return (
        revision.is_draft
        and revision.problems == 0
        and (published is None or revision.number > published.number)
    )


def publish_draft(exercise: Exercise, revision: ExerciseRevision) -> list[Problem]:
    """Publish a saved draft, checked again (the checks may have changed since); its problems."""
    lock(exercise)
    scenario, problems = check_text(revision.text, exercise.course.slug, exercise.slug)
    if problems:
        revision.problems = len(problems)
        return problems
    publish_revision(exercise, revision, scenario)
    return []


def new_slug(course: Course, slug: str) -> str:
    """A free slug for a copy of `slug`: slug-copy, slug-copy-2, …"""
    taken = set(db.session.scalars(sa.select(Exercise.slug).where(Exercise.course_id == course.id)))
    base = f"{slug[:54]}-copy"
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def slug_taken(course: Course, slug: str) -> bool:
    return (
        db.session.scalar(
            sa.select(Exercise.id).where(Exercise.course_id == course.id, Exercise.slug == slug)
        )
        is not None
    )


def copy_scenario(
    source: Exercise,
    slug: str,
    *,
    author,
    course: Course | None = None,
    after: tuple[str, str] | None = None,
    at_start: bool = False,
) -> Exercise:
    """Start a new scenario as a draft copy of another, in the source's course or in `course`,
    placed in the outline after `after`, at the start, or (neither) at the end. Learners see it
    once it is published."""
    course = course or source.course
    text = current_text(source)
    if text is None:
        raise ValueError("no text")
    now = utcnow()
    exercise = Exercise(
        course_id=course.id,
        slug=slug,
        title=dict(source.title),
        data=source.data,
        content_hash="",
        archived_at=now,  # out of learners' sight until published
        updated_at=now,
    )
    db.session.add(exercise)
    db.session.flush()
    _, problems = check_text(text, course.slug, slug)
    add_revision(
        exercise,
        text,
        status=DRAFT,
        source="copy",
        problems=len(problems),
        author=author,
        note=f"copy of {_origin(source, course)}",
    )
    if after is not None or at_start:
        items = outline.insert(course.items, "exercise", slug, after)
    else:
        items = outline.append(course.items, "exercise", slug)
    course_authoring.save_outline(
        course, items, "exercise_added", author=author, note=slug, check_base=False
    )
    audit.record(
        "scenario.copy", target=_target(exercise), detail={"from": _origin(source, course)}
    )
    return exercise


def _origin(source: Exercise, course: Course) -> str:
    """The copied scenario's name as the new one's history gives it: its course too if another."""
    if source.course_id == course.id:
        return source.slug
    return f"{source.course.slug}/{source.slug}"


def copy_source(course: Course, exercise_id: int) -> Exercise | None:
    """A scenario a new one of `course` may start from: one of its own or one learners play in
    another course of the catalogue."""
    exercise = db.session.get(Exercise, exercise_id)
    if exercise is None:
        return None
    if exercise.course_id == course.id:
        return exercise if exercise.archived_at is None or never_published(exercise) else None
    return exercise if exercise in shipped_scenarios(course) else None


def shipped_scenarios(course: Course) -> list[Exercise]:
    """Scenarios learners play in the catalogue's other courses, to start this course's from: a
    course written from nothing has none of its own to copy."""
    return list(
        db.session.scalars(
            sa.select(Exercise)
            .join(Course, Course.id == Exercise.course_id)
            .where(
                Exercise.course_id != course.id,
                Exercise.archived_at.is_(None),
                Course.archived_at.is_(None),
                Course.published_at.is_not(None),
            )
            .order_by(Course.slug, Exercise.slug)
        )
    )


def never_published(exercise: Exercise) -> bool:
    """A scenario started in the browser and not published yet."""
    return exercise.content_hash == "" and exercise.published_revision_id is None


def draft_slugs(course_id: int) -> set[str]:
    """The course's scenarios never published: in the author's outline, not in learners' or the
    files'."""
    return set(
        db.session.scalars(
            sa.select(Exercise.slug).where(
                Exercise.course_id == course_id,
                Exercise.archived_at.is_not(None),
                Exercise.published_revision_id.is_(None),
                Exercise.content_hash == "",
            )
        )
    )
