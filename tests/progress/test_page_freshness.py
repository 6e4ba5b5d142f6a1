"""A course's pages show every change at once, whatever the per-process caches keep: a lesson
published, progress made, another learner, a language switched, a role changed, a scenario's pass
mark changed."""

import re

import sqlalchemy as sa

from courseware.accounts.models import User
from courseware.db import db
from courseware.roles import Role
from tests.conftest import csrf_token, lesson_text
from tests.lessons.test_authoring import staff
from tests.progress.test_completion import complete_lessons, play_exercise
from tests.progress.test_course_pages import add_pages, GLOSSARY, signed_in

COURSE = "/courses/test-course"


def lesson_badges(page: str) -> list[str]:
    """The status of each lesson row of a course page, in order."""
    outline = page.split('<ol class="lesson-list">', 1)[1].split("</ol>", 1)[0]
    rows = re.findall(r'<li>\s*<a href="/courses/test-course/[^"]+">.*?</li>', outline, re.S)
    return [
        "done" if "status-completed" in row else "in progress" if "in-progress" in row else "new"
        for row in rows
    ]


def test_progress_and_a_new_lesson_show_at_once_for_each_learner(
    app, full_course, lessons_dir, sync, make_user
):
    zhang = make_user(username="zhang")
    make_user(username="li")
    mine, theirs = signed_in(app, "zhang"), signed_in(app, "li")
    assert lesson_badges(mine.get(COURSE).get_data(as_text=True)) == ["new", "new"]
    assert lesson_badges(theirs.get(COURSE).get_data(as_text=True)) == ["new", "new"]

    complete_lessons(app, zhang)
    assert lesson_badges(mine.get(COURSE).get_data(as_text=True)) == ["done", "done"]
    assert lesson_badges(theirs.get(COURSE).get_data(as_text=True)) == ["new", "new"]

    (lessons_dir / "03-third.md").write_text(lesson_text("第三课", "第三课正文。"), "utf-8")
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - lesson: second\n", "  - lesson: second\n  - lesson: third\n"
        ),
        "utf-8",
    )
    sync()
    page = mine.get(COURSE).get_data(as_text=True)
    assert "第三课" in page and lesson_badges(page) == ["done", "done", "new"]
    # Where to go on follows: the first lesson not done.
    assert re.search(r'href="/courses/test-course/third">[^<]*第三课', page)
    assert "第三课" in theirs.get(COURSE).get_data(as_text=True)


def test_a_language_switch_and_a_role_change_show_at_once(app, full_course, make_user):
    zhang = make_user(username="zhang")
    client = signed_in(app, "zhang")
    page = client.get(COURSE).get_data(as_text=True)
    assert "第一课" in page and "测试课程" in page
    assert "/completion" not in page  # a learner edits no completion rule

    token = csrf_token(client, COURSE)
    client.post("/language", data={"locale": "en", "next": COURSE, "csrf_token": token})
    page = client.get(COURSE).get_data(as_text=True)
    assert "Lesson one" in page and "Test course" in page and "第一课" not in page
    assert "not started" in page

    with app.app_context():
        db.session.get(User, zhang).role = Role.ADMIN
        db.session.commit()
    assert "/completion" in client.get(COURSE).get_data(as_text=True)


def test_a_new_pass_mark_of_a_scenario_shows_at_once(app, full_course, tmp_path, sync, make_user):
    zhang = make_user(username="zhang")
    client = signed_in(app, "zhang")
    assert play_exercise(app, zhang) >= 60
    assert "得分不低于 60 分" in client.get(f"{COURSE}/about").get_data(as_text=True)
    drill = tmp_path / "exercises" / "test-course" / "drill.yaml"
    drill.write_text(drill.read_text("utf-8") + "min_score: 95\n", "utf-8")
    sync()
    about = client.get(f"{COURSE}/about").get_data(as_text=True)
    assert "得分不低于 95 分" in about and "得分不低于 60 分" not in about
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_a_changed_introduction_and_glossary_show_at_once(app, lessons_dir, sync, make_user):
    add_pages(lessons_dir)
    sync()
    make_user(username="zhang")
    client = signed_in(app, "zhang")
    assert "本课程依据一篇报道" in client.get(f"{COURSE}/about").get_data(as_text=True)
    assert f'href="{COURSE}/glossary"' in client.get(COURSE).get_data(as_text=True)
    assert "同学们" in client.get(f"{COURSE}/glossary").get_data(as_text=True)

    (lessons_dir / "intro.md").write_text("### 课程依据\n\n本课程依据两篇报道。\n", "utf-8")
    (lessons_dir / "glossary.yaml").write_text(
        GLOSSARY.replace("同学们", "网友们").replace("蔡奇对网友的称呼", "对网友的称呼"), "utf-8"
    )
    sync()
    about = client.get(f"{COURSE}/about").get_data(as_text=True)
    assert "本课程依据两篇报道" in about and "一篇报道" not in about
    glossary = client.get(f"{COURSE}/glossary").get_data(as_text=True)
    assert "网友们" in glossary and "同学们" not in glossary

    (lessons_dir / "glossary.yaml").unlink()
    sync()
    assert f'href="{COURSE}/glossary"' not in client.get(COURSE).get_data(as_text=True)
    assert client.get(f"{COURSE}/glossary").status_code == 404


def test_new_titles_of_a_lesson_a_quiz_and_an_exercise_show_at_once(
    app, full_course, lessons_dir, tmp_path, sync, make_user
):
    make_user(username="zhang")
    client = signed_in(app, "zhang")
    page = client.get(COURSE).get_data(as_text=True)
    assert "第一课" in page and "小测" in page and "演练：抢盐" in page
    editor = staff(app, make_user, "t1")
    outline = editor.get("/author/test-course/").get_data(as_text=True)
    assert "小测" in outline and "演练：抢盐" in outline

    first = lessons_dir / "01-first.md"
    first.write_text(first.read_text("utf-8").replace("title: 第一课", "title: 新第一课"), "utf-8")
    quiz = tmp_path / "quizzes" / "test-course" / "check.yaml"
    quiz.write_text(quiz.read_text("utf-8").replace("zh: 小测,", "zh: 新小测,"), "utf-8")
    drill = tmp_path / "exercises" / "test-course" / "drill.yaml"
    drill.write_text(drill.read_text("utf-8").replace("zh: 演练：抢盐,", "zh: 新演练,"), "utf-8")
    sync()
    page = client.get(COURSE).get_data(as_text=True)
    assert "新第一课" in page and "新小测" in page and "新演练" in page
    assert "演练：抢盐" not in page
    outline = editor.get("/author/test-course/").get_data(as_text=True)
    assert "新第一课" in outline and "新小测" in outline and "新演练" in outline
    assert "演练：抢盐" not in outline


def add_entry(user_id, hours, on, kind="external", course_id=None):
    from courseware.progress.models import CreditEntry

    db.session.add(
        CreditEntry(
            user_id=user_id,
            hours=hours,
            earned_on=on,
            kind=kind,
            course_id=course_id,
            note="x",
            entered_by_id=user_id,
        )
    )


def standing_both_ways(user_id, today):
    """The learner's standing summed by the database and from the entries read: they agree."""
    from courseware.progress import ledger

    user = db.session.get(User, user_id)
    read = ledger.quota_standing(user, today, ledger.entries_of(user_id))
    assert read == ledger.quota_standing(user, today)
    return read


def test_a_quota_summed_from_the_entries_read_equals_the_databases_sum(app, make_user):
    import datetime as dt

    today = dt.date(2026, 11, 27)
    county = make_user(username="county", rank_level="county")
    with app.app_context():
        for hours, on in [
            (300.25, dt.date(2022, 6, 1)),
            (260.5, dt.date(2026, 1, 5)),
            (-12.25, dt.date(2026, 2, 1)),  # a reversal
            (100, dt.date(2021, 12, 31)),  # before the period
            (7, dt.date(2026, 11, 28)),  # after today
        ]:
            add_entry(county, hours, on)
        db.session.commit()
        read = standing_both_ways(county, today)
        assert (read.year_total, read.period_total) == (248.25, 548.5)


def test_writing_a_lesson_a_quiz_or_an_exercise_makes_a_new_course_version_and_nothing_else_does(
    app, full_course, make_user
):
    from courseware.courses.models import Course
    from courseware.exercises.models import Exercise
    from courseware.lessons.models import Lesson
    from courseware.quizzes.models import Quiz

    zhang = make_user(username="zhang")

    def version():
        with app.app_context():
            return db.session.scalar(sa.select(Course.updated_at))

    def changes_version(write) -> bool:
        before = version()
        with app.app_context():
            write(lambda model: db.session.scalars(sa.select(model)).first())
            db.session.commit()
        return version() > before

    assert changes_version(lambda first: setattr(first(Quiz), "title", {"zh": "改", "en": "New"}))
    assert changes_version(lambda first: setattr(first(Exercise), "title", {"zh": "改", "en": "X"}))
    assert changes_version(lambda first: setattr(first(Lesson), "position", 9))
    assert not changes_version(lambda first: setattr(db.session.get(User, zhang), "name", "张三"))
    assert not changes_version(lambda first: first(Quiz))  # read, not written


def test_a_quiz_or_exercise_taken_out_in_the_browser_leaves_the_course_page_at_once(
    app, full_course, make_user
):
    from courseware.exercises.models import Exercise
    from courseware.quizzes.models import Quiz
    from courseware.timeutil import utcnow

    make_user(username="zhang")
    client = signed_in(app, "zhang")
    page = client.get(COURSE).get_data(as_text=True)
    assert "小测" in page and "演练：抢盐" in page
    with app.app_context():
        # As the authoring pages do: through the ORM, with no word about the course.
        db.session.scalar(sa.select(Quiz)).archived_at = utcnow()
        db.session.scalar(sa.select(Exercise)).archived_at = utcnow()
        db.session.commit()
    page = client.get(COURSE).get_data(as_text=True)
    assert "小测" not in page and "演练：抢盐" not in page
    about = client.get(f"{COURSE}/about").get_data(as_text=True)
    assert "小测" not in about and "演练：抢盐" not in about


def test_the_required_hours_summed_from_the_entries_read_equal_the_databases_sum(
    app, make_user, make_class
):
    """The entries carry whether a class of the learner's requires their course (必修): a
    course required by one class and elective in another counts, an elective one does not, a
    reversal of a required one is deducted, and other learners' classes change nothing."""
    import datetime as dt

    from courseware.courses.models import Course
    from courseware.progress.models import CourseAssignment

    today = dt.date(2026, 11, 27)
    county = make_user(username="county", rank_level="county")
    other = make_user(username="other")
    mine, second = make_class([], [county]), make_class([], [county])
    theirs = make_class([], [other])
    with app.app_context():
        courses = []
        for slug in ("required-one", "elective-one", "required-elsewhere"):
            course = Course(
                slug=slug,
                title={"zh": slug},
                summary={},
                audience={},
                credit_hours=2.0,
                items=[],
                completion={},
                settings_hash=slug,
            )
            db.session.add(course)
            courses.append(course)
        db.session.flush()
        required, elective, elsewhere = courses
        for cohort, course, requirement in [
            (mine, required, "elective"),
            (second, required, "required"),
            (mine, elective, "elective"),
            (theirs, elsewhere, "required"),
            (mine, elsewhere, "elective"),
        ]:
            db.session.add(
                CourseAssignment(
                    cohort_id=cohort,
                    course_id=course.id,
                    starts_on=today,
                    due_on=today,
                    requirement=requirement,
                )
            )
        for hours, course, kind in [
            (8.0, required, "course"),
            (-3.0, required, "reversal"),
            (5.0, elective, "course"),
            (4.0, elsewhere, "course"),
            (6.0, None, "external"),
        ]:
            add_entry(county, hours, dt.date(2026, 3, 1), kind, course.id if course else None)
        db.session.commit()
        read = standing_both_ways(county, today)
        assert read.required_total == 5.0
        assert read.period_total == 20.0
