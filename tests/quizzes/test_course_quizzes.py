"""The first course's quizzes: a check after every lesson and a final drawn from a bank of 40."""

from pathlib import Path
from zoneinfo import ZoneInfo

from courseware.content.files import load_courses
from courseware.quizzes.files import load_all_quizzes
from courseware.quizzes.questions import TYPES

REPO = Path(__file__).resolve().parents[2]


def test_the_first_course_quizzes_load_and_cover_every_type():
    courses, problems = load_courses(REPO / "lessons", lambda kind, course, slug: True)
    lessons = {c.slug: {lesson.slug for lesson in c.lessons} for c in courses}
    found, problems = load_all_quizzes(REPO / "quizzes", ZoneInfo("Asia/Shanghai"), lessons)
    assert [str(p) for p in problems] == []
    course = next(c for c in found if c.course == "microblogging-and-leadership")
    quizzes = {q.slug: q for q in course.quizzes}
    for lesson in lessons["microblogging-and-leadership"]:
        check = quizzes[f"check-{lesson}"]
        assert check.lesson == lesson
        scored = [q for q in check.questions if q.type != "description"]
        assert len(scored) == 5
    final = quizzes["final"]
    assert final.slots == [{"draw": 25, "category": "final"}]
    bank = [q for q in course.questions if q.category == "final"]
    assert len(bank) == 40
    assert {q.type for q in course.questions} == set(TYPES)
    # Chinese with an English translation, and an explanation citing the lesson, everywhere.
    for question in course.questions:
        assert question.text["zh"] and question.text["en"], question.name
        if question.type != "description":
            assert question.explanation["zh"] and question.explanation["en"], question.name
