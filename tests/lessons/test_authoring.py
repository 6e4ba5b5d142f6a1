"""Writing lessons in the browser: drafts, publishing, conflicts, history, diff, revert, preview."""

import re

import sqlalchemy as sa

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.lessons.models import Lesson, LessonRevision
from tests.conftest import Auth, csrf_token

EDIT = "/author/test-course/second/edit"


def form_of(client, url=EDIT):
    """Read the editor's current values, as a browser would submit them."""
    page = client.get(url).get_data(as_text=True)
    base = re.search(r'name="base_revision_id" type="hidden" value="(\d*)"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return {
        "csrf_token": token,
        "base_revision_id": base,
        "title_zh": "第二课",
        "minutes": "4",
        "objectives_zh": "目标一",
        "body_zh": "第二课正文。",
        "title_en": "",
        "objectives_en": "",
        "body_en": "",
    }


def published_text(app, slug="second"):
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))
        return lesson.published.body_zh


def staff(app, make_user, username, editor=True):
    """An instructor signed in, who edits every course there is (unless `editor` is False)."""
    user_id = make_user(Role.INSTRUCTOR, username=username)
    if editor:
        with app.app_context():
            for course in db.session.scalars(sa.select(Course)):
                course.editors.append(db.session.get(User, user_id))
            db.session.commit()
    helper = Auth(app.test_client())
    assert helper.login(username).status_code == 302
    return helper.client


def test_only_a_courses_editors_write_its_lessons(app, make_user, lessons_dir, sync):
    sync()
    outsider = staff(app, make_user, "t9", editor=False)
    assert "/author/test-course/" not in outsider.get("/author/").get_data(as_text=True)
    assert outsider.get(EDIT).status_code == 404
    assert outsider.get("/author/test-course/new").status_code == 404
    editor = staff(app, make_user, "t1")
    assert "/author/test-course/second/edit" in editor.get("/author/").get_data(as_text=True)
    assert editor.get(EDIT).status_code == 200


def test_drafts_stay_hidden_until_published(app, client, auth, make_user, lessons_dir, sync):
    sync()
    teacher = staff(app, make_user, "t1")
    data = form_of(teacher) | {"body_zh": "草稿里的新段落。", "save_draft": "1"}
    assert teacher.post(EDIT, data=data).status_code == 302
    make_user(username="zhang")
    auth.login("zhang")
    assert "草稿里的新段落" not in client.get("/courses/test-course/second").get_data(as_text=True)
    data = form_of(teacher) | {"body_zh": "发布的新段落。", "publish": "1"}
    teacher.post(EDIT, data=data)
    assert "发布的新段落" in client.get("/courses/test-course/second").get_data(as_text=True)


def test_the_second_of_two_concurrent_saves_is_refused_and_both_texts_kept(
    app, make_user, lessons_dir, sync
):
    sync()
    first, second = staff(app, make_user, "t1"), staff(app, make_user, "t2")
    form_a, form_b = form_of(first), form_of(second)  # both start from the same revision
    assert (
        first.post(EDIT, data=form_a | {"body_zh": "甲的修改。", "publish": "1"}).status_code == 302
    )
    refused = second.post(EDIT, data=form_b | {"body_zh": "乙的修改。", "publish": "1"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "其他人保存了本课" in page
    assert (
        "乙的修改。" in page and "甲的修改。" in page
    )  # her text in the form, his shown beside it
    assert published_text(app) == "甲的修改。\n"
    with app.app_context():
        kept = db.session.scalar(
            sa.select(LessonRevision).where(LessonRevision.status == "conflict")
        )
        assert kept.body_zh == "乙的修改。\n"
    # Saving again from the refreshed form goes through.
    retry = re.search(r'name="base_revision_id" type="hidden" value="(\d+)"', page).group(1)
    ok = second.post(
        EDIT, data=form_b | {"base_revision_id": retry, "body_zh": "乙的修改。", "publish": "1"}
    )
    assert ok.status_code == 302 and published_text(app) == "乙的修改。\n"


def test_history_diff_and_revert(app, make_user, lessons_dir, sync):
    sync()
    teacher = staff(app, make_user, "t1")
    teacher.post(EDIT, data=form_of(teacher) | {"body_zh": "新的正文。", "publish": "1"})
    with app.app_context():
        lesson_id = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "second"))
        old, new = db.session.scalars(
            sa.select(LessonRevision)
            .where(LessonRevision.lesson_id == lesson_id)
            .order_by(LessonRevision.number)
        ).all()
        old_id, new_id = old.id, new.id
    history = teacher.get("/author/test-course/second/history").get_data(as_text=True)
    assert "学员当前所见" in history
    diff = teacher.get(f"/author/test-course/second/diff?a={old_id}&b={new_id}").get_data(
        as_text=True
    )
    # Words are marked inside the line, never as raw "@@" hunk headers.
    assert "@@" not in diff
    assert re.search(r"<del>.*第二课.*</del><ins>.*新的.*</ins>正文。", diff)
    token = csrf_token(teacher, "/author/")
    teacher.post(
        f"/author/test-course/second/revisions/{old_id}/revert", data={"csrf_token": token}
    )
    assert published_text(app) == "第二课正文。\n"
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(LessonRevision.lesson_id == lesson_id)
            )
            == 3
        )


def test_bad_input_is_named_and_nothing_is_saved(app, make_user, lessons_dir, sync):
    sync()
    teacher = staff(app, make_user, "t1")
    response = teacher.post(
        EDIT, data=form_of(teacher) | {"minutes": "0", "body_en": "Text", "publish": "1"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "有英文课文时须填写英文标题" in page
    response = teacher.post(
        EDIT, data=form_of(teacher) | {"title_en": "Two", "body_en": "", "publish": "1"}
    )
    assert "有英文标题时须填写英文课文" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonRevision)) == 2


def test_preview_uses_the_sanitiser(app, make_user, lessons_dir, sync):
    sync()
    teacher = staff(app, make_user, "t1")
    token = form_of(teacher)["csrf_token"]
    response = teacher.post(
        "/author/test-course/preview",
        data={"lang": "zh", "body_zh": "**粗体**<script>alert(1)</script>[x](javascript:alert(1))"},
        headers={"X-CSRFToken": token},
    )
    html, _, report = response.get_data(as_text=True).partition('<aside class="sanitiser-report"')
    assert "<strong>粗体</strong>" in html and "<script" not in html and "javascript:" not in html
    # What was taken out is named, not dropped silently.
    assert "&lt;script&gt;" in report and "javascript:alert(1)" in report


def test_links_in_the_preview_lead_where_the_lesson_page_will(app, make_user, lessons_dir, sync):
    """The editor's page is not the lesson's: a link to a sibling lesson file, or an image of the
    course, must not be left relative to the editor's address."""
    sync()
    teacher = staff(app, make_user, "t1")
    token = form_of(teacher)["csrf_token"]
    body = "[第二课](02-second.md#intro) ![图](media/chart.png)"
    html = teacher.post(
        "/author/test-course/preview",
        data={"lang": "zh", "body_zh": body},
        headers={"X-CSRFToken": token},
    ).get_data(as_text=True)
    assert 'href="/courses/test-course/second#intro"' in html
    assert 'src="/courses/test-course/media/chart.png"' in html
    assert (
        teacher.post(
            "/author/no-such-course/preview",
            data={"lang": "zh", "body_zh": body},
            headers={"X-CSRFToken": token},
        ).status_code
        == 404
    )


def test_a_new_lesson_written_in_the_browser(app, client, auth, make_user, lessons_dir, sync):
    sync()
    teacher = staff(app, make_user, "t1")
    data = form_of(teacher, "/author/test-course/new") | {
        "slug": "Third Lesson",
        "title_zh": "第三课",
        "publish": "1",
    }
    response = teacher.post("/author/test-course/new", data=data)
    assert "请使用小写字母" in response.get_data(as_text=True)
    response = teacher.post("/author/test-course/new", data=data | {"slug": "third"})
    assert response.status_code == 302
    make_user(username="zhang")
    auth.login("zhang")
    assert client.get("/courses/test-course/third").status_code == 200
    # The next sync keeps it and says so.
    report = sync()
    assert any("third" in line for line in report.conflicts)
    assert client.get("/courses/test-course/third").status_code == 200


def revisions(app, slug="second"):
    with app.app_context():
        lesson_id = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == slug))
        return [
            (r.number, r.status, r.note)
            for r in db.session.scalars(
                sa.select(LessonRevision)
                .where(LessonRevision.lesson_id == lesson_id)
                .order_by(LessonRevision.number)
            )
        ]


def test_publishing_a_draft_publishes_that_revision_and_each_save_keeps_its_note(
    app, make_user, lessons_dir, sync
):
    sync()
    teacher = staff(app, make_user, "t1")
    draft = form_of(teacher) | {"body_zh": "草稿。", "note": "初稿", "save_draft": "1"}
    teacher.post(EDIT, data=draft)
    # The same text sent again with Publish: that draft is published, no empty-note copy.
    response = teacher.post(
        EDIT, data=form_of(teacher) | {"body_zh": "草稿。", "note": "", "publish": "1"}
    )
    assert response.status_code == 302
    assert revisions(app) == [(1, "published", "content sync"), (2, "published", "初稿")]
    history = teacher.get("/author/test-course/second/history").get_data(as_text=True)
    assert "发布修订版 2" not in history and "发布修订版 1" not in history
    # Saving the published text again adds nothing, and says so.
    again = teacher.post(EDIT, data=form_of(teacher) | {"body_zh": "草稿。", "save_draft": "1"})
    assert "没有改动" in teacher.get(again.location).get_data(as_text=True)
    assert len(revisions(app)) == 2


def test_an_older_draft_loses_its_publish_button_once_something_newer_is_published(
    app, make_user, lessons_dir, sync
):
    sync()
    teacher = staff(app, make_user, "t1")
    teacher.post(EDIT, data=form_of(teacher) | {"body_zh": "草稿。", "save_draft": "1"})
    history = teacher.get("/author/test-course/second/history").get_data(as_text=True)
    assert "发布修订版 2" in history
    teacher.post(EDIT, data=form_of(teacher) | {"body_zh": "定稿。", "publish": "1"})
    history = teacher.get("/author/test-course/second/history").get_data(as_text=True)
    assert "发布修订版 2" not in history and "回退到修订版 2" in history
    with app.app_context():
        draft_id = db.session.scalar(sa.select(LessonRevision.id).where(LessonRevision.number == 2))
    token = csrf_token(teacher, "/author/")
    teacher.post(
        f"/author/test-course/second/revisions/{draft_id}/publish", data={"csrf_token": token}
    )
    assert published_text(app) == "定稿。\n"


def test_history_and_diff_name_the_lesson_by_its_title_in_the_readers_language(
    app, make_user, lessons_dir, sync
):
    sync()
    teacher = staff(app, make_user, "t1")
    page = teacher.get("/author/test-course/first/history").get_data(as_text=True)
    assert '<a href="/author/test-course/first/edit">第一课</a>' in page
    assert "<h1>修订历史：第一课</h1>" in page
    teacher.set_cookie("locale", "en")
    page = teacher.get("/author/test-course/first/history").get_data(as_text=True)
    assert '<a href="/author/test-course/first/edit">Lesson one</a>' in page


def test_the_editor_names_what_the_sanitiser_removed_after_a_save(
    app, make_user, lessons_dir, sync
):
    sync()
    teacher = staff(app, make_user, "t1")
    body = '正文<script>alert(1)</script> ![外部](https://example.org/x.png) <span onclick="x">字</span>'
    teacher.post(EDIT, data=form_of(teacher) | {"body_zh": body, "publish": "1"})
    page = teacher.get(EDIT).get_data(as_text=True)
    report = page[page.index('class="sanitiser-report"') : page.index("</section>")]
    assert "已删除 &lt;script&gt; 及其内容：课文中不能运行程序。" in report
    assert "已删除图片 https://example.org/x.png" in report
    assert "已从 &lt;span&gt; 中删除属性 onclick" in report
    teacher.set_cookie("locale", "en")
    page = teacher.get(EDIT).get_data(as_text=True)
    assert "A &lt;script&gt; was removed with its content" in page


def test_taking_out_a_lesson_others_link_to_says_which(app, make_user, lessons_dir, sync):
    sync()
    teacher = staff(app, make_user, "t1")
    token = csrf_token(teacher, "/author/test-course/")
    response = teacher.post("/author/test-course/second/take-out", data={"csrf_token": token})
    page = teacher.get(response.location).get_data(as_text=True)
    assert "“第一课”链接到被移出的这一课" in page


def test_two_saves_sent_at_the_same_moment_end_as_one_revision_and_one_conflict_copy(
    app, make_user, lessons_dir, sync
):
    """Each save holds the lesson while it checks and writes, so the second waits for the first
    and then finds it: no save fails, and neither text is lost."""
    import threading

    sync()
    first, second = staff(app, make_user, "t1"), staff(app, make_user, "t2")
    forms = [
        form_of(first) | {"body_zh": "甲的修改。", "publish": "1"},
        form_of(second) | {"body_zh": "乙的修改。", "publish": "1"},
    ]
    start = threading.Barrier(2)
    codes = {}

    def save(client, data, who):
        start.wait()
        codes[who] = client.post(EDIT, data=data).status_code

    threads = [
        threading.Thread(target=save, args=(client, data, who))
        for who, (client, data) in enumerate(zip((first, second), forms))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes.values()) == [200, 302]
    with app.app_context():
        statuses = sorted(
            (r.status.value, r.body_zh)
            for r in db.session.scalars(sa.select(LessonRevision).where(LessonRevision.number > 1))
        )
    assert [s for s, _ in statuses] == ["conflict", "published"]
    assert {body for _, body in statuses} == {"甲的修改。\n", "乙的修改。\n"}


def index_row_of(client, slug="second") -> str:
    """The authoring index's row of a lesson, its tags taken out and its spaces joined."""
    page = client.get("/author/").get_data(as_text=True)
    row = next(r for r in page.split("<tr>") if f"/author/test-course/{slug}/edit" in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.split("</tr>")[0])).strip()


def test_the_index_rows_follow_each_publication_in_each_language(app, make_user, lessons_dir, sync):
    """The index's rows are kept rendered: a new title, a new published revision and the
    reader's language each show at once."""
    sync()
    teacher = staff(app, make_user, "t1")
    assert index_row_of(teacher) == "第二课 修订版 1 — 编辑 修订历史"
    teacher.set_cookie("locale", "en")
    assert index_row_of(teacher) == "第二课 revision 1 — Edit History"
    teacher.post(
        EDIT,
        data=form_of(teacher)
        | {"title_zh": "第二课（修订）", "title_en": "Two", "body_en": "Text.", "publish": "1"},
    )
    assert index_row_of(teacher) == "Two revision 2 ✓ Edit History"
    teacher.set_cookie("locale", "zh")
    assert index_row_of(teacher) == "第二课（修订） 修订版 2 ✓ 编辑 修订历史"


def test_the_editor_opens_on_the_newest_revision_with_each_editors_own_token(
    app, make_user, lessons_dir, sync
):
    """The editor's fields are kept rendered: each editor's page carries that editor's CSRF
    token, a new draft opens at once, and the labels follow the reader's language."""
    sync()
    first, second = staff(app, make_user, "t1"), staff(app, make_user, "t2")
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    meta = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

    def secret(signed: str) -> str:
        """The session's secret a token carries (the rest is its signing time and signature)."""
        return signed.split(".", 1)[0]

    pages = [client.get(EDIT).get_data(as_text=True) for client in (first, second)]
    tokens = [token.search(page).group(1) for page in pages]
    assert secret(tokens[0]) != secret(tokens[1])
    assert [meta.search(page).group(1) for page in pages] == tokens
    first.post(EDIT, data=form_of(first) | {"body_zh": "新的草稿段落。", "save_draft": "1"})
    page = second.get(EDIT).get_data(as_text=True)
    assert "新的草稿段落。" in page
    assert token.search(page).group(1) == meta.search(page).group(1)
    assert secret(token.search(page).group(1)) == secret(tokens[1])
    assert "课文（中文，Markdown）" in page
    second.set_cookie("locale", "en")
    page = second.get(EDIT).get_data(as_text=True)
    assert "Lesson text (Chinese, Markdown)" in page and "新的草稿段落。" in page
    # The draft saved from the kept page by the other editor goes through with their token.
    saved = second.post(EDIT, data=form_of(second) | {"body_zh": "乙的草稿。", "save_draft": "1"})
    assert saved.status_code == 302


def test_the_editor_builds_its_form_only_when_its_fields_are_rendered(
    app, make_user, lessons_dir, sync, monkeypatch
):
    """A second opening of the same revision finds the fields kept and builds no form; a save
    that is refused shows the form as sent."""
    from courseware.lessons import author_views

    sync()
    built = []

    class CountedForm(author_views.LessonForm):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(author_views, "LessonForm", CountedForm)
    first, second = staff(app, make_user, "t1"), staff(app, make_user, "t2")
    assert first.get(EDIT).status_code == 200 and len(built) == 1
    page = second.get(EDIT).get_data(as_text=True)
    assert len(built) == 1 and "第二课正文" in page
    refused = second.post(EDIT, data=form_of(second) | {"body_zh": "", "save_draft": "1"})
    assert refused.status_code == 200 and len(built) == 2
    assert "请填写中文课文。" in refused.get_data(as_text=True)
