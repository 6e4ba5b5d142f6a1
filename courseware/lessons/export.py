"""Write a course from the database back to files in the format `content sync` reads."""

import shutil
from pathlib import Path

import click
import sqlalchemy as sa
import yaml
from flask.cli import with_appcontext

from courseware.content.files import COURSE_PAGES, GLOSSARY_FILE, LessonSource, load_glossary
from courseware.content.folders import content_dir
from courseware.courses.models import Course
from courseware.db import db
from courseware.lessons.revisions import source_of


def _dump(data) -> str:
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False
    )


def lesson_file_text(source: LessonSource, language: str) -> str:
    """The text of NN-slug.md (language "zh") or NN-slug.en.md ("en")."""
    text = source.zh if language == "zh" else source.en
    front = {"title": text.title}
    if language == "zh":
        front["minutes"] = source.minutes
    if text.objectives:
        front["objectives"] = list(text.objectives)
    return f"---\n{_dump(front)}---\n\n{text.body}"


def course_file_text(course: Course, lesson_slugs: list[str]) -> str:
    """The text of course.yaml, listing the exported lessons in course order."""
    items = [
        [kind, slug] for kind, slug in course.items if kind != "lesson" or slug in lesson_slugs
    ]
    listed = {slug for kind, slug in items if kind == "lesson"}
    items += [["lesson", slug] for slug in lesson_slugs if slug not in listed]
    data = {"title": course.title}
    for key in ("summary", "audience"):
        if any(getattr(course, key).values()):
            data[key] = getattr(course, key)
    hours = course.credit_hours
    data["credit_hours"] = int(hours) if float(hours).is_integer() else hours
    data["items"] = [{kind: slug} for kind, slug in items]
    data["completion"] = course.completion
    return _dump(data)


def export_course(course: Course, folder: Path, media_from: Path | None = None) -> list[Path]:
    """Write the course's published lessons into `folder`; return the files written."""
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
    path.write_text(course_file_text(course, [lesson.slug for lesson in lessons]), encoding="utf-8")
    written.append(path)
    written += export_pages(course, folder)
    if media_from and (media_from / "media").is_dir() and media_from.resolve() != folder.resolve():
        shutil.copytree(media_from / "media", folder / "media", dirs_exist_ok=True)
    return written


def glossary_file_data(terms: list[dict]) -> dict:
    """What glossary.yaml holds for these terms: empty notes and avoid lists left out."""
    entries = []
    for term in terms:
        entry = {"zh": term["zh"], "en": term["en"]}
        if term.get("avoid"):
            entry["avoid"] = list(term["avoid"])
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


@click.command("export")
@click.argument("course_slug")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_command(course_slug, folder):
    """Write a course's published lessons to FOLDER (default: its folder under lessons/)."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}")
    source_folder = content_dir("lessons") / course_slug
    written = export_course(course, folder or source_folder, media_from=source_folder)
    click.echo(f"Wrote {len(written)} files to {folder or source_folder}.")
