"""Where the content files live: the lessons, quizzes and exercises folders."""

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
