"""The quiz builder: a quiz made in the browser goes where its author puts it in the outline,
unpublished until published; bad input is named by its field in both languages; a preview
records nothing; a stale save is refused and both versions kept."""

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from courseware.accounts.models import AuditEvent, Role
from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes.models import Answer, Attempt, Quiz, QuizVersion
from tests.conftest import Auth, csrf_token
from tests.quizzes.builder_fixtures import bank, BASICS, editor, quiz_form  # noqa: F401

NEW = "/author/test-course/quizzes/new"


def post(auth, path, data, language="zh-CN"):
    data = dict(data)
    data["csrf_token"] = csrf_token(auth.client, "/")
    return auth.client.post(path, data=data, headers={"Accept-Language": language})


def created(app, slug="browser-check"):
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == slug))
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        return quiz, [list(i) for i in course.items]


def test_a_new_quiz_goes_where_its_author_puts_it_and_learners_see_it_once_published(
    app, editor, make_user
):
    response = post(editor, NEW, quiz_form(slug="browser-check", position="after:lesson:first"))
    assert response.status_code == 302, response.get_data(as_text=True)
    quiz, items = created(app)
    assert items == [
        ["lesson", "first"],
        ["quiz", "browser-check"],
        ["lesson", "second"],
        ["quiz", "check"],
    ]
    assert quiz.published_at is None and quiz.version_id is None
    assert quiz.slots == [
        {"question": "pick-one"},
        {"draw": 2, "category": BASICS},
        {"draw": 1, "category": "practice"},
    ]
    assert quiz.settings["time_limit"] == 10 and quiz.settings["attempts"] == 2
    # The outline names it; its page for editors shows the category by name.
    course_page = editor.client.get("/author/test-course/").get_data(as_text=True)
    assert "浏览器小测" in course_page
    page = editor.client.get("/author/test-course/quizzes/browser-check/edit")
    assert "政务微博 / 基础 (3)" in page.get_data(as_text=True)
    assert "$course$" not in page.get_data(as_text=True).split("<form")[1].split("</select>")[0]

    make_user(username="reader")
    learner = Auth(app.test_client())
    learner.login("reader")
    assert learner.client.get("/quizzes/test-course/browser-check").status_code == 404

    response = post(editor, "/author/test-course/quizzes/browser-check/publish", {})
    assert response.status_code == 302
    assert learner.client.get("/quizzes/test-course/browser-check").status_code == 200
    started = learner.post("/quizzes/test-course/browser-check/start")
    attempt_id = int(started.location.rsplit("/", 1)[1])
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        names = sorted(a.question.name for a in attempt.answers)
        assert len(names) == 4 and "pick-one" in names
        assert attempt.version.number == 1
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"quiz.create", "quiz.publish", "course.outline"} <= actions


# (form changes, the Chinese message, the English message): every message names its field.
BAD = [
    ({"title_zh": ""}, "请填写测验的中文标题", "Give the quiz a Chinese title."),
    (
        {"time_limit": "十分钟"},
        "限时是 0（不限）到 1440 之间的整数分钟",
        "The time limit is a whole number of minutes from 0 (none) to 1440.",
    ),
    (
        {"attempts": "-1"},
        "允许作答次数是 0（不限）到 100 之间的整数",
        "Attempts allowed is a whole number from 0 (unlimited) to 100.",
    ),
    (
        {"pass_mark": "120"},
        "及格线是 0 到 100 之间的数",
        "The pass mark is a number from 0 to 100.",
    ),
    (
        {"opens": "2026-12-02T09:00", "closes": "2026-12-01T09:00"},
        "截止时间必须晚于开放时间",
        "The quiz must close after it opens.",
    ),
    (
        {"opens": "明天"},
        "请按 2026-12-01 09:00 的格式填写日期和时间（北京时间）",
        "Write a date and time such as 2026-12-01 09:00 (Beijing time).",
    ),
    (
        {"review": "after_close"},
        "“测验截止后显示答案”需要设置截止时间",
        "Showing the answers after the quiz closes needs a closing time.",
    ),
    (
        {"draws-0-count": "5"},
        "第 1 组抽题：该分类只有 3 道可抽取的题，最多抽取这么多",
        "Draw 1: the category holds only 3 questions that can be drawn; draw at most that many.",
    ),
    (
        {"draws-1-category": "", "draws-1-count": "1"},
        "第 2 组抽题：请选择抽题的分类",
        "Draw 2: choose the category to draw from.",
    ),
    (
        {"draws-1-count": "两道"},
        "第 2 组抽题：题数是 1 到 500 之间的整数",
        "Draw 2: the number of questions is a whole number from 1 to 500.",
    ),
    (
        {"questions": ["no-such-question"]},
        "“no-such-question”不是本课程题库中的题目",
        "“no-such-question” is not a question of this course's bank.",
    ),
    (
        {
            "questions": [],
            "draws-0-category": "",
            "draws-0-count": "",
            "draws-1-category": "",
            "draws-1-count": "",
        },
        "请至少选择一道固定题目或设置一组抽题",
        "Choose at least one fixed question or one draw.",
    ),
    (
        {"networks": "192.168.10.0/24\n教室"},
        "“教室”不是网络（如 192.168.10.0/24）或地址（如 192.168.10.7）",
        "“教室” is not a network such as 192.168.10.0/24 or an address such as 192.168.10.7.",
    ),
    (
        {"slug": "Bad Name"},
        "请使用小写字母、数字和连字符",
        "Use lowercase letters, digits and hyphens",
    ),
    (
        {"slug": "check"},
        "本课程已有同一简称的测验",
        "This course already has a quiz with that short name.",
    ),
]


@pytest.mark.parametrize("changes, zh, en", BAD)
def test_bad_input_is_named_by_its_field_in_both_languages_and_changes_nothing(
    app, editor, changes, zh, en
):
    data = quiz_form(**{"slug": "browser-check", "position": "end", **changes})
    for language, message in (("zh-CN", zh), ("en", en)):
        response = post(editor, NEW, data, language)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert str(escape(message)) in page, message
        assert 'class="field-error"' in page
        # What was typed stays in the form.
        assert "浏览器小测" in page or changes.get("title_zh") == ""
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizVersion)) == 1
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        assert ["quiz", "browser-check"] not in [list(i) for i in course.items]


def test_a_preview_records_nothing(app, editor):
    assert post(editor, NEW, quiz_form(slug="browser-check", position="end")).status_code == 302
    path = "/author/test-course/quizzes/browser-check/preview"
    page = editor.client.get(f"{path}?seed=7").get_data(as_text=True)
    assert page.count('class="question"') == 4
    with app.app_context():
        events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    checked = post(editor, path, {"seed": "7", "a0": "0"})
    assert checked.status_code == 200
    text = checked.get_data(as_text=True)
    assert "得分" in text and "正确" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events
    # The class's reports know nothing of it.
    assert editor.client.get("/teach/quizzes/").status_code == 200


def test_a_stale_save_is_refused_and_both_versions_kept(app, editor):
    assert post(editor, NEW, quiz_form(slug="browser-check", position="end")).status_code == 302
    path = "/author/test-course/quizzes/browser-check/edit"
    with app.app_context():
        base = db.session.scalar(sa.select(QuizVersion.id).order_by(QuizVersion.id.desc()))
    first = post(editor, path, quiz_form(pass_mark="70", base_version_id=str(base)))
    assert first.status_code == 302
    second = post(editor, path, quiz_form(title_zh="我的标题", base_version_id=str(base)))
    page = second.get_data(as_text=True)
    assert second.status_code == 200
    assert "在你打开之后，其他人保存了这个测验" in page
    assert 'value="我的标题"' in page  # the user's input stays in the form
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "browser-check"))
        rows = db.session.execute(
            sa.select(QuizVersion.number, QuizVersion.status, QuizVersion.settings)
            .where(QuizVersion.quiz_id == quiz.id)
            .order_by(QuizVersion.number)
        ).all()
    assert [(n, s) for n, s, _ in rows] == [(1, "draft"), (2, "draft"), (3, "conflict")]
    assert rows[1][2]["pass_mark"] == 70


def test_only_the_course_editors_build_its_quizzes(app, make_user, bank):
    make_user(Role.INSTRUCTOR, username="other")
    other = Auth(app.test_client())
    other.login("other")
    assert other.client.get(NEW).status_code == 404
    assert other.client.get("/author/test-course/quizzes/check/edit").status_code == 404


def _form_values(page: str) -> tuple[bool, str]:
    """Whether the edit page's room-lock box is ticked, and its networks as shown."""
    box = re.search(r'<input[^>]*name="classroom_only"[^>]*>', page).group(0)
    networks = re.search(r'<textarea[^>]*name="networks"[^>]*>\s*(.*?)</textarea>', page, re.S)
    return "checked" in box, networks.group(1).strip()


def test_the_room_lock_of_a_quiz_file_is_shown_in_the_form_and_kept_by_a_save(
    app, editor, bank, sync
):
    """A quiz locked to the room in its file keeps the lock when edited in the browser, and the
    lock is set and lifted there."""
    path = bank / "check.yaml"
    path.write_text(
        "classroom_only: true\nnetworks: [192.168.10.0/24]\n" + path.read_text("utf-8"), "utf-8"
    )
    sync()
    edit = "/author/test-course/quizzes/check/edit"
    page = editor.client.get(edit).get_data(as_text=True)
    assert _form_values(page) == (True, "192.168.10.0/24")
    assert "限在课堂作答" in page

    def base():
        with app.app_context():
            return str(db.session.scalar(sa.select(sa.func.max(QuizVersion.id))))

    typed = "192.168.10.0/24，10.9.3.4\n"
    saved = post(
        editor,
        edit,
        quiz_form(pass_mark="70", classroom_only="y", networks=typed, base_version_id=base()),
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with app.app_context():
        latest = db.session.scalar(sa.select(QuizVersion).order_by(QuizVersion.id.desc()))
        assert latest.settings["classroom_only"] is True
        assert latest.settings["networks"] == ["192.168.10.0/24", "10.9.3.4/32"]
        assert latest.settings["pass_mark"] == 70
    page = editor.client.get(edit).get_data(as_text=True)
    assert _form_values(page) == (True, "192.168.10.0/24\n10.9.3.4/32")

    # Unticked and emptied, the quiz is open anywhere again.
    lifted = post(editor, edit, quiz_form(networks="", base_version_id=base()))
    assert lifted.status_code == 302
    with app.app_context():
        latest = db.session.scalar(sa.select(QuizVersion).order_by(QuizVersion.id.desc()))
        assert "classroom_only" not in latest.settings and "networks" not in latest.settings
