"""A course's own pages: the introduction with its completion rule, the glossary, and the
instructor's guide that only those who teach or edit the course may read."""

import sqlalchemy as sa

from courseware.courses.models import Course, course_editor
from courseware.db import db
from courseware.progress.models import CourseAssignment
from courseware.roles import Role
from courseware.timeutil import utcnow

GLOSSARY = """\
terms:
  - zh: 同学们
    en: students
    avoid: [classmates]
    note: {zh: 蔡奇对网友的称呼。, en: How Cai Qi addressed internet users.}
  - zh: 学时
    en: credit hours
"""


def add_pages(lessons_dir):
    (lessons_dir / "intro.md").write_text("### 课程依据\n\n本课程依据一篇报道。\n", "utf-8")
    (lessons_dir / "intro.en.md").write_text(
        "### Sources\n\nThe course is based on a report.\n", "utf-8"
    )
    (lessons_dir / "guide.md").write_text(
        "## 讨论题参考要点\n\n见[第二课](02-second.md)。\n\n![图](media/chart.png)\n", "utf-8"
    )
    (lessons_dir / "media").mkdir()
    (lessons_dir / "media" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (lessons_dir / "glossary.yaml").write_text(GLOSSARY, "utf-8")


def assign(app, cohort_id):
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        today = utcnow().date()
        db.session.add(
            CourseAssignment(
                cohort_id=cohort_id, course_id=course.id, starts_on=today, due_on=today
            )
        )
        db.session.commit()


def signed_in(app, username):
    from tests.conftest import Auth

    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def test_the_introduction_states_the_completion_rule_and_where_the_learner_stands(
    app, full_course, lessons_dir, sync, make_user
):
    add_pages(lessons_dir)
    sync()
    make_user(username="zhang")
    client = signed_in(app, "zhang")
    page = client.get("/courses/test-course/about").get_data(as_text=True)
    assert "课程介绍" in page and "本课程依据一篇报道" in page
    # The rule as course.yaml says: every lesson, the quiz passed, the exercise at its pass score.
    assert "读完全部 2 课" in page and "已完成 0 / 2" in page
    assert "通过测验《小测》" in page and "及格线 50%" in page  # the quiz's own pass mark
    assert "完成演练《演练：抢盐》，得分不低于 60 分" in page
    assert "2 学时计入你的培训记录" in page
    course = client.get("/courses/test-course").get_data(as_text=True)
    assert 'href="/courses/test-course/about"' in course
    assert 'href="/courses/test-course/glossary"' in course
    assert "/teach/courses/test-course/guide" not in course  # a learner is not shown the guide


def test_the_introduction_in_english_and_a_rule_naming_some_lessons(
    app, lessons_dir, sync, make_user
):
    add_pages(lessons_dir)
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace("  lessons: all\n", "  lessons: [second]\n"),
        "utf-8",
    )
    sync()
    make_user(username="smith", locale="en")
    client = signed_in(app, "smith")
    page = client.get("/courses/test-course/about").get_data(as_text=True)
    assert "The course is based on a report." in page and "本课程依据" not in page
    assert "Read this lesson to the end:" in page and "第二课" in page
    assert "Read all" not in page


def test_the_glossary_lists_each_term_in_both_languages(app, lessons_dir, sync, make_user):
    add_pages(lessons_dir)
    sync()
    make_user(username="zhang")
    client = signed_in(app, "zhang")
    page = client.get("/courses/test-course/glossary").get_data(as_text=True)
    assert "术语表" in page and "同学们" in page and "students" in page
    assert "蔡奇对网友的称呼。" in page and "credit hours" in page


def test_a_course_without_a_glossary_or_guide_has_no_such_pages(app, lessons_dir, sync, make_user):
    sync()
    make_user(username="zhang")
    make_user(Role.ADMIN, username="prov")
    assert signed_in(app, "zhang").get("/courses/test-course/glossary").status_code == 404
    assert signed_in(app, "prov").get("/teach/courses/test-course/guide").status_code == 404


def test_the_guide_is_served_to_the_courses_instructor_and_refused_to_a_learner(
    app, lessons_dir, sync, make_user, make_class
):
    add_pages(lessons_dir)
    sync()
    teacher = make_user(Role.INSTRUCTOR, username="teacher")
    make_user(Role.INSTRUCTOR, username="other")
    learner = make_user(username="zhang")
    assign(app, make_class([teacher], [learner]))
    client = signed_in(app, "teacher")
    response = client.get("/teach/courses/test-course/guide")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "教学指导" in page and "讨论题参考要点" in page and "学员看不到本页" in page
    # Links and images in the guide lead to the course's lessons and media, as in a lesson.
    assert 'href="/courses/test-course/second"' in page
    assert 'src="/courses/test-course/media/chart.png"' in page
    assert 'href="/teach/courses/test-course/guide"' in client.get("/courses/test-course").get_data(
        as_text=True
    )
    # A learner of the class is refused; so is an instructor whose classes do not take the course.
    assert signed_in(app, "zhang").get("/teach/courses/test-course/guide").status_code == 403
    assert signed_in(app, "other").get("/teach/courses/test-course/guide").status_code == 404


def test_the_guide_is_served_to_the_courses_editor(app, lessons_dir, sync, make_user):
    add_pages(lessons_dir)
    sync()
    editor = make_user(Role.INSTRUCTOR, username="editor")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        db.session.execute(course_editor.insert().values(course_id=course.id, user_id=editor))
        db.session.commit()
    client = signed_in(app, "editor")
    assert client.get("/teach/courses/test-course/guide").status_code == 200
