"""Quiz and bank files: YAML written back reads the same, and every problem names its file and line.

No database and no app: the readers take text, a folder and a time zone.
"""

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.quizzes.files import load_course_quizzes, parse_bank_yaml, parse_quiz, YAML_FORMATS
from courseware.quizzes.questions import BLANK, Number, Option, Pair, Question
from courseware.quizzes.yaml_io import question_to_yaml, write_bank_yaml

ZONE = ZoneInfo("Asia/Shanghai")

# --- strategies -------------------------------------------------------------------------------

# Pieces that trouble hand-written YAML: quotes, ": ", "#", a leading "-", flow brackets, words YAML
# reads as booleans or numbers, line breaks and tabs.
AWKWARD = [
    "政府微博",
    "“三讲”",
    "人民日报",
    "'",
    '"',
    ": ",
    ":",
    " #",
    "#",
    "- ",
    "-",
    "? ",
    "{",
    "}",
    "[1]",
    "&a",
    "*b",
    "!x",
    "%",
    "@",
    "`",
    "|",
    ">",
    "true",
    "no",
    "null",
    "~",
    "1.5",
    "0x1F",
    "2026-12-01",
    "\n",
    "\n\n",
    "  ",
    "\t",
    "\\",
    "{blank",
    "blank}",
]
fragment = st.one_of(
    st.sampled_from(AWKWARD), st.text(st.characters(blacklist_categories=("Cs",)), max_size=4)
)
# The reader strips texts, so only stripped texts can come back unchanged.
words = st.lists(fragment, min_size=1, max_size=6).map(lambda parts: "".join(parts).strip())
phrase = words.filter(lambda s: s and BLANK not in s)


@st.composite
def required_text(draw, zh=phrase):
    """A text with its Chinese original and, sometimes, an English translation."""
    return {"zh": draw(zh), "en": draw(st.one_of(st.just(""), phrase))}


@st.composite
def optional_text(draw):
    """Feedback and the like: empty, or with either language (or both)."""
    return {"zh": draw(st.one_of(st.just(""), phrase)), "en": draw(st.one_of(st.just(""), phrase))}


def with_blank(parts: tuple) -> str:
    return (parts[0] + BLANK + parts[1]).strip()


blank_sentence = st.tuples(st.one_of(st.just(""), phrase), st.one_of(st.just(""), phrase)).map(
    with_blank
)

# Weights as authors write them, in percent: whole numbers or Moodle's 33.33333.
percents = st.one_of(
    st.integers(-100, 100), st.integers(-10_000_000, 10_000_000).map(lambda n: n / 100_000)
)
weights = percents.map(lambda p: p / 100)
credit = st.one_of(st.just(1.0), st.just(0.0), weights)
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
tolerance = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e6, allow_nan=False))


@st.composite
def options(draw, min_size, default_weight):
    texts = draw(st.lists(required_text(), min_size=min_size, max_size=5))
    # Full credit is drawn often: "correct: true" and the sharing of multiple-choice points hang on it.
    weight = st.one_of(st.just(default_weight), st.just(1.0), weights)
    return [Option(text=t, weight=draw(weight), feedback=draw(optional_text())) for t in texts]


def with_a_correct_option(found: list[Option]) -> list[Option]:
    """Single and multiple questions need at least one option that earns points."""
    if max(o.weight for o in found) <= 0:
        found[0].weight = 1.0
    return found


@st.composite
def numbers(draw):
    values = draw(st.lists(st.tuples(finite, tolerance), min_size=1, max_size=3))
    return [
        Number(value=v, tolerance=t, weight=draw(credit), feedback=draw(optional_text()))
        for v, t in values
    ]


@st.composite
def question(draw, kind):
    """Any question of the type, as files.parse_question would have read it."""
    q = Question(
        type=kind,
        name=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)),
        text=draw(required_text(zh=blank_sentence) if kind == "fill" else required_text()),
        format=draw(st.sampled_from(YAML_FORMATS)),
        points=0.0 if kind == "description" else draw(st.one_of(st.just(1.0), st.floats(0, 1000))),
        explanation=draw(optional_text()),
    )
    if kind == "fill" and q.text["en"]:
        q.text["en"] = draw(blank_sentence)
    if kind in ("single", "multiple"):
        q.options = with_a_correct_option(draw(options(2, 0.0)))
    elif kind == "truefalse":
        q.answer = draw(st.booleans())
        q.feedback_true, q.feedback_false = draw(optional_text()), draw(optional_text())
    elif kind == "short":
        q.options = draw(options(1, 1.0))
    elif kind == "numerical":
        q.numbers = draw(numbers())
    elif kind == "matching":
        real = draw(st.lists(st.tuples(required_text(), required_text()), min_size=2, max_size=4))
        distractors = draw(st.lists(required_text(), max_size=2))
        # The reader puts distractors (an empty left side) after the pairs.
        q.pairs = [Pair(left=left, right=right) for left, right in real]
        q.pairs += [Pair(left={"zh": "", "en": ""}, right=right) for right in distractors]
    elif kind == "ordering":
        q.items = draw(st.lists(required_text(), min_size=2, max_size=5))
    elif kind == "fill":
        q.fill_choices = draw(st.booleans())
        q.options = draw(options(2, 0.0)) if q.fill_choices else draw(options(1, 1.0))
    elif kind == "essay":
        q.guide = draw(optional_text())
    return q


KINDS = (
    "single",
    "multiple",
    "truefalse",
    "short",
    "numerical",
    "matching",
    "ordering",
    "fill",
    "essay",
    "description",
)
any_question = st.sampled_from(KINDS).flatmap(question)
categories = phrase  # the reader strips the category too


def read_back(questions: list[Question], category: str) -> list[Question]:
    found, problems = parse_bank_yaml(write_bank_yaml(questions, category), "x.yaml")
    assert [str(p) for p in problems] == []
    return found


def in_category(questions: list[Question], category: str) -> list[Question]:
    for q in questions:
        q.category = category
    return questions


# --- (a) round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_each_question_type_reads_back_the_same(kind, data):
    q = data.draw(question(kind))
    category = data.draw(categories)
    assert read_back([q], category) == in_category([q], category)


@settings(max_examples=80, deadline=None)
@given(
    questions=st.lists(any_question, min_size=1, max_size=6, unique_by=lambda q: q.name),
    category=categories,
)
def test_a_bank_of_mixed_questions_reads_back_the_same(questions, category):
    assert read_back(questions, category) == in_category(questions, category)


@settings(max_examples=60, deadline=None)
@given(bounds=st.lists(finite, min_size=2, max_size=2).map(sorted))
def test_a_range_reads_back_as_the_same_answer_and_tolerance(bounds):
    low, high = bounds
    # Dumped by PyYAML, because YAML 1.1 reads 1e-05 (no dot) as a string.
    bank = {
        "category": "c",
        "questions": [{"id": "n", "type": "numerical", "text": "几？", "min": low, "max": high}],
    }
    first, problems = parse_bank_yaml(yaml.safe_dump(bank, allow_unicode=True), "x.yaml")
    assert problems == []
    number = first[0].numbers[0]
    assert number.value - number.tolerance == pytest.approx(low, abs=1e-3)
    assert number.value + number.tolerance == pytest.approx(high, abs=1e-3)
    assert read_back(first, "c") == first


def test_the_yaml_is_what_an_author_would_write():
    q = Question(
        type="single",
        name="three-speaks",
        text={"zh": "哪“三讲”？", "en": "Which three?"},
        options=[
            Option(text={"zh": "早讲话", "en": ""}, weight=1.0),
            Option(text={"zh": "晚讲话", "en": ""}, weight=0.0, feedback={"zh": "不对", "en": ""}),
            Option(text={"zh": "讲一半", "en": ""}, weight=0.07),
        ],
    )
    assert question_to_yaml(q) == {
        "id": "three-speaks",
        "type": "single",
        "text": {"zh": "哪“三讲”？", "en": "Which three?"},
        "options": [
            {"text": "早讲话", "correct": True},
            {"text": "晚讲话", "feedback": "不对"},
            {"text": "讲一半", "weight": 7},
        ],
    }


def test_multiple_choice_weights_are_written_out():
    # Unweighted correct options would share the points on reading: 100 and 50 would become 50 and 50.
    q = Question(
        type="multiple",
        name="m",
        text={"zh": "选", "en": ""},
        options=[
            Option(text={"zh": "甲", "en": ""}, weight=1.0),
            Option(text={"zh": "乙", "en": ""}, weight=0.5),
            Option(text={"zh": "丙", "en": ""}, weight=-0.5),
            Option(text={"zh": "丁", "en": ""}, weight=0.0),
        ],
    )
    written = question_to_yaml(q)["options"]
    assert [o.get("weight") for o in written] == [100, 50, -50, None]
    assert "correct" not in str(written)


def test_numerical_is_inline_for_one_plain_answer_and_a_list_otherwise():
    one = Question(
        type="numerical", name="n", text={"zh": "几？", "en": ""}, numbers=[Number(3.5, 0.1)]
    )
    assert question_to_yaml(one) == {
        "id": "n",
        "type": "numerical",
        "text": "几？",
        "answer": 3.5,
        "tolerance": 0.1,
    }
    weighted = Question(
        type="numerical", name="n", text={"zh": "几？", "en": ""}, numbers=[Number(3.0, 0.0, 0.5)]
    )
    assert question_to_yaml(weighted)["answers"] == [{"answer": 3, "weight": 50}]


def test_gift_format_is_exported_as_plain():
    q = Question(type="essay", name="e", text={"zh": "谈谈", "en": ""}, format="moodle", points=5.0)
    written = question_to_yaml(q)
    assert written == {"id": "e", "type": "essay", "text": "谈谈", "format": "plain", "points": 5}
    [back] = read_back([q], "gift")
    assert back.format == "plain"


def test_long_lines_are_not_folded():
    q = Question(
        type="description",
        name="d",
        text={"zh": "长" * 500 + " " + "文" * 500, "en": ""},
        points=0.0,
    )
    written = write_bank_yaml([q], "c")
    assert len(written.splitlines()) == 5
    assert yaml.safe_load(written)["questions"][0]["text"] == q.text["zh"]


# --- (b) problems with file and line ----------------------------------------------------------

QUIZ = """\
title: 小测
lesson: first
opens: 2026-12-01 09:00
closes: 2026-12-31 18:00
questions:
  - id: three-speaks
    type: single
    text: 政府微博应当做到哪“三讲”？
    options:
      - text: 早讲话、会讲话、讲实话
        correct: true
      - text: 多讲话
  - draw: 2
    from: final
"""
BANK = """\
category: final
questions:
  - id: bank-one
    type: truefalse
    text: 微博要早讲话。
    answer: true
  - id: bank-two
    type: fill
    text: 政府要讲{blank}话。
    answers: [实]
"""
TYPES = (
    "single, multiple, truefalse, short, numerical, matching, ordering, fill, essay, description"
)


def write_course(tmp_path: Path, files: dict) -> Path:
    """quizzes/c/ with the quiz and bank above, changed or added to by `files`."""
    folder = tmp_path / "quizzes" / "c"
    (folder / "banks").mkdir(parents=True)
    for name, text in {"check.yaml": QUIZ, "banks/final.yaml": BANK, **files}.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def load(tmp_path: Path, files: dict):
    folder = write_course(tmp_path, files)
    return load_course_quizzes(folder, folder.parent, ZONE, lesson_slugs={"first"})


def changed(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"check.yaml": changed(QUIZ, "type: single", "type: singel")},
            f"quizzes/c/check.yaml:7: unknown question type 'singel'; one of: {TYPES}",
        ),
        (
            {
                "check.yaml": changed(
                    QUIZ, "  - id: three-speaks\n    type: single", "  - type: single"
                )
            },
            "quizzes/c/check.yaml:6: a question needs an id of lowercase letters, digits and hyphens",
        ),
        (
            {"check.yaml": changed(QUIZ, "id: three-speaks", "id: Three_Speaks")},
            "quizzes/c/check.yaml:6: a question needs an id of lowercase letters, digits and hyphens",
        ),
        (
            {"later.yaml": changed(QUIZ, "  - draw: 2\n    from: final\n", "")},
            "quizzes/c/later.yaml:6: question id three-speaks is used twice (also in quizzes/c/check.yaml)",
        ),
        (
            {"banks/final.yaml": changed(BANK, "讲{blank}话", "讲实话")},
            "quizzes/c/banks/final.yaml:9: the zh text must contain {blank} exactly once",
        ),
        (
            {
                "banks/final.yaml": changed(
                    BANK, "answers: [实]", "answers: [实]\n    options: [甲, 乙]"
                )
            },
            "quizzes/c/banks/final.yaml:7: a fill question has either answers (typed) or options (chosen)",
        ),
        (
            {"check.yaml": changed(QUIZ, "        correct: true\n", "")},
            "quizzes/c/check.yaml:9: no option is marked correct",
        ),
        (
            {"check.yaml": changed(QUIZ, "draw: 2", "draw: 3")},
            "quizzes/c/check.yaml:13: draw 3 from final: the category has 2 questions",
        ),
        (
            {"check.yaml": changed(QUIZ, "from: final", "from: midterm")},
            "quizzes/c/check.yaml:13: draw 2 from midterm: the category has 0 questions",
        ),
        (
            {
                "check.yaml": changed(QUIZ, "draw: 2", "draw: 3"),
                "banks/final.yaml": BANK + "  - id: intro\n    type: description\n    text: 说明\n",
            },
            "quizzes/c/check.yaml:13: draw 3 from final: the category has 2 questions",
        ),
        (
            {"check.yaml": changed(QUIZ, "opens: 2026-12-01 09:00", "opens: 2026-13-01 09:00")},
            "quizzes/c/check.yaml:3: opens must be a date and time such as 2026-12-01 09:00",
        ),
        (
            {"check.yaml": changed(QUIZ, "closes: 2026-12-31 18:00", "closes: next friday")},
            "quizzes/c/check.yaml:4: closes must be a date and time such as 2026-12-01 09:00",
        ),
        (
            {"check.yaml": changed(QUIZ, "closes: 2026-12-31 18:00", "closes: 2026-11-30 18:00")},
            "quizzes/c/check.yaml:4: closes must be after opens",
        ),
        (
            {"check.yaml": changed(QUIZ, "closes: 2026-12-31 18:00", "closes: 2026-12-01 09:00")},
            "quizzes/c/check.yaml:4: closes must be after opens",
        ),
        (
            {"check.yaml": changed(QUIZ, "    options:", "    hint: 想一想\n    options:")},
            "quizzes/c/check.yaml:9: unknown field 'hint' for a single question",
        ),
        (
            {"check.yaml": changed(QUIZ, "lesson: first", "lesson: first\ntags: [x]")},
            "quizzes/c/check.yaml:3: unknown quiz field 'tags'",
        ),
        (
            {"banks/final.yaml": changed(BANK, "answer: true", "answer: true\n    answers: [对]")},
            "quizzes/c/banks/final.yaml:7: unknown field 'answers' for a truefalse question",
        ),
        (
            {"check.yaml": changed(QUIZ, "lesson: first", "lesson: second")},
            "quizzes/c/check.yaml:2: unknown lesson second",
        ),
        (
            {"check.yaml": changed(QUIZ, "correct: true", "weight: 150")},
            "quizzes/c/check.yaml:11: weight must be between -100 and 100",
        ),
        (
            {"banks/final.yaml": changed(BANK, "answer: true", "answer: 对")},
            "quizzes/c/banks/final.yaml:6: a truefalse question needs answer: true or false",
        ),
        (
            {"check.yaml": changed(QUIZ, "title: 小测", "title: [小测")},
            "quizzes/c/check.yaml:2: bad YAML: expected ',' or ']', but got ':'",
        ),
    ],
)
def test_each_problem_names_file_and_line(tmp_path, files, expected):
    course, problems = load(tmp_path, files)
    assert course is None
    assert expected in [str(p) for p in problems], problems


def test_the_example_course_has_no_problems(tmp_path):
    course, problems = load(tmp_path, {})
    assert problems == []


# --- (c) settings defaults --------------------------------------------------------------------


def test_settings_default_as_the_docs_say():
    text = "title: 小测\nquestions:\n  - id: q\n    type: truefalse\n    text: 对吗？\n    answer: true\n"
    quiz, problems = parse_quiz(text, "q.yaml", "c", "q", ZONE)
    assert problems == []
    assert quiz.lesson is None
    assert quiz.description == {"zh": "", "en": ""}
    assert quiz.settings == {
        "time_limit": 0,  # no limit
        "opens": None,
        "closes": None,
        "attempts": 0,  # unlimited
        "pass_mark": 60,  # percent of the points
        "shuffle_questions": False,
        "shuffle_options": True,
        "review": "immediately",
        "grade": "best",
    }
    assert quiz.questions[0].points == 1.0
    assert quiz.questions[0].format == "markdown"


def test_times_are_read_in_the_servers_zone_and_kept_in_utc():
    quiz, problems = parse_quiz(QUIZ, "q.yaml", "c", "q", ZONE)
    assert problems == []
    assert (quiz.settings["opens"], quiz.settings["closes"]) == (
        "2026-12-01T01:00",
        "2026-12-31T10:00",
    )


# --- (d) a course folder ----------------------------------------------------------------------


def test_a_quiz_draws_from_a_bank_written_by_write_bank_yaml(tmp_path):
    bank_questions, problems = parse_bank_yaml(BANK, "banks/final.yaml")
    assert problems == []
    extra = Question(
        type="short",
        name="bank-three",
        text={"zh": "哪家报纸？", "en": ""},
        options=[Option(text={"zh": "人民日报", "en": "People's Daily"}, weight=1.0)],
    )
    intro = Question(
        type="description", name="intro", text={"zh": "以下各题", "en": ""}, points=0.0
    )
    files = {
        "check.yaml": changed(QUIZ, "draw: 2", "draw: 3"),
        "banks/final.yaml": write_bank_yaml(bank_questions + [extra, intro], "final"),
        "banks/other.yaml": write_bank_yaml(
            [Question(type="essay", name="essay", text={"zh": "谈谈", "en": ""})], "other"
        ),
    }
    course, problems = load(tmp_path, files)
    assert problems == []
    assert course.course == "c"
    [quiz] = course.quizzes
    assert quiz.slug == "check"
    assert quiz.title == {"zh": "小测", "en": ""}
    assert quiz.slots == [{"question": "three-speaks"}, {"draw": 3, "category": "final"}]
    assert [q.name for q in quiz.questions] == ["three-speaks"]
    names = ["three-speaks", "bank-one", "bank-two", "bank-three", "intro", "essay"]
    assert [q.name for q in course.questions] == names
    by_category = {}
    for q in course.questions:
        by_category.setdefault(q.category, []).append(q.name)
    assert by_category == {
        "": ["three-speaks"],
        "final": ["bank-one", "bank-two", "bank-three", "intro"],
        "other": ["essay"],
    }
