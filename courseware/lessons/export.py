"""Write a course from the database back to files in the layout `content sync` reads.

`content export COURSE DIR` writes DIR/lessons/COURSE/ (course.yaml, the lessons, media/) through
this module, and DIR/quizzes/COURSE/, DIR/exercises/COURSE/ through the other content steps. The YAML is
written the way the repository's files are written by hand — sequences indented under their key,
double quotes only where a text needs them, short lists of slugs on one line — so that syncing a
course and exporting it again changes no byte, and an export into the repository shows only what
was changed in the browser.
"""

from pathlib import Path

import click
import sqlalchemy as sa
import yaml

from courseware.content.files import (
    COURSE_PAGES,
    GLOSSARY_FILE,
    LESSON_FILE,
    LessonSource,
    load_glossary,
)
from courseware.content.folders import content_dir
from courseware.courses.authoring import media_of
from courseware.courses.models import Course, CourseMedia
from courseware.courses.outline import draft_items
from courseware.db import db
from courseware.lessons.revisions import source_of


class FlowList(list):
    """A list written on one line, `[final, mid-term]`."""


class CourseDumper(yaml.SafeDumper):
    """Sequences indented under their key, as the course files are written."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def choose_scalar_style(self):
        # Where PyYAML would single-quote, write double quotes, as authors do: "people's".
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


CourseDumper.add_representer(
    FlowList, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, True)
)


def _dump(data) -> str:
    return yaml.dump(
        data,
        Dumper=CourseDumper,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
        default_flow_style=False,
    )


def lesson_file_text(source: LessonSource, language: str) -> str:
    """The text of NN-slug.md (language "zh") or NN-slug.en.md ("en")."""
    text = source.zh if language == "zh" else source.en
    front = {"title": text.title}
    if language == "zh":
        front["minutes"] = source.minutes
        if source.check_tries:
            front["check_tries"] = source.check_tries
    if text.objectives:
        front["objectives"] = list(text.objectives)
    return f"---\n{_dump(front)}---\n\n{text.body}"


def _text(value: dict) -> dict:
    return {lang: value[lang] for lang in ("zh", "en") if value.get(lang)}


def course_file_text(course: Course, lesson_slugs: list[str]) -> str:
    """The text of course.yaml: the outline lists the exported lessons in course order."""
    drafts = draft_items(course.id)
    items = [
        [kind, slug]
        for kind, slug in course.items
        if (kind != "lesson" or slug in lesson_slugs) and (kind, slug) not in drafts
    ]
    listed = {slug for kind, slug in items if kind == "lesson"}
    items += [["lesson", slug] for slug in lesson_slugs if slug not in listed]
    data = {"title": _text(course.title)}
    if any(course.summary.values()):
        data["summary"] = _text(course.summary)
    hours = course.credit_hours
    data["credit_hours"] = int(hours) if float(hours).is_integer() else hours
    if any(course.audience.values()):
        data["audience"] = _text(course.audience)
    if course.cover:
        data["cover"] = f"media/{course.cover}"
    data["items"] = [{kind: slug} for kind, slug in items]
    data["completion"] = {
        key: FlowList(value) if isinstance(value, list) else value
        for key, value in (course.completion or {"lessons": "all"}).items()
    }
    return _dump(data)


def export_lessons(course: Course, folder: Path) -> list[Path]:
    """Write the course's published lessons, course.yaml and media into `folder` (the course's
    own folder, lessons/COURSE); return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    lessons = [
        lesson for lesson in course.lessons if lesson.archived_at is None and lesson.published
    ]
    for lesson in lessons:
        source = source_of(lesson.published, lesson.slug, lesson.number)
        languages = ["zh", "en"] if source.en else ["zh"]
        for language in languages:
            suffix = ".md" if language == "zh" else ".en.md"
            path = folder / f"{lesson.number:02d}-{lesson.slug}{suffix}"
            path.write_text(lesson_file_text(source, language), encoding="utf-8")
            written.append(path)
    path = folder / "course.yaml"
    text = course_file_text(course, [lesson.slug for lesson in lessons])
    # A course.yaml that already says the same is left as it is, with its comments.
    if not path.exists() or yaml.safe_load(path.read_text("utf-8")) != yaml.safe_load(text):
        path.write_text(text, encoding="utf-8")
        written.append(path)
    written += export_pages(course, folder)
    # A lesson taken out of the course, or renumbered, leaves no file behind for a later check to
    # find outside the outline.
    for stale in folder.glob("*.md"):
        if LESSON_FILE.match(stale.name) and stale not in written:
            stale.unlink()
    for media in media_of(course):
        (folder / "media").mkdir(exist_ok=True)
        path = folder / "media" / media.name
        data = db.session.scalar(sa.select(CourseMedia.data).where(CourseMedia.id == media.id))
        path.write_bytes(data)
        written.append(path)
    return written


def glossary_file_data(terms: list[dict]) -> dict:
    """What glossary.yaml holds for these terms: empty notes and avoid lists left out."""
    entries = []
    for term in terms:
        entry = {"zh": term["zh"], "en": term["en"]}
        if term.get("avoid"):
            entry["avoid"] = FlowList(term["avoid"])
        note = {lang: value for lang, value in (term.get("note") or {}).items() if value}
        if note:
            entry["note"] = note
        entries.append(entry)
    return {"terms": entries}


def export_pages(course: Course, folder: Path) -> list[Path]:
    """Write the course's pages (intro.md, guide.md and their .en.md) and its glossary.yaml.

    A glossary file that already says the same is left as it is, with its comments."""
    written = []
    for name in COURSE_PAGES:
        page = (course.pages or {}).get(name) or {}
        for language, suffix in (("zh", ".md"), ("en", ".en.md")):
            if page.get(language):
                path = folder / f"{name}{suffix}"
                path.write_text(page[language], encoding="utf-8")
                written.append(path)
    path = folder / GLOSSARY_FILE
    if course.glossary:
        current, problems = load_glossary(path, str(path)) if path.exists() else ((), ["none"])
        if problems or list(current) != list(course.glossary):
            path.write_text(_dump(glossary_file_data(course.glossary)), encoding="utf-8")
            written.append(path)
    return written


def export_step(course_slug: str, root: Path | None) -> list[Path]:
    """The lessons' part of `content export`: DIR/lessons/COURSE; an unknown course is an error."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}")
    folder = (root / "lessons" if root else content_dir("lessons")) / course.slug
    return export_lessons(course, folder)
