"""Read a course folder into frozen values, naming every problem as `path:line: message`.

A course is `lessons/<course-slug>/course.yaml` plus lessons `NN-<slug>.md` (Chinese, with YAML
front matter) and optional translations `NN-<slug>.en.md`. Beside them a course may have its
pages — `intro.md` (the introduction learners read first) and `guide.md` (the instructor's guide,
教学指导), each with an optional `.en.md` — and a `glossary.yaml` (术语表) whose English renderings
the English texts must keep to: the lessons, the course's pages and course.yaml here, and the
quizzes' and exercises' YAML files through check_folder_renderings, which their steps call.
Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from courseware.content.checks import find_checks, MAX_TRIES

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
LESSON_FILE = re.compile(r"^(?P<number>\d\d)-(?P<slug>[a-z0-9][a-z0-9-]*)(?P<en>\.en)?\.md$")
# Markdown links and images, to check their targets: [text](target) and ![alt](target).
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
ITEM_KINDS = ("lesson", "quiz", "exercise")
# The course's own pages: plain Markdown, no front matter; the page gives the title.
COURSE_PAGES = ("intro", "guide")
PAGE_FILE = re.compile(r"^(?P<name>intro|guide)(?P<en>\.en)?\.md$")
GLOSSARY_FILE = "glossary.yaml"
# Lesson pages sit beside these at /courses/<course>/...
RESERVED_SLUGS = {"media", "edit", "new", "quiz", "about", "glossary", "guide"}
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
class CheckRef:
    """Where a lesson file places a check (`!!! check NAME`), for messages about it."""

    name: str
    path: str
    line: int


@dataclass(frozen=True)
class LessonSource:
    """A lesson as its files say: Chinese original and optional English translation."""

    slug: str
    number: int
    minutes: int
    zh: LessonText
    en: LessonText | None
    # How many tries a reader has to answer each of the lesson's checks right; 0: answering is
    # enough (front matter `check_tries`).
    check_tries: int = 0
    # The checks as the files place them (both languages), for the check of question names.
    check_refs: tuple[CheckRef, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        data = {
            "minutes": self.minutes,
            "zh": self.zh.to_dict(),
            "en": self.en.to_dict() if self.en else None,
        }
        # Named only when set, so that lessons without it keep the fingerprint they had before.
        if self.check_tries:
            data["check_tries"] = self.check_tries
        return data

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
    # {"intro": {"zh": …, "en": …}, "guide": {…}}: only the pages the folder has.
    pages: dict = field(default_factory=dict)
    # Terms in order: {"zh", "en", "note": {"zh", "en"}, "avoid": [English renderings not to use]}.
    glossary: tuple[dict, ...] = ()
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
            pages=self.pages,
            glossary=list(self.glossary),
        )


def course_settings(
    title, summary, audience, credit_hours, items, completion, cover=None, *, pages, glossary
) -> dict:
    """A course's settings as one value, whether read from the course's files or from the
    database: course.yaml's fields with the pages (intro.md, guide.md) and the glossary.

    The cover is named only when there is one, so that courses without one keep the fingerprint
    they had before covers existed."""
    settings = {
        "title": title,
        "summary": summary,
        "audience": audience,
        "credit_hours": credit_hours,
        "items": items,
        "completion": completion,
        "pages": pages or {},
        "glossary": list(glossary or []),
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


# libyaml's safe loader, where PyYAML was built with it, reads a file about ten times quicker
# than the pure-Python one; it constructs the same plain data (no tags beyond YAML's own).
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_and_construct(text: str, loader_class) -> tuple:
    """Parse once: the node tree (for line numbers) and the data built from it."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_yaml(text: str, path: str, offset: int = 0):
    """Parse YAML safely; return (data, lines, problems)."""
    try:
        node, data = _compose_and_construct(text, FAST_SAFE_LOADER)
    except yaml.YAMLError:
        # Say what is wrong in the pure-Python parser's words, which the problem messages
        # translate (libyaml words the same faults differently).
        try:
            node, data = _compose_and_construct(text, yaml.SafeLoader)
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
    """Parse one lesson file; return (LessonText, settings, body line, problems), the settings
    being the original's minutes and check_tries (None in a translation)."""
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
    tries = data.get("check_tries", 0)
    if not original and "check_tries" in data:
        problems.append(
            Problem(
                path,
                lines[("check_tries",)],
                "check_tries belongs in the original; remove it here",
            )
        )
    elif not isinstance(tries, int) or isinstance(tries, bool) or not 0 <= tries <= MAX_TRIES:
        problems.append(
            Problem(
                path,
                lines.get(("check_tries",), 2),
                f"check_tries must be a whole number from 0 (answering is enough) to {MAX_TRIES}",
            )
        )
    if not body.strip():
        problems.append(Problem(path, body_line, "the lesson has no text after its front matter"))
    unknown = set(data) - {"title", "objectives", "minutes", "check_tries"}
    for key in sorted(unknown, key=str):
        problems.append(Problem(path, lines.get((key,), 2), f"unknown field {key!r}"))
    if problems:
        return None, None, body_line, problems
    lesson = LessonText(title.strip(), tuple(o.strip() for o in objectives), normalise_body(body))
    # Line numbers refer to the normalised body, which has lost its leading blank lines.
    body_line += len(body) - len(body.lstrip("\n"))
    settings = {"minutes": minutes, "check_tries": tries} if original else None
    return lesson, settings, body_line, []


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


def check_refs(body: str, body_line: int, path: str, problems: list[Problem]) -> list[CheckRef]:
    """The checks a lesson text places, each with its file and line; a check line without a
    question's name is a problem."""
    refs = []
    for check in find_checks(body):
        line = body_line + check.offset
        if not check.name:
            problems.append(
                Problem(path, line, "a check names the bank's question it asks: !!! check NAME")
            )
        else:
            refs.append(CheckRef(check.name, path, line))
    return refs


def same_checks(zh: list[CheckRef], en: list[CheckRef], path: str, body_line: int) -> list[Problem]:
    """A translation asks the same questions in the same order as its original."""
    zh_names, en_names = [r.name for r in zh], [r.name for r in en]
    if zh_names == en_names:
        return []
    line = next(
        (e.line for z, e in zip(zh_names, en) if z != e.name),
        en[len(zh_names)].line if len(en) > len(zh_names) else body_line,
    )
    return [
        Problem(
            path,
            line,
            "the translation's checks must ask the original's questions in the same order: "
            f"{', '.join(zh_names) or 'none'} (here: {', '.join(en_names) or 'none'})",
        )
    ]


# --- the course's pages and glossary ----------------------------------------------------------


def load_pages(folder: Path, rel, siblings: set[str], media: set[str]):
    """Read intro.md and guide.md (with their .en.md); return ({name: {zh, en}}, problems)."""
    pages, problems = {}, []
    for name in COURSE_PAGES:
        texts = {}
        for language, suffix in (("zh", ".md"), ("en", ".en.md")):
            path = folder / f"{name}{suffix}"
            if not path.exists():
                continue
            text = normalise_body(path.read_text("utf-8").lstrip("\ufeff"))
            if not text:
                problems.append(Problem(rel(path), 1, "the page is empty"))
                continue
            if text.startswith("---\n"):
                problems.append(
                    Problem(rel(path), 1, "a course page has no front matter: start with its text")
                )
                continue
            problems += check_links(text, 1, rel(path), siblings, media)
            texts[language] = text
        if "en" in texts and "zh" not in texts:
            problems.append(
                Problem(
                    rel(folder / f"{name}.en.md"), 1, f"an English {name} page without {name}.md"
                )
            )
        elif texts:
            pages[name] = {"zh": texts["zh"], "en": texts.get("en", "")}
    return pages, problems


def load_glossary(path: Path, where: str) -> tuple[tuple[dict, ...], list[Problem]]:
    """Read glossary.yaml: `terms`, each with zh and en, an optional note {zh, en} and `avoid`."""
    data, lines, problems = parse_yaml(path.read_text("utf-8"), where)
    if problems:
        return (), problems
    reader = Reader(where, lines)
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, list) or not terms:
        reader.problem(("terms",), "the glossary lists its terms under 'terms:'")
        return (), reader.problems
    result, seen = [], {}
    for i, entry in enumerate(terms):
        key = ("terms", i)
        if not isinstance(entry, dict):
            reader.problem(key, "a term is written with zh:, en: and optionally note: and avoid:")
            continue
        for unknown in sorted(set(entry) - {"zh", "en", "note", "avoid"}, key=str):
            reader.problem(key + (unknown,), f"unknown field {unknown!r}")
        zh, en = (str(entry.get(lang) or "").strip() for lang in LANGUAGES)
        if not zh or not en:
            reader.problem(key, "a term needs its Chinese (zh) and its English (en)")
            continue
        if zh in seen:
            reader.problem(key, f"{zh} is in the glossary twice (also line {seen[zh]})")
            continue
        seen[zh] = reader.line(key)
        avoid = entry.get("avoid") or []
        if not isinstance(avoid, list) or not all(isinstance(a, str) and a.strip() for a in avoid):
            reader.problem(key + ("avoid",), "avoid is a list of English renderings")
            avoid = []
        note = reader.text(entry.get("note"), key + ("note",), required=False)
        result.append({"zh": zh, "en": en, "note": note, "avoid": [a.strip() for a in avoid]})
    return tuple(result), reader.problems


def _avoided(glossary) -> list[tuple[re.Pattern, dict]]:
    return [
        (re.compile(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", re.IGNORECASE), term)
        for term in glossary
        for phrase in term["avoid"]
    ]


def check_renderings(text: str, path: str, glossary) -> list[Problem]:
    """Name each English rendering the glossary says to avoid, with the one to use instead."""
    patterns = _avoided(glossary)
    problems = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        for pattern, term in patterns:
            for match in pattern.finditer(line):
                problems.append(
                    Problem(
                        path,
                        number,
                        f"{match.group(0)!r}: the glossary renders {term['zh']} as {term['en']!r}",
                    )
                )
    return problems


def check_yaml_renderings(text: str, path: str, glossary) -> list[Problem]:
    """Name the avoided renderings in the English texts of a quiz, bank or scenario file.

    An English text is a string under an `en:` key (the `en` of a {zh, en} text). Everything else
    is left alone: ids, persona kinds and other identifiers (`kind: netizen`), and lists under
    `en:` (keywords, precise words), which are what trainees might type and are matched, never
    shown: there the common variants a reader would write are wanted. Each finding names the
    line it is on; a phrase that YAML folded across lines is named at the text's first line.
    """
    patterns = _avoided(glossary)
    if not patterns:
        return []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []  # the file's own loader reports the bad YAML
    problems: list[Problem] = []

    def message(found: str, term: dict) -> str:
        return f"{found!r}: the glossary renders {term['zh']} as {term['en']!r}"

    def check(node: yaml.ScalarNode) -> None:
        first = node.start_mark.line + 1
        source = text[node.start_mark.index : node.end_mark.index].split("\n")
        value = " ".join(str(node.value).split())
        for pattern, term in patterns:
            seen = 0
            for offset, line in enumerate(source):
                for match in pattern.finditer(line):
                    seen += 1
                    problems.append(Problem(path, first + offset, message(match.group(0), term)))
            for match in list(pattern.finditer(value))[seen:]:
                problems.append(Problem(path, first, message(match.group(0), term)))

    def walk(node) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value != "en":
                    walk(value)
                elif isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:str":
                    check(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    walk(root)
    return problems


def check_folder_renderings(root: Path, courses) -> list[Problem]:
    """Check the English texts of every YAML file under root/<course>/ (banks/ too) against that
    course's glossary: the quizzes and exercises folders keep to the lessons' renderings."""
    problems: list[Problem] = []
    for course in courses:
        folder = root / course.slug
        if not course.glossary or not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.yaml")):
            shown = str(path.relative_to(root.parent))
            text = path.read_text("utf-8").replace("\r\n", "\n").lstrip("\ufeff")
            problems += check_yaml_renderings(text, shown, course.glossary)
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
    files = sorted(p for p in folder.iterdir() if p.suffix == ".md" and not PAGE_FILE.match(p.name))
    siblings = {p.name for p in files}
    glossary: tuple[dict, ...] = ()
    if (folder / GLOSSARY_FILE).exists():
        glossary, found = load_glossary(folder / GLOSSARY_FILE, rel(folder / GLOSSARY_FILE))
        problems += found
    pages, found = load_pages(folder, rel, siblings, media)
    problems += found
    problems += check_renderings(course_path.read_text("utf-8"), cp, glossary)
    for name in COURSE_PAGES:
        if name in pages:
            english = folder / f"{name}.en.md"
            if english.exists():
                problems += check_renderings(english.read_text("utf-8"), rel(english), glossary)
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
        zh, settings, body_line, lp = parse_lesson_text(
            path.read_text("utf-8"), rel(path), original=True
        )
        problems += lp
        refs: list[CheckRef] = []
        if zh:
            problems += check_links(zh.body, body_line, rel(path), siblings, media)
            refs += check_refs(zh.body, body_line, rel(path), problems)
        en = None
        en_path = path.with_name(path.name[:-3] + ".en.md")
        if en_path.exists():
            en, _, en_line, ep = parse_lesson_text(
                en_path.read_text("utf-8"), rel(en_path), original=False
            )
            problems += ep
            if en:
                problems += check_links(en.body, en_line, rel(en_path), siblings, media)
                problems += check_renderings(en_path.read_text("utf-8"), rel(en_path), glossary)
                en_refs = check_refs(en.body, en_line, rel(en_path), problems)
                if zh:
                    problems += same_checks(refs, en_refs, rel(en_path), en_line)
                refs += en_refs
        if zh:
            lessons[slug] = LessonSource(
                slug,
                int(match["number"]),
                settings["minutes"],
                zh,
                en,
                check_tries=settings["check_tries"],
                check_refs=tuple(refs),
            )

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
            pages=pages,
            glossary=glossary,
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
