"""Read a course folder into frozen values, naming every problem as `path:line: message`.

A course is `lessons/<course-slug>/course.yaml` plus lessons `NN-<slug>.md` (Chinese, with YAML
front matter) and optional translations `NN-<slug>.en.md`. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
LESSON_FILE = re.compile(r"^(?P<number>\d\d)-(?P<slug>[a-z0-9][a-z0-9-]*)(?P<en>\.en)?\.md$")
# Markdown links and images, to check their targets: [text](target) and ![alt](target).
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
ITEM_KINDS = ("lesson", "quiz", "exercise")
# Lesson pages sit beside these at /courses/<course>/...
RESERVED_SLUGS = {"media", "edit", "new", "quiz"}
LANGUAGES = ("zh", "en")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class LessonText:
    """A lesson in one language."""

    title: str
    objectives: tuple[str, ...]
    body: str

    def to_dict(self) -> dict:
        return {"title": self.title, "objectives": list(self.objectives), "body": self.body}


@dataclass(frozen=True)
class LessonSource:
    """A lesson as its files say: Chinese original and optional English translation."""

    slug: str
    number: int
    minutes: int
    zh: LessonText
    en: LessonText | None

    def to_dict(self) -> dict:
        return {
            "minutes": self.minutes,
            "zh": self.zh.to_dict(),
            "en": self.en.to_dict() if self.en else None,
        }

    @property
    def content_hash(self) -> str:
        return fingerprint(self.to_dict())


@dataclass(frozen=True)
class CourseSource:
    """A course folder: its settings and its lessons in order."""

    slug: str
    title: dict
    summary: dict
    audience: dict
    credit_hours: float
    items: tuple[tuple[str, str], ...]
    completion: dict
    lessons: tuple[LessonSource, ...]
    media: frozenset[str] = field(default_factory=frozenset)
    cover: str | None = None  # an image of media/, shown with the course

    def settings(self) -> dict:
        """The course-level fields, as stored and compared on sync."""
        return course_settings(
            self.title,
            self.summary,
            self.audience,
            self.credit_hours,
            [list(i) for i in self.items],
            self.completion,
            self.cover,
        )


def course_settings(title, summary, audience, credit_hours, items, completion, cover=None) -> dict:
    """A course's settings as one value, whether read from course.yaml or from the database.

    The cover is named only when there is one, so that courses without one keep the fingerprint
    they had before covers existed."""
    settings = {
        "title": title,
        "summary": summary,
        "audience": audience,
        "credit_hours": credit_hours,
        "items": items,
        "completion": completion,
    }
    if cover:
        settings["cover"] = cover
    return settings


def fingerprint(value) -> str:
    """A stable hash of JSON-able content, used to tell whether anything changed."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_body(body: str) -> str:
    """Strip blank lines at both ends and end with one newline, so saving twice changes nothing."""
    body = body.replace("\r\n", "\n").strip("\n")
    return body.rstrip() + "\n" if body.strip() else ""


# --- YAML with line numbers -------------------------------------------------------------------


def _yaml_error(path: str, error: yaml.YAMLError, offset: int) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = (mark.line + 1 + offset) if mark else 1 + offset
    what = getattr(error, "problem", None) or str(error)
    return Problem(path, line, f"bad YAML: {what}")


def _node_lines(node, offset: int) -> dict:
    """Map each key path (tuple) of a YAML node tree to its 1-based line."""
    lines = {}

    def walk(n, key):
        lines[key] = n.start_mark.line + 1 + offset
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                walk(v, key + (k.value,))
                lines[key + (k.value,)] = k.start_mark.line + 1 + offset
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, key + (i,))

    if node is not None:
        walk(node, ())
    return lines


def parse_yaml(text: str, path: str, offset: int = 0):
    """Parse YAML safely; return (data, lines, problems)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return None, {}, [_yaml_error(path, error, offset)]
    return data, _node_lines(node, offset), []


# --- lessons ----------------------------------------------------------------------------------


def split_front_matter(text: str, path: str):
    """Return (front matter text, body, line where the body starts, problems)."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if not text.startswith("---\n"):
        return (
            None,
            text,
            1,
            [Problem(path, 1, "the file must start with YAML front matter between '---' lines")],
        )
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            return (
                None,
                text,
                1,
                [Problem(path, 1, "the front matter is not closed by a '---' line")],
            )
    front = text[4 : end + 1]
    body = text[end + 5 :]
    body_line = front.count("\n") + 3
    return front, body, body_line, []


def parse_lesson_text(text: str, path: str, original: bool):
    """Parse one lesson file; return (LessonText, minutes, body line, problems)."""
    front, body, body_line, problems = split_front_matter(text, path)
    if front is None:
        return None, None, body_line, problems
    data, lines, problems = parse_yaml(front, path, offset=1)
    if problems:
        return None, None, body_line, problems
    if not isinstance(data, dict):
        return (
            None,
            None,
            body_line,
            [Problem(path, 2, "the front matter must be a mapping of fields")],
        )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(path, lines.get(("title",), 2), "a title is required"))
    objectives = data.get("objectives", [])
    if not isinstance(objectives, list) or not all(
        isinstance(o, str) and o.strip() for o in objectives
    ):
        problems.append(
            Problem(path, lines.get(("objectives",), 2), "objectives must be a list of sentences")
        )
        objectives = []
    minutes = data.get("minutes")
    if original and (
        not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600
    ):
        problems.append(
            Problem(
                path, lines.get(("minutes",), 2), "minutes must be a whole number from 1 to 600"
            )
        )
    if not original and "minutes" in data:
        problems.append(
            Problem(path, lines[("minutes",)], "minutes belong in the original; remove them here")
        )
    if not body.strip():
        problems.append(Problem(path, body_line, "the lesson has no text after its front matter"))
    unknown = set(data) - {"title", "objectives", "minutes"}
    for key in sorted(unknown, key=str):
        problems.append(Problem(path, lines.get((key,), 2), f"unknown field {key!r}"))
    if problems:
        return None, None, body_line, problems
    lesson = LessonText(title.strip(), tuple(o.strip() for o in objectives), normalise_body(body))
    # Line numbers refer to the normalised body, which has lost its leading blank lines.
    body_line += len(body) - len(body.lstrip("\n"))
    return lesson, minutes, body_line, []


def check_links(
    body: str, body_line: int, path: str, siblings: set[str], media: set[str]
) -> list[Problem]:
    """Name links to missing lesson files and images missing from the media folder."""
    problems = []
    for offset, line in enumerate(body.split("\n")):
        for target in LINK.findall(line):
            target = target.split("#")[0]
            if target.startswith("./"):
                target = target[2:]
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or not target:
                continue
            if target.startswith("media/"):
                if target[len("media/") :] not in media:
                    problems.append(Problem(path, body_line + offset, f"missing image {target}"))
            elif target.endswith(".md"):
                if target not in siblings:
                    problems.append(Problem(path, body_line + offset, f"broken link to {target}"))
            else:
                problems.append(
                    Problem(
                        path,
                        body_line + offset,
                        f"link to {target}: use a lesson file (NN-slug.md), media/…, or an http(s) address",
                    )
                )
    return problems


# --- courses ----------------------------------------------------------------------------------


def _text_pair(data, key, lines, path, problems, required=True) -> dict:
    value = data.get(key)
    if isinstance(value, str):
        value = {"zh": value}
    if not isinstance(value, dict) or (required and not str(value.get("zh") or "").strip()):
        if required:
            problems.append(
                Problem(
                    path,
                    lines.get((key,), 1),
                    f"{key} needs a Chinese text (zh) and may have an English one (en)",
                )
            )
        return {"zh": "", "en": ""}
    return {lang: str(value.get(lang) or "").strip() for lang in LANGUAGES}


def _items(data, lines, path, problems) -> list[tuple[str, str]]:
    raw = data.get("items")
    # An empty list is a course being built: it has no items yet.
    if not isinstance(raw, list):
        problems.append(
            Problem(
                path,
                lines.get(("items",), 1),
                "items must list the course's lessons, quizzes and exercises in order",
            )
        )
        return []
    items = []
    for i, entry in enumerate(raw):
        line = lines.get(("items", i), 1)
        if not (isinstance(entry, dict) and len(entry) == 1):
            problems.append(
                Problem(path, line, "an item is written '- lesson: SLUG' (or quiz:, exercise:)")
            )
            continue
        ((kind, slug),) = entry.items()
        if kind not in ITEM_KINDS or not isinstance(slug, str) or not SLUG.match(slug):
            problems.append(Problem(path, line, f"unknown item {kind}: {slug}"))
            continue
        if (kind, slug) in items:
            problems.append(Problem(path, line, f"{kind} {slug} is listed twice"))
            continue
        items.append((kind, slug))
    return items


def _completion(data, lines, path, problems, lesson_slugs, items=()) -> dict:
    """The completion rule: which lessons, quizzes (passed) and exercises (done) and how many minutes."""
    rule = data.get("completion") or {"lessons": "all"}
    line = lines.get(("completion",), 1)
    if not isinstance(rule, dict):
        problems.append(Problem(path, line, "completion must be a mapping, such as 'lessons: all'"))
        return {}
    unknown = set(rule) - {"lessons", "quizzes", "exercises", "min_active_minutes"}
    for key in sorted(unknown, key=str):
        problems.append(
            Problem(path, lines.get(("completion", key), line), f"unknown completion field {key!r}")
        )
    known = {
        "lessons": set(lesson_slugs),
        "quizzes": {slug for kind, slug in items if kind == "quiz"},
        "exercises": {slug for kind, slug in items if kind == "exercise"},
    }
    for key, slugs in known.items():
        value = rule.get(key, "all" if key == "lessons" else None)
        if value is None or value == "all":
            continue
        where = lines.get(("completion", key), line)
        if not isinstance(value, list):
            problems.append(
                Problem(path, where, f"completion {key} must be 'all' or a list of slugs")
            )
            continue
        for i, slug in enumerate(value):
            if slug not in slugs:
                problems.append(
                    Problem(
                        path,
                        lines.get(("completion", key, i), where),
                        f"completion names unknown {key[:-1] if key != 'quizzes' else 'quiz'} {slug}",
                    )
                )
    minimum = rule.get("min_active_minutes", 0)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 0:
        problems.append(
            Problem(
                path,
                lines.get(("completion", "min_active_minutes"), line),
                "min_active_minutes must be a whole number",
            )
        )
    return dict(rule)


COURSE_FIELDS = {"title", "summary", "audience", "credit_hours", "cover", "items", "completion"}


def _cover(data, lines, path, problems, media: set[str]) -> str | None:
    """The cover image, written `cover: media/NAME`; it must be in the media folder."""
    value = data.get("cover")
    if value is None:
        return None
    line = lines.get(("cover",), 1)
    if not isinstance(value, str) or not value.startswith("media/"):
        problems.append(Problem(path, line, "cover is an image of the course: media/NAME"))
        return None
    name = value[len("media/") :]
    if name not in media:
        problems.append(Problem(path, line, f"missing image {value}"))
        return None
    return name


def load_course(
    folder: Path, root: Path, other_items=None
) -> tuple[CourseSource | None, list[Problem]]:
    """Read and check one course folder.

    `other_items(kind, course_slug, slug)` says whether a quiz or exercise exists; lessons are
    checked against the folder itself.
    """

    def rel(p: Path) -> str:
        return str(p.relative_to(root.parent)) if root.parent in p.parents else str(p)

    course_path = folder / "course.yaml"
    problems: list[Problem] = []
    if not SLUG.match(folder.name):
        problems.append(
            Problem(
                rel(folder), 1, "a course folder name must be lowercase letters, digits and hyphens"
            )
        )
    if not course_path.exists():
        return None, problems + [Problem(rel(course_path), 1, "course.yaml is missing")]
    data, lines, yaml_problems = parse_yaml(course_path.read_text("utf-8"), rel(course_path))
    if yaml_problems:
        return None, problems + yaml_problems
    if not isinstance(data, dict):
        return None, problems + [
            Problem(rel(course_path), 1, "course.yaml must be a mapping of fields")
        ]
    cp = rel(course_path)
    title = _text_pair(data, "title", lines, cp, problems)
    summary = _text_pair(data, "summary", lines, cp, problems, required=False)
    audience = _text_pair(data, "audience", lines, cp, problems, required=False)
    hours = data.get("credit_hours")
    if not isinstance(hours, (int, float)) or isinstance(hours, bool) or not 0 < hours <= 1000:
        problems.append(
            Problem(
                cp, lines.get(("credit_hours",), 1), "credit_hours (学时) must be a number above 0"
            )
        )
        hours = 0
    for key in sorted(set(data) - COURSE_FIELDS, key=str):
        problems.append(Problem(cp, lines.get((key,), 1), f"unknown field {key!r}"))
    items = _items(data, lines, cp, problems)

    media_dir = folder / "media"
    media = {p.name for p in media_dir.iterdir() if p.is_file()} if media_dir.is_dir() else set()
    cover = _cover(data, lines, cp, problems, media)
    files = sorted(p for p in folder.iterdir() if p.suffix == ".md")
    siblings = {p.name for p in files}
    lessons, seen = {}, {}
    for path in files:
        match = LESSON_FILE.match(path.name)
        if not match:
            problems.append(
                Problem(
                    rel(path), 1, "a lesson file is named NN-slug.md (or NN-slug.en.md for English)"
                )
            )
            continue
        if match["en"]:
            if path.name.replace(".en.md", ".md") not in siblings:
                problems.append(
                    Problem(rel(path), 1, "an English translation without its Chinese original")
                )
            continue
        slug = match["slug"]
        if slug in RESERVED_SLUGS:
            problems.append(
                Problem(
                    rel(path), 1, f"{slug!r} cannot be a lesson slug; it names a page of the course"
                )
            )
            continue
        if slug in seen:
            problems.append(
                Problem(rel(path), 1, f"duplicate lesson slug {slug} (also {seen[slug]})")
            )
            continue
        seen[slug] = path.name
        zh, minutes, body_line, lp = parse_lesson_text(
            path.read_text("utf-8"), rel(path), original=True
        )
        problems += lp
        if zh:
            problems += check_links(zh.body, body_line, rel(path), siblings, media)
        en = None
        en_path = path.with_name(path.name[:-3] + ".en.md")
        if en_path.exists():
            en, _, en_line, ep = parse_lesson_text(
                en_path.read_text("utf-8"), rel(en_path), original=False
            )
            problems += ep
            if en:
                problems += check_links(en.body, en_line, rel(en_path), siblings, media)
        if zh:
            lessons[slug] = LessonSource(slug, int(match["number"]), minutes, zh, en)

    for i, (kind, slug) in enumerate(items):
        line = lines.get(("items", i), 1)
        if kind == "lesson" and slug not in seen:
            problems.append(
                Problem(cp, line, f"unknown item lesson: {slug} (no file NN-{slug}.md)")
            )
        elif kind != "lesson" and not (other_items and other_items(kind, folder.name, slug)):
            problems.append(Problem(cp, line, f"unknown item {kind}: {slug}"))
    listed = {slug for kind, slug in items if kind == "lesson"}
    for slug, name in seen.items():
        if slug not in listed:
            problems.append(
                Problem(rel(folder / name), 1, f"lesson {slug} is not listed in course.yaml items")
            )
    completion = _completion(data, lines, cp, problems, set(seen), items)
    if problems:
        return None, problems
    ordered = tuple(lessons[slug] for kind, slug in items if kind == "lesson")
    return (
        CourseSource(
            slug=folder.name,
            title=title,
            summary=summary,
            audience=audience,
            credit_hours=float(hours),
            items=tuple(items),
            completion=completion,
            lessons=ordered,
            media=frozenset(media),
            cover=cover,
        ),
        [],
    )


def load_courses(root: Path, other_items=None) -> tuple[list[CourseSource], list[Problem]]:
    """Read every course folder under `root`; return the good courses and all problems."""
    courses, problems = [], []
    if not root.is_dir():
        return [], [Problem(str(root), 1, "the lessons folder does not exist")]
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        course, found = load_course(folder, root, other_items)
        problems += found
        if course:
            courses.append(course)
    return courses, sorted(problems)


class Reader:
    """Collects problems for one file while reading its YAML tree (quizzes, scenarios)."""

    def __init__(self, path: str, lines: dict):
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, key: tuple) -> int:
        while key and key not in self.lines:
            key = key[:-1]
        return self.lines.get(key, 1)

    def problem(self, key: tuple, message: str) -> None:
        self.problems.append(Problem(self.path, self.line(key), message))

    def text(self, value, key: tuple, required: bool = True) -> dict:
        """A text written as a string (the Chinese original) or as {zh: …, en: …}."""
        if value is None and not required:
            return {"zh": "", "en": ""}
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = {"zh": str(value)}
        if not isinstance(value, dict) or set(value) - set(LANGUAGES):
            self.problem(key, "a text is a string or a mapping with zh (and en)")
            return {"zh": "", "en": ""}
        if any(isinstance(v, bool) for v in value.values()):
            # YAML reads a bare Yes, No, On or Off as true/false: the author meant the word.
            self.problem(
                key, "put the text in quotes: YAML reads a bare Yes, No, On or Off as true or false"
            )
            return {"zh": "", "en": ""}
        result = {
            lang: str(value.get(lang) if value.get(lang) is not None else "").strip()
            for lang in LANGUAGES
        }
        if required and not result["zh"]:
            self.problem(key, "the Chinese text (zh) is missing")
        return result

    def number(self, value, key: tuple, name: str, low=None, high=None, whole=False):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (whole and not isinstance(value, int))
        ):
            self.problem(key, f"{name} must be a {'whole ' if whole else ''}number")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem(key, f"{name} must be between {low} and {high}")
            return None
        return value
