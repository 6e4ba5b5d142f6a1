"""Where the content files live: the lessons, quizzes and exercises folders."""

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app


def content_dir(kind: str) -> Path:
    """Where lessons, quizzes or exercises live: COURSEWARE_<KIND>_DIR, else beside the package."""
    configured = current_app.config.get(f"{kind.upper()}_DIR")
    return Path(configured) if configured else Path(current_app.root_path).parent / kind


def item_exists(kind: str, course: str, slug: str) -> bool:
    """Whether a quiz or exercise named in course.yaml has a file."""
    folder = content_dir("quizzes" if kind == "quiz" else "exercises") / course
    suffixes = (".yaml", ".gift") if kind == "quiz" else (".yaml",)
    return any((folder / f"{slug}{s}").exists() for s in suffixes)


def course_folders() -> set[str]:
    """The names of the course folders under lessons/, loadable or not."""
    return {p.name for p in content_dir("lessons").glob("*") if p.is_dir()}


def content_zone() -> ZoneInfo:
    """The zone quiz opening and closing times are written in."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def copy_course_folder(kind: str, course_slug: str, root: Path | None) -> list[Path]:
    """Export a course's files of one kind by copying its folder to root/KIND/COURSE.

    For content not yet edited in the browser (quizzes, exercises) the files are what the
    database holds, so a copy is the export; without root (export into the content folders
    themselves) there is nothing to write."""
    source = content_dir(kind) / course_slug
    if root is None or not source.is_dir():
        return []
    target = root / kind / course_slug
    if source.resolve() == target.resolve():
        return []
    written = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)
            written.append(target / relative)
    return written
