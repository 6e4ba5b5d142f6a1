"""The course 微博与领导工作 as its files stand: every lesson ends with a summary, the figures come in
both languages, the glossary names the shared terms, and the instructor's guide accounts for the
8 学时 and answers every question for discussion."""

import re
from pathlib import Path

import pytest
import yaml

from courseware.content.checks import check_names
from courseware.content.files import load_courses

ROOT = Path(__file__).resolve().parents[2]
SLUG = "microblogging-and-leadership"
NUMERALS = "一二三四五六七八九十"
# The terms the lessons, quizzes and exercises must render alike.
SHARED_TERMS = ("公安厅", "听众", "网友", "政务微博", "干部", "学时", "同学们")


@pytest.fixture(scope="module")
def course():
    def exists(kind, course, slug):
        folder = "quizzes" if kind == "quiz" else "exercises"
        return (ROOT / folder / course / f"{slug}.yaml").exists()

    courses, problems = load_courses(ROOT / "lessons", exists)
    assert [str(p) for p in problems] == []
    return next(c for c in courses if c.slug == SLUG)


def sections(body: str, level: str = "## ") -> dict[str, str]:
    """The body's sections by heading, at one heading level."""
    parts = re.split(rf"^{re.escape(level)}(.+)$", body, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def numbered(text: str) -> int:
    return len(re.findall(r"^\d+\. ", text, flags=re.M))


def test_every_lesson_ends_with_a_summary_in_both_languages(course):
    for lesson in course.lessons:
        for text, heading in ((lesson.zh, "小结"), (lesson.en, "Summary")):
            headings = re.findall(r"^## (.+)$", text.body, flags=re.M)
            assert headings[-1] == heading, (lesson.slug, headings)
            assert sections(text.body)[heading].count("\n- ") >= 3, lesson.slug


def test_each_figure_has_both_languages_and_alt_text_in_each(course):
    images = re.compile(r"!\[([^\]]*)\]\(media/([\w.-]+)\.(zh|en)\.png\)")
    seen = set()
    for lesson in course.lessons:
        zh = {(name, alt) for alt, name, lang in images.findall(lesson.zh.body) if lang == "zh"}
        en = {(name, alt) for alt, name, lang in images.findall(lesson.en.body) if lang == "en"}
        assert {n for n, _ in zh} == {n for n, _ in en}, lesson.slug
        assert all(len(alt) > 40 for _, alt in zh | en), lesson.slug
        seen |= {n for n, _ in zh}
    assert seen == {"timeline", "two-kinds-of-accounts", "good-and-bad-reply"}
    assert {f"{n}.{lang}.png" for n in seen for lang in ("zh", "en")} <= course.media


def test_the_glossary_gives_one_rendering_for_each_shared_term(course):
    terms = {term["zh"]: term for term in course.glossary}
    assert set(SHARED_TERMS) <= set(terms)
    assert terms["同学们"]["en"] == "students" and "classmates" in terms["同学们"]["avoid"]
    assert all(term["en"] for term in course.glossary)


def test_the_course_has_an_introduction_and_a_guide_in_both_languages(course):
    assert set(course.pages) == {"intro", "guide"}
    assert all(course.pages[name]["zh"] and course.pages[name]["en"] for name in course.pages)
    # The introduction says the case is of 2011 and points to the question about what changed.
    assert "2011年" in course.pages["intro"]["zh"] and "时任" in course.pages["intro"]["zh"]


def discussion_counts(course) -> list[tuple[int, int]]:
    """Questions for discussion per lesson, in Chinese and English."""
    return [
        (
            numbered(sections(lesson.zh.body)["讨论题"]),
            numbered(sections(lesson.en.body)["Questions for discussion"]),
        )
        for lesson in course.lessons
    ]


def test_the_guide_has_answer_points_for_every_question_for_discussion(course):
    zh = sections(sections(course.pages["guide"]["zh"])["讨论题参考要点"], "### ")
    en = sections(
        sections(course.pages["guide"]["en"])["Answer points for the questions for discussion"],
        "### ",
    )
    for number, (zh_count, en_count) in enumerate(discussion_counts(course), start=1):
        assert zh_count == en_count >= 3
        assert numbered(zh[f"第{NUMERALS[number - 1]}课"]) == zh_count, number
        assert numbered(en[f"Lesson {number}"]) == en_count, number
    assert len(zh) == len(en) == len(course.lessons)


def minutes_in(cell: str) -> int:
    return sum(int(n) for n in re.findall(r"\d+", cell))


@pytest.mark.parametrize(
    "language, reading, quiz, total",
    [
        ("zh", "阅读与思考", "结业测验", "合计"),
        ("en", "Reading and reflection", "Final quiz", "Total"),
    ],
)
def test_the_guides_timetable_accounts_for_every_credit_hour(
    course, language, reading, quiz, total
):
    guide = course.pages["guide"][language]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in guide.splitlines()
        if line.startswith("| ") and not line.startswith("|---")
    ]
    plan = [row for row in rows if len(row) == 3 and re.fullmatch(r"[\d +]+", row[2])]
    kinds = {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[1].isdigit()}
    # 45 minutes a credit hour, as the guide says: the plan fills all 8 and its kinds add up.
    hours = course.credit_hours
    assert sum(minutes_in(row[2]) for row in plan) == hours * 45
    assert kinds[next(k for k in kinds if k.startswith(total))] == hours * 45
    assert sum(v for k, v in kinds.items() if not k.startswith(total)) == hours * 45
    # Each half-day's table fills its 4 credit hours.
    halves = [part for heading, part in sections(guide, "### ").items() if "180" in heading]
    assert len(halves) == 2
    for part in halves:
        table = [line.strip("|").split("|") for line in part.splitlines() if line.startswith("| ")]
        cells = [row[2].strip() for row in table if len(row) == 3]
        assert sum(minutes_in(c) for c in cells if re.fullmatch(r"[\d +]+", c)) == 4 * 45
    # Reading time is the lessons' own minutes, lesson by lesson.
    lesson_rows = [row for row in plan if re.search(r"(第.课|Lesson \d)", row[0]) and "+" in row[2]]
    assert [int(row[2].split("+")[0]) for row in lesson_rows] == [
        lesson.minutes for lesson in course.lessons
    ]
    assert kinds[next(k for k in kinds if k.startswith(reading))] == sum(
        lesson.minutes for lesson in course.lessons
    )
    # The final quiz's slot is its time limit.
    final = yaml.safe_load((ROOT / "quizzes" / SLUG / "final.yaml").read_text("utf-8"))
    (final_row,) = [row for row in plan if row[0].startswith(quiz)]
    assert minutes_in(final_row[2]) == final["time_limit"]


def test_every_lesson_asks_a_question_of_its_own_in_both_languages(course):
    """Each lesson places at least one check (随堂测验), the same in Chinese and English, and each
    asks a question the computer grades from the course's quiz on that lesson."""
    for lesson in course.lessons:
        names = check_names(lesson.zh.body)
        assert names, lesson.slug
        assert check_names(lesson.en.body) == names, lesson.slug
        quiz = yaml.safe_load((ROOT / "quizzes" / SLUG / f"check-{lesson.slug}.yaml").read_text())
        graded = {q["id"] for q in quiz["questions"] if q["type"] not in ("essay", "description")}
        assert set(names) <= graded, lesson.slug
