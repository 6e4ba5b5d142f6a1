"""The course editor: creating a course, its settings (with a cover), its outline ordered by
buttons and by a new order, new lessons placed in it, publishing, archiving — each change audited
and revisioned, a stale save refused with both versions kept, and every page kept to the course's
editors. The catalogue counts exactly the lessons of the outline."""

import io
import re

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent
from courseware.content.files import RESERVED_SLUGS
from courseware.courses.models import Course, CourseRevision
from courseware.db import db
from courseware.lessons.models import Lesson
from tests.courses.conftest import BASE, png, signed_in, token_of

NEW = "/author/courses/new"
COURSE = "/author/test-course/"
SETTINGS = "/author/test-course/settings"
OUTLINE = "/author/test-course/outline"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def new_course_data(page: str, **changes) -> dict:
    data = {
        "csrf_token": token_of(page),
        "slug": "new-course",
        "title_zh": "新课程",
        "title_en": "A new course",
        "summary_zh": "简介。",
        "summary_en": "",
        "audience_zh": "领导干部",
        "audience_en": "",
        "credit_hours": "2",
        "note": "初稿",
    }
    return data | changes


def course_of(app, slug="new-course") -> Course:
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        if course is not None:
            db.session.expunge(course)
        return course


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def outline_of(app, slug="test-course") -> list[list[str]]:
    return course_of(app, slug).items


# --- creating a course ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "changes", "message"),
    [
        ("zh", {"slug": ""}, "请填写课程的简称，例如 microblogs-2026。"),
        ("en", {"slug": ""}, "Give the course a short name, such as microblogs-2026."),
        ("zh", {"slug": "新 课"}, "请使用小写字母、数字和连字符，例如 microblogs-2026。"),
        ("en", {"slug": "courses"}, "Use lowercase letters, digits and hyphens"),
        ("zh", {"slug": "test-course"}, "已有课程使用这个简称（可能已归档）。"),
        ("en", {"slug": "test-course"}, "There is already a course with that short name"),
        ("zh", {"title_zh": " "}, "请填写课程的中文标题。"),
        ("en", {"title_zh": ""}, "Give the course a Chinese title."),
        ("zh", {"credit_hours": ""}, "请填写课程的学时。"),
        ("en", {"credit_hours": ""}, "credit hours (学时)."),
        ("zh", {"credit_hours": "0"}, "学时须为大于 0 且不超过 1000 的数字。"),
        ("en", {"credit_hours": "1001"}, "must be a number above 0 and at most 1000."),
        ("zh", {"credit_hours": "八"}, "学时须为大于 0 且不超过 1000 的数字。"),
        ("zh", {"summary_zh": "长" * 2001}, "最多 2000 个字符。"),
        ("en", {"title_en": "x" * 201}, "At most 200 characters."),
    ],
)
def test_bad_input_on_a_new_course_is_named_in_the_page_language(
    app, make_user, lessons_dir, sync, locale, changes, message
):
    sync()
    auth = signed_in(app, make_user, locale=locale)
    page = auth.client.get(NEW).get_data(as_text=True)
    response = auth.client.post(NEW, data=new_course_data(page, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert course_of(app) is None


@pytest.mark.parametrize(
    ("locale", "message"),
    [("zh", "“logo.png”是 SVG 矢量图"), ("en", "“logo.png” is an SVG drawing")],
)
def test_a_refused_cover_names_the_file_and_creates_nothing(
    app, make_user, lessons_dir, sync, locale, message
):
    sync()
    auth = signed_in(app, make_user, locale=locale)
    page = auth.client.get(NEW).get_data(as_text=True)
    data = new_course_data(page) | {"cover": (io.BytesIO(SVG), "logo.png")}
    response = auth.client.post(NEW, data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert course_of(app) is None


def test_an_instructor_creates_a_course_which_stays_out_of_the_catalogue_until_published(
    app, client, auth, make_user, lessons_dir, sync
):
    sync()
    teacher = signed_in(app, make_user, edits=False)
    page = teacher.client.get(NEW).get_data(as_text=True)
    data = new_course_data(page) | {"cover": (io.BytesIO(png()), "封面.png")}
    response = teacher.client.post(NEW, data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("/author/new-course/")
    course = course_of(app)
    assert course.published_at is None and course.items == [] and course.cover.endswith(".png")
    with app.app_context():
        course = db.session.get(Course, course.id)
        assert [u.username for u in course.editors] == ["t1"]
        (revision,) = db.session.scalars(sa.select(CourseRevision)).all()[-1:]
        assert (revision.change, revision.note, revision.settings["cover"]) == (
            "create",
            "初稿",
            course.cover,
        )
    assert audit_actions(app)[-2:] == ["course.media", "course.create"]
    make_user(username="learner")
    auth.login("learner")
    assert "新课程" not in client.get("/courses/").get_data(as_text=True)
    assert client.get("/courses/new-course").status_code == 404
    # Its completion rule is set before it is published.
    assert teacher.client.get("/teach/courses/new-course/completion").status_code == 200
    # Its editors see its cover; learners do not, until it is published.
    cover_url = f"/courses/new-course/media/{course.cover}"
    assert teacher.client.get(cover_url).status_code == 200
    assert client.get(cover_url).status_code == 404
    teacher.post("/author/new-course/publish", data={"published": "1"})
    catalogue = client.get("/courses/").get_data(as_text=True)
    assert "新课程" in catalogue and cover_url in catalogue
    assert client.get(cover_url).status_code == 200


def test_learners_may_not_create_courses(app, client, auth, make_user, lessons_dir, sync):
    make_user(username="learner")
    auth.login("learner")
    assert client.get(NEW).status_code == 403


# --- settings and their conflicts -------------------------------------------------------------


def settings_form(auth) -> dict:
    page = auth.client.get(SETTINGS).get_data(as_text=True)
    return {
        "csrf_token": token_of(page),
        "base_revision_id": BASE.search(page).group(1),
        "title_zh": "测试课程",
        "title_en": "Test course",
        "summary_zh": "用于测试。",
        "summary_en": "For tests.",
        "audience_zh": "",
        "audience_en": "",
        "credit_hours": "2",
    }


def test_the_second_of_two_concurrent_settings_saves_is_refused_and_both_kept(
    app, make_user, lessons_dir, sync
):
    sync()
    first, second = signed_in(app, make_user, "t1"), signed_in(app, make_user, "t2")
    form_a, form_b = settings_form(first), settings_form(second)
    assert first.client.post(SETTINGS, data=form_a | {"credit_hours": "3"}).status_code == 302
    refused = second.client.post(SETTINGS, data=form_b | {"title_zh": "乙改的标题"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "其他人保存了这门课程" in page
    # Theirs shown beside the form; hers still in the form, as she typed it.
    assert "对方的版本" in page and 'value="乙改的标题"' in page
    course = course_of(app, "test-course")
    assert (course.title["zh"], course.credit_hours) == ("测试课程", 3)
    with app.app_context():
        kept = db.session.scalar(
            sa.select(CourseRevision).where(CourseRevision.status == "conflict")
        )
        assert kept.settings["title"]["zh"] == "乙改的标题"
    assert "course.conflict" in audit_actions(app)
    retry = BASE.search(page).group(1)
    ok = second.client.post(
        SETTINGS, data=form_b | {"base_revision_id": retry, "title_zh": "乙改的标题"}
    )
    assert ok.status_code == 302 and course_of(app, "test-course").title["zh"] == "乙改的标题"


@pytest.mark.parametrize(
    ("locale", "message"), [("zh", "学时须为大于 0"), ("en", "must be a number above 0")]
)
def test_bad_settings_change_nothing(app, make_user, lessons_dir, sync, locale, message):
    sync()
    auth = signed_in(app, make_user, locale=locale)
    response = auth.client.post(SETTINGS, data=settings_form(auth) | {"credit_hours": "-1"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert course_of(app, "test-course").credit_hours == 2


# --- the outline ------------------------------------------------------------------------------


def move(auth, item, direction, base=None):
    page = auth.client.get(COURSE).get_data(as_text=True)
    data = {
        "csrf_token": token_of_page(page),
        "item": item,
        "direction": direction,
        "base_revision_id": BASE.search(page).group(1) if base is None else base,
    }
    return auth.client.post(OUTLINE, data=data)


def token_of_page(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_items_move_up_and_down_by_buttons_that_need_no_script(app, teacher):
    page = teacher.client.get(COURSE).get_data(as_text=True)
    assert 'aria-label="上移“第二课”"' in page and 'aria-label="下移“第一课”"' in page
    response = move(teacher, "lesson:second", "up")
    assert response.status_code == 302 and response.location.endswith("#item-lesson-second")
    assert outline_of(app) == [["lesson", "second"], ["lesson", "first"]]
    with app.app_context():
        positions = dict(db.session.execute(sa.select(Lesson.slug, Lesson.position)).all())
    assert positions == {"second": 0, "first": 1}
    # At the top an item stays where it is.
    move(teacher, "lesson:second", "up")
    assert outline_of(app) == [["lesson", "second"], ["lesson", "first"]]
    assert "course.outline" in audit_actions(app)


def test_a_stale_move_is_refused_and_the_page_says_so(app, make_user, lessons_dir, sync):
    sync()
    first, second = signed_in(app, make_user, "t1"), signed_in(app, make_user, "t2")
    stale = BASE.search(second.client.get(COURSE).get_data(as_text=True)).group(1)
    move(first, "lesson:second", "up")
    response = move(second, "lesson:second", "down", base=stale)
    assert response.status_code == 302
    page = second.client.get(response.location).get_data(as_text=True)
    assert "其他人修改了这门课程" in page
    assert outline_of(app) == [["lesson", "second"], ["lesson", "first"]]


def test_a_new_order_is_taken_whole_or_not_at_all(app, teacher):
    page = teacher.client.get(COURSE).get_data(as_text=True)
    base = BASE.search(page).group(1)
    headers = {"Accept": "application/json", "X-CSRFToken": token_of_page(page)}
    bad = teacher.client.post(
        OUTLINE, data={"order": "lesson:second", "base_revision_id": base}, headers=headers
    )
    assert bad.status_code == 409 and bad.get_json()["ok"] is False
    assert outline_of(app) == [["lesson", "first"], ["lesson", "second"]]
    good = teacher.client.post(
        OUTLINE,
        data={"order": "lesson:second,lesson:first", "base_revision_id": base},
        headers=headers,
    )
    assert good.status_code == 200 and good.get_json()["ok"] is True
    assert good.get_json()["base"] != int(base)
    assert outline_of(app) == [["lesson", "second"], ["lesson", "first"]]


def lesson_form(page: str, **changes) -> dict:
    return {
        "csrf_token": token_of(page),
        "slug": "third",
        "position": "end",
        "title_zh": "第三课",
        "minutes": "5",
        "objectives_zh": "",
        "body_zh": "第三课正文。",
        "title_en": "",
        "objectives_en": "",
        "body_en": "",
        "note": "初稿",
        "publish": "1",
    } | changes


def catalogue_count(client) -> int:
    page = client.get("/courses/").get_data(as_text=True)
    return int(re.search(r"(\d+) 课</p>", page).group(1))


def outline_lessons(client) -> list[str]:
    """The lessons the course page lists, without its links to the course's own pages."""
    page = client.get("/courses/test-course").get_data(as_text=True)
    links = re.findall(r'<a href="/courses/test-course/([a-z-]+)">', page)
    return [slug for slug in links if slug not in RESERVED_SLUGS]


def test_a_new_lesson_goes_where_the_author_puts_it_and_the_catalogue_counts_the_outline(
    app, client, auth, teacher, make_user
):
    make_user(username="learner")
    auth.login("learner")
    assert catalogue_count(client) == len(outline_lessons(client)) == 2
    page = teacher.client.get("/author/test-course/new").get_data(as_text=True)
    assert 'value="after:lesson:first"' in page
    response = teacher.client.post(
        "/author/test-course/new", data=lesson_form(page, position="after:lesson:first")
    )
    assert response.status_code == 302
    assert outline_lessons(client) == ["first", "third", "second"]
    assert catalogue_count(client) == 3
    # Its first save keeps the author's note.
    history = teacher.client.get("/author/test-course/third/history").get_data(as_text=True)
    assert "初稿" in history
    # A draft is in the outline for its authors and counted by no one until it is published.
    page = teacher.client.get("/author/test-course/new").get_data(as_text=True)
    data = lesson_form(page, slug="fourth", title_zh="第四课", position="start") | {
        "publish": "",
        "save_draft": "1",
    }
    assert teacher.client.post("/author/test-course/new", data=data).status_code == 302
    assert outline_of(app)[0] == ["lesson", "fourth"]
    assert "草稿，未发布" in teacher.client.get(COURSE).get_data(as_text=True)
    assert outline_lessons(client) == ["first", "third", "second"] and catalogue_count(client) == 3
    # Taken out: gone from both; put back: at the end of both.
    token = token_of_page(teacher.client.get(COURSE).get_data(as_text=True))
    teacher.client.post("/author/test-course/first/take-out", data={"csrf_token": token})
    assert outline_lessons(client) == ["third", "second"] and catalogue_count(client) == 2
    teacher.client.post("/author/test-course/first/put-back", data={"csrf_token": token})
    assert outline_lessons(client) == ["third", "second", "first"]
    assert catalogue_count(client) == 3
    actions = audit_actions(app)
    assert {"lesson.archive", "lesson.restore", "lesson.publish", "lesson.draft"} <= set(actions)


@pytest.mark.parametrize(
    ("locale", "changes", "message"),
    [
        ("zh", {"position": "after:lesson:nowhere"}, "请选择这一课在课程大纲中的位置。"),
        ("en", {"position": "middle"}, "Choose where the lesson goes in the course"),
        ("zh", {"slug": ""}, "请填写课文的简称，例如 speak-early。"),
        ("en", {"slug": "first"}, "This course already has a lesson with that short name."),
        ("zh", {"title_zh": ""}, "请填写课文的中文标题。"),
        ("en", {"minutes": "0"}, "Minutes must be a whole number from 1 to 600."),
        ("zh", {"minutes": "601"}, "分钟数须为 1 到 600 之间的整数。"),
        ("en", {"body_zh": ""}, "The lesson needs a Chinese text."),
    ],
)
def test_bad_input_on_a_new_lesson_is_named_in_the_page_language(
    app, make_user, lessons_dir, sync, locale, changes, message
):
    sync()
    auth = signed_in(app, make_user, locale=locale)
    page = auth.client.get("/author/test-course/new").get_data(as_text=True)
    response = auth.client.post("/author/test-course/new", data=lesson_form(page, **changes))
    assert response.status_code in (200, 400)
    assert message in response.get_data(as_text=True)
    assert outline_of(app) == [["lesson", "first"], ["lesson", "second"]]


# --- publishing and archiving -----------------------------------------------------------------


def test_a_course_is_archived_and_restored_by_its_editors(app, client, auth, teacher, make_user):
    token = token_of_page(teacher.client.get(COURSE).get_data(as_text=True))
    assert (
        teacher.client.post("/author/test-course/archive", data={"csrf_token": token}).status_code
        == 302
    )
    make_user(username="learner")
    auth.login("learner")
    assert "测试课程" not in client.get("/courses/").get_data(as_text=True)
    assert teacher.client.get(COURSE).status_code == 404
    index = teacher.client.get("/author/").get_data(as_text=True)
    assert "已归档的课程" in index and "恢复“测试课程”" in index
    teacher.client.post("/author/test-course/restore", data={"csrf_token": token})
    assert "测试课程" in client.get("/courses/").get_data(as_text=True)
    courses = [a for a in audit_actions(app) if a.startswith("course.")]
    assert courses[-2:] == ["course.archive", "course.restore"]
    with app.app_context():
        changes = list(db.session.scalars(sa.select(CourseRevision.change)))
    assert changes[-2:] == ["archive", "restore"]


# --- who may ----------------------------------------------------------------------------------


def author_urls(app) -> dict[str, str]:
    """Every author route that names a course, filled in for the test course."""
    values = {
        "course_slug": "test-course",
        "lesson_slug": "second",
        "revision_id": 1,
        "name": "a.png",
    }
    urls = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("author.") and "course_slug" in rule.arguments:
                path = rule.build({k: values[k] for k in rule.arguments})[1]
                urls[rule.endpoint] = (path, sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return urls


def test_every_author_page_of_a_course_is_refused_to_anyone_but_its_editors(
    app, make_user, lessons_dir, sync
):
    sync()
    urls = author_urls(app)
    assert {"author.settings", "author.reorder", "author.media", "author.archive_course"} <= set(
        urls
    )
    outsider = signed_in(app, make_user, "t9", edits=False)
    editor = signed_in(app, make_user, "t1")
    failures = []
    before = audit_actions(app)
    for endpoint, (path, methods) in urls.items():
        for method in methods:
            if method == "GET":
                response = outsider.client.get(path)
            else:
                response = outsider.post(
                    path, data={"published": "1", "item": "lesson:first", "direction": "down"}
                )
            if response.status_code != 404:
                failures.append(f"{endpoint} {method}: {response.status_code}")
    assert failures == []
    assert audit_actions(app) == before
    # Its editors are served (the GET pages).
    for endpoint, (path, methods) in urls.items():
        if "GET" in methods and endpoint not in ("author.diff",):
            assert editor.client.get(path).status_code == 200, endpoint


def test_two_settings_saves_at_the_same_moment_end_as_one_change_and_one_conflict_copy(
    app, make_user, lessons_dir, sync
):
    import threading

    sync()
    first, second = signed_in(app, make_user, "t1"), signed_in(app, make_user, "t2")
    forms = [settings_form(first) | {"title_zh": "甲"}, settings_form(second) | {"title_zh": "乙"}]
    start, codes = threading.Barrier(2), {}

    def save(auth, data):
        start.wait()
        codes[data["title_zh"]] = auth.client.post(SETTINGS, data=data).status_code

    threads = [threading.Thread(target=save, args=pair) for pair in zip((first, second), forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes.values()) == [200, 302]
    with app.app_context():
        kept = db.session.scalars(
            sa.select(CourseRevision.settings).where(CourseRevision.status == "conflict")
        ).all()
    winner = course_of(app, "test-course").title["zh"]
    assert [k["title"]["zh"] for k in kept] == [{"甲": "乙", "乙": "甲"}[winner]]


def test_quizzes_and_exercises_are_named_in_the_outline_and_move_like_lessons(
    app, make_user, lessons_dir, sync, tmp_path
):
    import shutil

    from tests.exercises.conftest import DRILL
    from tests.quizzes.conftest import QUIZ_YAML

    quizzes = tmp_path / "quizzes" / "test-course"
    quizzes.mkdir(parents=True)
    (quizzes / "check.yaml").write_text(QUIZ_YAML, "utf-8")
    exercises = tmp_path / "exercises" / "test-course"
    exercises.mkdir(parents=True)
    shutil.copy(DRILL, exercises / DRILL.name)
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - lesson: second\n", "  - lesson: second\n  - quiz: check\n  - exercise: drill\n"
        ),
        "utf-8",
    )
    sync()
    auth = signed_in(app, make_user)
    page = auth.client.get(COURSE).get_data(as_text=True)
    # A quiz's title leads to its builder.
    assert re.search(
        r'<span class="badge">测验</span>\s*<a href="/author/test-course/quizzes/check/edit">小测',
        page,
    )
    assert 'aria-label="上移“小测”"' in page
    move(auth, "quiz:check", "up")
    assert outline_of(app)[1:3] == [["quiz", "check"], ["lesson", "second"]]


def test_kept_outline_rows_carry_each_editors_own_token_and_the_outline_as_it_is(
    app, make_user, lessons_dir, sync
):
    """The outline's rows are rendered once per process and kept (lessons/outline_parts.py): a
    second editor's page must still carry that editor's CSRF token in every row's form, the
    rows must follow a move, and the language is the reader's."""
    sync()
    first, second = signed_in(app, make_user, "t1"), signed_in(app, make_user, "t2")
    english = signed_in(app, make_user, "t3", locale="en")
    row_tokens = re.compile(
        r'class="inline outline-move">\s*<input type="hidden" name="csrf_token" value="([^"]+)"'
    )
    pages = [auth.client.get(COURSE).get_data(as_text=True) for auth in (first, second)]
    tokens = [set(row_tokens.findall(page)) for page in pages]
    assert all(len(found) == 1 for found in tokens) and tokens[0] != tokens[1]
    assert all(token == token_of_page(page) for page, (token,) in zip(pages, tokens, strict=True))
    # The second editor moves an item with the token of a kept row: accepted.
    (token,) = tokens[1]
    data = {
        "csrf_token": token,
        "item": "lesson:second",
        "direction": "up",
        "base_revision_id": BASE.search(pages[1]).group(1),
    }
    assert second.client.post(OUTLINE, data=data).status_code == 302
    assert outline_of(app) == [["lesson", "second"], ["lesson", "first"]]
    # Every editor's next page shows the new order, based on the new revision.
    page = first.client.get(COURSE).get_data(as_text=True)
    assert page.index('id="item-lesson-second"') < page.index('id="item-lesson-first"')
    assert set(BASE.findall(page)) == {BASE.search(page).group(1)} != {data["base_revision_id"]}
    assert 'aria-label="上移“第二课”" disabled' in page
    in_english = english.client.get(COURSE).get_data(as_text=True)
    # The lessons have Chinese titles only; the labels around them are in the reader's language.
    assert (
        'aria-label="Move “第二课” up" disabled' in in_english and ">+ lesson after<" in in_english
    )
