"""The first course's quizzes: a check after every lesson, and a final whose draws cover every lesson."""

import re
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from courseware.content.files import load_courses
from courseware.quizzes.files import load_all_quizzes
from courseware.quizzes.questions import TYPES

REPO = Path(__file__).resolve().parents[2]
COURSE = "microblogging-and-leadership"
NUMERALS = "一二三四五六七八九十"


@cache  # the files are read once for all the tests here; no test changes what it gets
def course_quizzes():
    courses, problems = load_courses(REPO / "lessons", lambda kind, course, slug: True)
    assert [str(p) for p in problems] == []
    lessons = {c.slug: {lesson.slug for lesson in c.lessons} for c in courses}
    found, problems = load_all_quizzes(REPO / "quizzes", ZoneInfo("Asia/Shanghai"), lessons)
    assert [str(p) for p in problems] == []
    return next(c for c in found if c.course == COURSE)


def lessons_in_order() -> list[str]:
    """The course's lessons as course.yaml lists them: lesson N is the N-th."""
    course = yaml.safe_load((REPO / "lessons" / COURSE / "course.yaml").read_text("utf-8"))
    return [item["lesson"] for item in course["items"] if "lesson" in item]


def test_the_first_course_quizzes_load_and_cover_every_type():
    course = course_quizzes()
    quizzes = {q.slug: q for q in course.quizzes}
    for lesson in lessons_in_order():
        check = quizzes[f"check-{lesson}"]
        assert check.lesson == lesson
        scored = [q for q in check.questions if q.type != "description"]
        assert len(scored) == 5
    assert {q.type for q in course.questions} == set(TYPES)
    # Chinese with an English translation, and an explanation citing the lesson, everywhere.
    for question in course.questions:
        assert question.text["zh"] and question.text["en"], question.name
        if question.type != "description":
            assert question.explanation["zh"] and question.explanation["en"], question.name


def test_the_final_draws_from_every_lesson():
    """Three questions from each lesson's own category and one that joins lessons: no attempt of
    the final can miss a lesson, whatever its draw."""
    course = course_quizzes()
    lessons = lessons_in_order()
    assert len(lessons) == 8
    final = next(q for q in course.quizzes if q.slug == "final")
    draws = {slot["category"]: slot["draw"] for slot in final.slots}
    assert all("draw" in slot for slot in final.slots)
    assert len(draws) == len(final.slots)  # no category drawn twice
    by_category: dict[str, list] = {}
    for question in course.questions:
        by_category.setdefault(question.category, []).append(question)
    for number, lesson in enumerate(lessons, start=1):
        category = f"final-{lesson}"
        assert draws.get(category) == 3, lesson
        bank = by_category[category]
        assert len(bank) >= 4, lesson  # more than the draw, so attempts differ
        # Each question in the lesson's category is about that lesson: its explanation cites it.
        for question in bank:
            assert f"第{NUMERALS[number - 1]}课" in question.explanation["zh"], question.name
            assert f"lesson {number}" in question.explanation["en"], question.name
    assert draws.get("final-whole-course") == 1
    assert len(by_category["final-whole-course"]) >= 2
    assert sum(draws.values()) == 25
    # What the description promises is what the slots do.
    described = final.description["zh"]
    assert f"共{sum(draws.values())}道" in described
    assert f"全部{len(lessons)}课" in described
    assert re.search(r"每课.*抽取3道", described)


def test_the_check_quizzes_and_the_final_share_no_question():
    course = course_quizzes()
    final_categories = {q.category for q in course.questions if q.category.startswith("final-")}
    assert len(final_categories) == 9
    named = {s["question"] for quiz in course.quizzes for s in quiz.slots if "question" in s}
    assert not named & {q.name for q in course.questions if q.category in final_categories}


def test_every_attempt_of_the_final_meets_every_lesson(app, sync):
    """The course synced from the repository: whatever the seed, an attempt of the final holds three
    questions of each lesson's category and one that joins lessons, 25 in all, none twice."""
    import sqlalchemy as sa

    from courseware.db import db
    from courseware.quizzes.attempts import build_layout
    from courseware.quizzes.models import Quiz

    for kind in ("lessons", "quizzes", "exercises"):
        app.config[f"{kind.upper()}_DIR"] = str(REPO / kind)
    sync()
    expected = {f"final-{lesson}": 3 for lesson in lessons_in_order()} | {"final-whole-course": 1}
    with app.app_context():
        final = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "final"))
        drawn = set()
        for seed in range(40):
            layout = build_layout(final, seed)
            names = [record.name for record, _ in layout]
            assert len(names) == len(set(names)) == 25
            counts: dict[str, int] = {}
            for record, _ in layout:
                counts[record.category] = counts.get(record.category, 0) + 1
            assert counts == expected, seed
            drawn |= set(names)
        assert len(drawn) > 25  # attempts differ


def lesson_files(number: int, suffix: str) -> tuple[str, set[str]]:
    """Lesson `number`'s title and the names of its sections (headings and note boxes such as 要点)."""
    path = REPO / "lessons" / COURSE / f"{number:02d}-{lessons_in_order()[number - 1]}{suffix}"
    text = path.read_text("utf-8")
    title = yaml.safe_load(text.split("---\n")[1])["title"]
    names = re.findall(r"^#+ (.+)$", text, flags=re.M) + re.findall(
        r'^!!! \w+ "(.+)"$', text, flags=re.M
    )
    return title, {same_quotes(name.strip().strip('"')) for name in names}


def same_quotes(text: str) -> str:
    """Quotes as citations nest them: “…” inside “…” becomes ‘…’, and ’ reads as '."""
    return re.sub(r"[“”‘’\"]", "'", text).replace("’", "'")


def quiz_files() -> list[Path]:
    folder = REPO / "quizzes" / COURSE
    return sorted([*folder.glob("*.yaml"), *folder.glob("banks/*.yaml")])


def test_each_check_quiz_is_titled_after_its_lesson():
    quizzes = {q.slug: q for q in course_quizzes().quizzes}
    for number, lesson in enumerate(lessons_in_order(), start=1):
        title = quizzes[f"check-{lesson}"].title
        zh, _ = lesson_files(number, ".md")
        en, _ = lesson_files(number, ".en.md")
        assert title["zh"] == f"第{NUMERALS[number - 1]}课小测：" + zh.replace("：", "——")
        en = en[0].lower() + en[1:]
        assert same_quotes(title["en"]) == same_quotes("Check: " + en.replace(": ", " — "))


def test_quiz_explanations_cite_lessons_by_their_titles_and_sections_as_they_stand():
    """第N课《title》“section” and lesson N, “title”: a lesson renamed or a section gone shows here."""
    lessons = {
        n: (lesson_files(n, ".md"), lesson_files(n, ".en.md"))
        for n in range(1, len(lessons_in_order()) + 1)
    }
    wrong, cited = [], 0
    for path in quiz_files():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            where = f"{path.relative_to(REPO)}:{number}"
            for match in re.finditer(r"第(.)课《([^》]+)》((?:“(?:[^”‘]|‘[^’]*’)+”和?)*)", line):
                (title, sections), _ = lessons[NUMERALS.index(match[1]) + 1]
                cited += 1
                if match[2] != title:
                    wrong.append(
                        f"{where}: 《{match[2]}》 is not lesson {match[1]}'s title {title}"
                    )
                for section in re.findall(r"“((?:[^”‘]|‘[^’]*’)+)”", match[3]):
                    if same_quotes(section) not in sections:
                        wrong.append(f"{where}: lesson {match[1]} has no section {section}")
            for match in re.finditer(r"[Ll]esson (\d), “([^”]+)”", line):
                _, (title, _) = lessons[int(match[1])]
                cited += 1
                if same_quotes(match[2]) != same_quotes(title):
                    wrong.append(f"{where}: “{match[2]}” is not lesson {match[1]}'s title {title}")
    assert wrong == []
    assert cited > 100  # the patterns still find the citations
