"""Read quiz and bank files into plain values, naming every problem as `path:line: message`.

`quizzes/<course>/<quiz>.yaml` holds a quiz's settings and its questions; `banks/*.yaml` and
`banks/*.gift` hold categories of questions to draw from. Nothing here touches the database.
The format is described in docs/quizzes.md.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from courseware.content.files import fingerprint, parse_yaml, Problem, SLUG
from courseware.quizzes.gift import decode_gift, parse_gift
from courseware.quizzes.questions import make_names_unique, Question
from courseware.quizzes.types import question_type, registered_names
from courseware.quizzes.yaml_parts import Reader

__all__ = ["Reader", "load_all_quizzes", "load_course_quizzes", "parse_bank_yaml", "parse_quiz"]

REVIEW_CHOICES = ("immediately", "after_close", "never")
GRADE_CHOICES = ("best", "last")
QUIZ_FIELDS = {
    "title",
    "description",
    "lesson",
    "time_limit",
    "opens",
    "closes",
    "attempts",
    "pass_mark",
    "shuffle_questions",
    "shuffle_options",
    "review",
    "grade",
    "classroom_only",
    "networks",
    "questions",
}
COMMON_FIELDS = {"id", "type", "text", "points", "explanation", "format"}
YAML_FORMATS = ("markdown", "html", "plain")


@dataclass
class QuizSource:
    """A quiz as its file says."""

    course: str
    slug: str
    path: str
    title: dict
    description: dict
    lesson: str | None
    settings: dict
    # Each slot is {"question": name} or {"draw": n, "category": c}.
    slots: list[dict]
    questions: list[Question] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        return fingerprint(
            {
                "title": self.title,
                "description": self.description,
                "lesson": self.lesson,
                "settings": self.settings,
                "slots": self.slots,
            }
        )


@dataclass
class CourseQuizzes:
    """Everything under quizzes/<course>/: quizzes and every question they may use."""

    course: str
    quizzes: list[QuizSource]
    questions: list[Question]
    # The names banks give their categories ({zh, en}), by category.
    category_names: dict[str, dict] = field(default_factory=dict)


def parse_question(reader: Reader, data, key: tuple, category: str) -> Question | None:
    """One question from its YAML mapping, or None with the problems noted; its type reads the
    fields that are its own."""
    if not isinstance(data, dict):
        reader.problem(key, "a question is a mapping with id, type and text")
        return None
    name = data.get("type")
    kind = question_type(name) if isinstance(name, str) else None
    if kind is None:
        reader.problem(
            key + ("type",),
            f"unknown question type {name!r}; one of: {', '.join(registered_names())}",
        )
        return None
    name = data.get("id")
    if not isinstance(name, str) or not SLUG.match(name):
        reader.problem(
            key + ("id",), "a question needs an id of lowercase letters, digits and hyphens"
        )
        return None
    for extra in sorted(set(data) - COMMON_FIELDS - kind.yaml_fields, key=str):
        reader.problem(key + (extra,), f"unknown field {extra!r} for a {kind.name} question")
    fmt = data.get("format", "markdown")
    if fmt not in YAML_FORMATS:
        reader.problem(key + ("format",), f"format must be one of {', '.join(YAML_FORMATS)}")
    points = (
        reader.number(data.get("points", 1), key + ("points",), "points", 0, 1000)
        if kind.scored
        else 0.0
    )
    question = Question(
        type=kind.name,
        name=name,
        text=reader.text(data.get("text"), key + ("text",)),
        format=fmt if fmt in YAML_FORMATS else "markdown",
        category=category,
        points=float(points or 0),
        explanation=reader.text(data.get("explanation"), key + ("explanation",), required=False),
    )
    before = len(reader.problems)
    kind.read_yaml(reader, data, key, question)
    return question if len(reader.problems) == before else None


# --- quizzes and banks ------------------------------------------------------------------------


def _local_time(reader: Reader, value, key: tuple, zone: ZoneInfo):
    """A time written in the server's zone, stored as naive UTC like every time in the database."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            reader.problem(key, f"{key[-1]} must be a date and time such as 2026-12-01 09:00")
            return None
    if not isinstance(value, dt.datetime):
        reader.problem(key, f"{key[-1]} must be a date and time such as 2026-12-01 09:00")
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="minutes")


def _networks(reader: Reader, value) -> list[str]:
    """The networks a quiz may be taken from, as CIDR blocks (192.168.10.0/24) or addresses."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        reader.problem(("networks",), "networks must be a list such as [192.168.10.0/24]")
        return []
    found = []
    for index, item in enumerate(value):
        try:
            found.append(str(ipaddress.ip_network(str(item).strip(), strict=False)))
        except ValueError:
            reader.problem(
                ("networks", index),
                f"networks: {item!r} is not a network such as 192.168.10.0/24 or an address",
            )
    return found


def _settings(reader: Reader, data: dict, zone: ZoneInfo) -> dict:
    def choice(name, choices, default):
        value = data.get(name, default)
        if value not in choices:
            reader.problem((name,), f"{name} must be one of: {', '.join(choices)}")
            return default
        return value

    def flag(name, default):
        value = data.get(name, default)
        if not isinstance(value, bool):
            reader.problem((name,), f"{name} must be true or false")
            return default
        return value

    settings = {
        "time_limit": reader.number(
            data.get("time_limit", 0), ("time_limit",), "time_limit", 0, 24 * 60, whole=True
        )
        or 0,
        "opens": _local_time(reader, data.get("opens"), ("opens",), zone),
        "closes": _local_time(reader, data.get("closes"), ("closes",), zone),
        "attempts": reader.number(
            data.get("attempts", 0), ("attempts",), "attempts", 0, 100, whole=True
        )
        or 0,
        "pass_mark": reader.number(data.get("pass_mark", 60), ("pass_mark",), "pass_mark", 0, 100),
        "shuffle_questions": flag("shuffle_questions", False),
        "shuffle_options": flag("shuffle_options", True),
        "review": choice("review", REVIEW_CHOICES, "immediately"),
        "grade": choice("grade", GRADE_CHOICES, "best"),
    }
    # Locked to the room: only during a class session of the quiz's class, and (optionally) only
    # from the listed networks, as Moodle's "requires network address".
    if data.get("classroom_only") is not None:
        settings["classroom_only"] = flag("classroom_only", False)
    networks = _networks(reader, data.get("networks"))
    if networks:
        settings["networks"] = networks
    if settings["pass_mark"] is None:
        settings["pass_mark"] = 60
    if settings["opens"] and settings["closes"] and settings["opens"] >= settings["closes"]:
        reader.problem(("closes",), "closes must be after opens")
    if settings["review"] == "after_close" and not settings["closes"]:
        reader.problem(("review",), "review after_close needs a closing time (closes)")
    return settings


def parse_quiz(
    text: str, path: str, course: str, slug: str, zone: ZoneInfo
) -> tuple[QuizSource | None, list[Problem]]:
    data, lines, problems = parse_yaml(text, path)
    if problems:
        return None, problems
    reader = Reader(path, lines)
    quiz = read_quiz(reader, data, course, slug, path, zone)
    return (quiz, []) if quiz is not None else (None, reader.problems)


def read_quiz(
    reader: Reader, data, course: str, slug: str, path: str, zone: ZoneInfo
) -> QuizSource | None:
    """A quiz from its mapping (a file's, or a form's in the same shape), or None with every
    problem noted on `reader` under its key: the one definition of a valid quiz."""
    if not isinstance(data, dict):
        reader.problem((), "a quiz file is a mapping of settings and questions")
        return None
    for extra in sorted(set(data) - QUIZ_FIELDS, key=str):
        reader.problem((extra,), f"unknown quiz field {extra!r}")
    title = reader.text(data.get("title"), ("title",))
    description = reader.text(data.get("description"), ("description",), required=False)
    lesson = data.get("lesson")
    if lesson is not None and (not isinstance(lesson, str) or not SLUG.match(lesson)):
        reader.problem(("lesson",), "lesson must be a lesson slug")
        lesson = None
    settings = _settings(reader, data, zone)
    slots, questions = [], []
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        reader.problem(
            ("questions",), "questions must list the quiz's questions (or draw: N from: CATEGORY)"
        )
        raw = []
    for i, entry in enumerate(raw):
        key = ("questions", i)
        if isinstance(entry, dict) and "draw" in entry:
            count = reader.number(entry.get("draw"), key + ("draw",), "draw", 1, 500, whole=True)
            category = entry.get("from")
            if not isinstance(category, str) or not category.strip():
                reader.problem(key + ("from",), "draw needs from: the bank category")
            elif set(entry) - {"draw", "from"}:
                reader.problem(key, "a draw has only draw and from")
            elif count:
                slots.append({"draw": count, "category": category.strip()})
            continue
        if isinstance(entry, dict) and set(entry) == {"question"}:
            # A question of the course's banks (or of another quiz), named by its id.
            name = entry["question"]
            if not isinstance(name, str) or not SLUG.match(name):
                reader.problem(key + ("question",), "question must name a question id")
            elif any(slot.get("question") == name for slot in slots):
                reader.problem(key + ("question",), f"question {name} is in the quiz twice")
            else:
                slots.append({"question": name})
            continue
        question = parse_question(reader, entry, key, category="")
        if question:
            questions.append(question)
            slots.append({"question": question.name})
    if reader.problems:
        return None
    return QuizSource(course, slug, path, title, description, lesson, settings, slots, questions)


def scored_counts(questions) -> dict[str, int]:
    """How many questions that can be drawn (scored ones) each category holds."""
    counts: dict[str, int] = {}
    for q in questions:
        if q.category and question_type(q.type).scored:
            counts[q.category] = counts.get(q.category, 0) + 1
    return counts


def slot_problems(slots: list[dict], names: set[str], counts: dict[str, int]):
    """What is wrong with a quiz's slots given the course's questions: (slot index, field,
    message, details) for a draw asking more than its category holds, a question not found."""
    found = []
    for i, slot in enumerate(slots):
        if "draw" in slot:
            have = counts.get(slot["category"], 0)
            if have < slot["draw"]:
                message = f"draw {slot['draw']} from {slot['category']}: the category has {have} questions"
                found.append((i, "draw", message, {"have": have}))
        elif slot["question"] not in names:
            message = f"question {slot['question']} is in no bank or quiz of this course"
            found.append((i, "question", message, {}))
    return found


def parse_bank_yaml(text: str, path: str) -> tuple[list[Question], list[Problem]]:
    questions, _name, problems = parse_named_bank_yaml(text, path)
    return questions, problems


def parse_named_bank_yaml(
    text: str, path: str
) -> tuple[list[Question], dict | None, list[Problem]]:
    """A bank file's questions, and the name it gives its category ({zh, en}) if it gives one."""
    data, lines, problems = parse_yaml(text, path)
    if problems:
        return [], None, problems
    reader = Reader(path, lines)
    if not isinstance(data, dict):
        reader.problem((), "a bank file is a mapping with category and questions")
        return [], None, reader.problems
    for extra in sorted(set(data) - {"category", "name", "questions"}, key=str):
        reader.problem((extra,), f"unknown bank field {extra!r}")
    name = reader.text(data["name"], ("name",)) if "name" in data else None
    category = data.get("category")
    if not isinstance(category, str) or not category.strip():
        reader.problem(("category",), "a bank needs a category")
        category = ""
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        reader.problem(("questions",), "questions must list the bank's questions")
        raw = []
    questions = [
        q
        for i, e in enumerate(raw)
        if (q := parse_question(reader, e, ("questions", i), category.strip()))
    ]
    return (questions, name, []) if not reader.problems else ([], None, reader.problems)


def parse_bank_file(path: Path, shown: str) -> tuple[list[Question], list[Problem]]:
    """A bank in YAML or GIFT."""
    questions, _name, problems = parse_named_bank_file(path, shown)
    return questions, problems


def parse_named_bank_file(
    path: Path, shown: str
) -> tuple[list[Question], dict | None, list[Problem]]:
    """A bank in YAML or GIFT, and the name a YAML bank gives its category."""
    if path.suffix == ".gift":
        text, problems = decode_gift(path.read_bytes(), shown)
        if problems:
            return [], None, problems
        questions, problems = parse_gift(text, shown)
        make_names_unique(questions)
        return questions, None, problems
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], None, [Problem(shown, 1, "the file must be saved as UTF-8")]
    return parse_named_bank_yaml(text, shown)


def parse_gift_quiz(
    path: Path, shown: str, course: str, zone: ZoneInfo
) -> tuple[QuizSource | None, list[Problem]]:
    """A quiz written in GIFT: its questions in file order, with the default settings and the
    file's name as its title. A question under no `$CATEGORY:` line is in category
    `quiz:<slug>`, so that other quizzes can draw from the quiz's questions."""
    found, problems = parse_bank_file(path, shown)
    if problems:
        return None, problems
    for q in found:
        q.category = q.category or f"quiz:{path.stem}"
    quiz = QuizSource(
        course,
        path.stem,
        shown,
        {"zh": path.stem, "en": ""},
        {"zh": "", "en": ""},
        None,
        _settings(Reader(shown, {}), {}, zone),
        [{"question": q.name} for q in found if q.type],
        found,
    )
    return quiz, []


def load_course_quizzes(
    folder: Path, root: Path, zone: ZoneInfo, lesson_slugs=None
) -> tuple[CourseQuizzes | None, list[Problem]]:
    """Read quizzes/<course>/: every quiz and bank; check ids, draws and lesson references."""

    def rel(p: Path) -> str:
        return str(p.relative_to(root.parent)) if root.parent in p.parents else str(p)

    problems: list[Problem] = []
    quizzes: list[QuizSource] = []
    questions: list[Question] = []
    where: dict[str, str] = {}
    quiz_lines: dict[str, dict] = {}
    category_names: dict[str, dict] = {}

    def add_questions(found: list[Question], shown: str, line_of) -> None:
        for q in found:
            if q.name in where:
                problems.append(
                    Problem(
                        shown,
                        line_of(q),
                        f"question id {q.name} is used twice (also in {where[q.name]})",
                    )
                )
            else:
                where[q.name] = shown
                questions.append(q)

    for path in sorted(folder.glob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        shown = rel(path)
        if path.suffix not in (".yaml", ".gift") or not SLUG.match(path.stem):
            problems.append(
                Problem(shown, 1, "a quiz file is named <quiz-slug>.yaml (banks go in banks/)")
            )
            continue
        if path.suffix == ".gift":
            quiz, found_problems = parse_gift_quiz(path, shown, folder.name, zone)
            problems += found_problems
            if quiz:
                add_questions(quiz.questions, shown, lambda q: 1)
                quizzes.append(quiz)
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(shown, 1, "the file must be saved as UTF-8"))
            continue
        quiz, found_problems = parse_quiz(text, shown, folder.name, path.stem, zone)
        problems += found_problems
        if quiz:
            _, lines, _ = parse_yaml(text, shown)
            quiz_lines[quiz.slug] = lines
            add_questions(
                quiz.questions,
                shown,
                lambda q, lines=lines, quiz=quiz: lines.get(
                    ("questions", _slot_of(quiz, q.name), "id"), 1
                ),
            )
            if quiz.lesson and lesson_slugs is not None and quiz.lesson not in lesson_slugs:
                problems.append(
                    Problem(shown, lines.get(("lesson",), 1), f"unknown lesson {quiz.lesson}")
                )
            quizzes.append(quiz)

    banks = folder / "banks"
    if banks.is_dir():
        for path in sorted(banks.iterdir()):
            shown = rel(path)
            if path.suffix not in (".yaml", ".gift"):
                problems.append(Problem(shown, 1, "a bank file ends in .yaml or .gift"))
                continue
            found, name, found_problems = parse_named_bank_file(path, shown)
            problems += found_problems
            add_questions(found, shown, lambda q: 1)
            if name and found:
                category_names[found[0].category] = name

    categories = scored_counts(questions)
    names = {q.name for q in questions}
    for quiz in quizzes:
        lines = quiz_lines.get(quiz.slug, {})
        for i, name, message, _details in slot_problems(quiz.slots, names, categories):
            line = lines.get(("questions", i, name), lines.get(("questions", i), 1))
            problems.append(Problem(quiz.path, line, message))
    if problems:
        return None, problems
    return CourseQuizzes(folder.name, quizzes, questions, category_names), []


def _slot_of(quiz: QuizSource, name: str) -> int:
    return next((i for i, s in enumerate(quiz.slots) if s.get("question") == name), 0)


def load_all_quizzes(
    root: Path, zone: ZoneInfo, lessons_by_course: dict | None = None
) -> tuple[list[CourseQuizzes], list[Problem]]:
    """Read every course folder under quizzes/."""
    if not root.is_dir():
        return [], []
    found, problems = [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        slugs = None if lessons_by_course is None else lessons_by_course.get(folder.name, set())
        course, course_problems = load_course_quizzes(folder, root, zone, slugs)
        problems += course_problems
        if course:
            found.append(course)
    return found, sorted(problems)
