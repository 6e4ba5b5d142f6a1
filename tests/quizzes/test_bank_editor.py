"""The question bank in the browser: browsing by category, the form of every type with its
problems named in both languages, saving over a newer version refused, duplicate and archive,
and a changed answer key regrading the answers already handed in."""

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent
from courseware.db import db
from courseware.quizzes.models import Answer, QuestionRecord, QuestionRevision
from tests.conftest import csrf_token
from tests.courses.conftest import signed_in
from tests.quizzes.conftest import RIGHT

BANK = "/author/test-course/bank"
GIFT_BANK = """\
$CATEGORY: $course$/top/政务微博/基础

::g-one::政务微博应当“早讲话”吗？{T}

::g-two::哪一项是“三讲”之一？{=讲实话 ~少讲话 ~不讲话}
"""
NAMED_BANK = """\
category: lesson-one
name: {zh: 第一课题库, en: Lesson one bank}
questions:
  - id: b-one
    type: single
    text: {zh: 第一课讲了什么？, en: "What did lesson one say?"}
    options:
      - {text: 导语, correct: true}
      - {text: 别的}
"""


@pytest.fixture
def bank_course(app, quiz_course, make_user):
    """The test course with quiz `check`, a GIFT bank with a Moodle category path and a named
    YAML bank, synced; an instructor who edits it signed in (in Chinese)."""
    banks = quiz_course / "banks"
    banks.mkdir()
    (banks / "moodle.gift").write_text(GIFT_BANK, "utf-8")
    (banks / "lesson-one.yaml").write_text(NAMED_BANK, "utf-8")
    return quiz_course


@pytest.fixture
def editor_zh(app, bank_course, sync, make_user):
    sync()
    return signed_in(app, make_user, "t1", locale="zh")


@pytest.fixture
def editor_en(app, bank_course, sync, make_user):
    sync()
    return signed_in(app, make_user, "t2", locale="en")


def record(app, name):
    with app.app_context():
        return db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == name))


def visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, no attributes."""
    page = re.sub(r"<textarea[^>]*hidden[^>]*>.*?</textarea>", " ", page, flags=re.S)
    return re.sub(r"<[^>]*>", " ", page)


class _FormReader(HTMLParser):
    """The question form's fields as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.inside = None  # the form being read
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "question-form":
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") in ("text", "hidden", None):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "radio" and "checked" in attrs:
            self.fields[name] = attrs["value"]
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form_of(page: str) -> dict:
    """The question form's fields as the page fills them in."""
    reader = _FormReader()
    reader.feed(page)
    return reader.fields


def test_the_bank_shows_categories_by_name_never_the_raw_path(editor_zh):
    page = visible(editor_zh.client.get(BANK).get_data(as_text=True))
    assert "政务微博" in page and "基础" in page
    assert "$course$" not in page and "top/" not in page
    assert "第一课题库" in page
    # A node of the tree filters the list to its questions.
    found = editor_zh.client.get(BANK, query_string={"category": "$course$/top/政务微博"})
    text = found.get_data(as_text=True)
    assert "g-one" in text and "g-two" in text and "b-one" not in text


def test_the_bank_names_categories_in_english_for_an_english_page(editor_en):
    page = editor_en.client.get(BANK).get_data(as_text=True)
    assert "Lesson one bank" in page and "第一课题库" not in page


def test_search_and_filters(editor_zh):
    def names(**query):
        page = editor_zh.client.get(BANK, query_string=query).get_data(as_text=True)
        return set(re.findall(r"<code>([a-z0-9-]+)</code>", page))

    assert names(q="三讲") == {"g-two"}
    assert names(q="what did lesson one") == {"b-one"}
    assert names(type="truefalse") >= {"g-one", "yes-no"}
    assert "pick-one" not in names(type="truefalse")
    bad = editor_zh.client.get(BANK, query_string={"type": "nonsense"})
    assert bad.status_code == 200 and "没有这种题型" in bad.get_data(as_text=True)


def test_a_question_page_shows_the_answer_key_uses_and_stats(app, editor_zh, make_user):
    pick = record(app, "pick-one")
    page = editor_zh.client.get(f"{BANK}/{pick.id}").get_data(as_text=True)
    assert "对的" in page and "100%" in page and "不对。" in page  # option, weight, feedback
    assert "见第一课。" in page  # general feedback
    assert "小测" in page  # quiz `check` shows it
    assert "还没有学员作答" in page


def test_other_courses_editors_get_nothing(app, bank_course, sync, make_user):
    sync()
    outsider = signed_in(app, make_user, "t9", edits=False)
    pick = record(app, "pick-one")
    assert outsider.client.get(BANK).status_code == 404
    assert outsider.client.get(f"{BANK}/{pick.id}/edit").status_code == 404


def new_form(client, kind, **fields):
    token = csrf_token(client, f"{BANK}/new?type={kind}")
    data = {"csrf_token": token, "type": kind, "category": "lesson-one", "version": ""}
    data.update(fields)
    return data


def post_new(client, kind, **fields):
    return client.post(f"{BANK}/new?type={kind}", data=new_form(client, kind, **fields))


VALID = {
    "single": {
        "id": "n-single",
        "text-zh": "哪一项正确？",
        "options-0-text-zh": "甲",
        "options-0-weight": "100",
        "options-0-feedback-zh": "对。",
        "options-1-text-zh": "乙",
    },
    "multiple": {
        "id": "n-multiple",
        "text-zh": "选两项",
        "options-0-text-zh": "甲",
        "options-0-weight": "50",
        "options-1-text-zh": "乙",
        "options-1-weight": "50",
        "options-2-text-zh": "丙",
        "options-2-weight": "-50",
    },
    "truefalse": {"id": "n-tf", "text-zh": "要讲实话。", "answer": "true"},
    "short": {"id": "n-short", "text-zh": "写出“三讲”的第三讲", "answers-0-text-zh": "讲实话"},
    "numerical": {
        "id": "n-number",
        "text-zh": "多少？",
        "answers-0-answer": "689",
        "answers-0-tolerance": "1",
        "units": "个, 人",
    },
    "matching": {
        "id": "n-match",
        "text-zh": "配对",
        "pairs-0-left-zh": "一",
        "pairs-0-right-zh": "one",
        "pairs-1-left-zh": "二",
        "pairs-1-right-zh": "two",
        "distractors-0-zh": "three",
    },
    "ordering": {
        "id": "n-order",
        "text-zh": "排序",
        "items-0-zh": "一",
        "items-1-zh": "二",
        "items-2-zh": "三",
    },
    "fill": {"id": "n-fill", "text-zh": "早讲话、会讲话、{blank}。", "answers-0-text-zh": "讲实话"},
    "essay": {"id": "n-essay", "text-zh": "谈谈看法。", "answer_guide-zh": "言之有理即可。"},
    "description": {"id": "n-desc", "text-zh": "以下各题关于第一课。"},
}


@pytest.mark.parametrize("kind", sorted(VALID))
def test_every_type_is_written_in_its_form_and_reads_back(app, editor_zh, kind):
    form_page = editor_zh.client.get(f"{BANK}/new?type={kind}")
    assert form_page.status_code == 200
    response = post_new(editor_zh.client, kind, **VALID[kind])
    assert response.status_code == 302, visible(response.get_data(as_text=True))[-2000:]
    saved = record(app, VALID[kind]["id"])
    assert saved.type == kind and saved.category == "lesson-one" and saved.file_hash is None
    # The edit form shows it as saved, and saving it unchanged changes nothing.
    page = editor_zh.client.get(f"{BANK}/{saved.id}/edit").get_data(as_text=True)
    form = form_of(page)
    assert form["version"] == saved.content_hash
    again = editor_zh.client.post(f"{BANK}/{saved.id}/edit", data=form)
    assert again.status_code == 302, visible(again.get_data(as_text=True))[-1500:]
    assert record(app, VALID[kind]["id"]).content_hash == saved.content_hash
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(QuestionRevision.question_id == saved.id)
            )
            == 1
        )
        assert (
            db.session.scalar(
                sa.select(AuditEvent.action).where(
                    AuditEvent.target == f"question:test-course/{saved.name}"
                )
            )
            == "question.create"
        )


# Bad input per type: (fields over the valid ones, the field it is shown at, English, Chinese).
BAD = [
    (
        "single",
        {"options-0-weight": "0"},
        None,
        "no option is marked correct",
        "没有标为正确的选项",
    ),
    (
        "single",
        {"options-1-text-zh": "", "options-1-text-en": "B"},
        "options-1-text-zh",
        "the Chinese text (zh) is missing",
        "缺少中文文本（zh）",
    ),
    (
        "single",
        {"options-0-weight": "abc"},
        "options-0-weight",
        "weight must be a number",
        "weight 必须是数字",
    ),
    (
        "multiple",
        {"options-0-weight": "500"},
        "options-0-weight",
        "weight must be between -100 and 100",
        "weight 必须在 -100 和 100 之间",
    ),
    (
        "truefalse",
        {"answer": ""},
        "answer",
        "a truefalse question needs answer: true or false",
        "判断题需要选定“对”或“错”",
    ),
    (
        "short",
        {"answers-0-text-zh": ""},
        "answers-0-text-zh",
        "answers must list the accepted answers",
        "answers 须列出可接受的答案",
    ),
    (
        "numerical",
        {"answers-0-answer": "六百"},
        "answers-0-answer",
        "answer must be a number",
        "answer 必须是数字",
    ),
    (
        "numerical",
        {"units": "1个"},
        "units",
        "units must list the units allowed after the number",
        "units 须列出数字后允许写的单位",
    ),
    (
        "matching",
        {"pairs-1-left-zh": "", "pairs-1-right-zh": ""},
        "pairs-0-left-zh",
        "a matching question needs at least two pairs",
        "配对题至少需要两对",
    ),
    (
        "ordering",
        {"items-1-zh": "", "items-2-zh": ""},
        "items-0-zh",
        "an ordering question needs at least two items in the right order",
        "排序题至少需要按正确顺序排列的两项",
    ),
    (
        "fill",
        {"text-zh": "没有空。"},
        "text-zh",
        "the zh text must contain {blank} exactly once",
        "zh 文本必须恰好包含一个 {blank}",
    ),
    (
        "fill",
        {"options-0-text-zh": "讲实话", "options-0-weight": "100"},
        None,
        "a fill question has either answers (typed) or options (chosen)",
        "填空题须有可接受的答案（键入）或选项（选择），二者只能取其一",
    ),
    ("essay", {"text-zh": ""}, "text-zh", "the Chinese text (zh) is missing", "缺少中文文本（zh）"),
    (
        "description",
        {"id": "Bad Id"},
        "id",
        "Use lowercase letters, digits and hyphens",
        "小写字母、数字和连字符",
    ),
    (
        "single",
        {"category": ""},
        "category",
        "Choose or type a category.",
        "请选择或输入一个分类。",
    ),
    (
        "short",
        {"points": "-1"},
        "points",
        "points must be between 0 and 1000",
        "points 必须在 0 和 1000 之间",
    ),
    (
        "short",
        {"id": "pick-one"},
        "id",
        "Another question of this course has the id pick-one.",
        "本课程已有 ID 为 pick-one 的题目。",
    ),
]


@pytest.mark.parametrize(
    "kind, changes, field, english, chinese", BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_is_named_at_its_field_in_both_languages(
    app, bank_course, sync, make_user, kind, changes, field, english, chinese
):
    sync()
    for username, locale, message in (("t1", "zh", chinese), ("t2", "en", english)):
        client = signed_in(app, make_user, username, locale=locale).client
        response = post_new(client, kind, **{**VALID[kind], **changes})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert message in page, visible(page)[-1500:]
        if field:
            assert f'id="f-{field}-error"' in page
            assert f'href="#f-{field}"' in page
        assert record(app, VALID[kind]["id"]) is None


def test_a_save_over_a_newer_version_is_refused_and_both_texts_kept(app, editor_zh, make_user):
    other = signed_in(app, make_user, "t3", locale="zh")
    pick = record(app, "pick-one")
    mine = form_of(editor_zh.client.get(f"{BANK}/{pick.id}/edit").get_data(as_text=True))
    theirs = form_of(other.client.get(f"{BANK}/{pick.id}/edit").get_data(as_text=True))
    theirs["text-zh"] = "他们改过的题干"
    assert other.client.post(f"{BANK}/{pick.id}/edit", data=theirs).status_code == 302
    mine["text-zh"] = "我改过的题干"
    refused = editor_zh.client.post(f"{BANK}/{pick.id}/edit", data=mine)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "我改过的题干" in page  # my text stays in the form
    assert "他们改过的题干" in page  # theirs is shown beside it
    assert "有人在您编辑时保存了这道题" in page
    assert record(app, "pick-one").question.text["zh"] == "他们改过的题干"
    # The form now carries their version: saving again puts mine over theirs, knowingly.
    again = form_of(page)
    assert again["text-zh"] == "我改过的题干"
    assert editor_zh.client.post(f"{BANK}/{pick.id}/edit", data=again).status_code == 302
    assert record(app, "pick-one").question.text["zh"] == "我改过的题干"


def test_a_changed_key_regrades_the_answers_already_handed_in(app, editor_zh, make_user):
    learner = signed_in(app, make_user, "l1", edits=False)
    started = learner.client.post(
        "/quizzes/test-course/check/start", data={"csrf_token": csrf_token(learner.client, "/")}
    )
    attempt_id = int(re.search(r"/quizzes/attempts/(\d+)$", started.location).group(1))
    learner.client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(learner.client, "/"), "sequence": "1", **RIGHT},
    )
    pick = record(app, "pick-one")
    with app.app_context():
        before = db.session.scalar(sa.select(Answer.state).where(Answer.question_id == pick.id))
    assert before == "correct"
    form = form_of(editor_zh.client.get(f"{BANK}/{pick.id}/edit").get_data(as_text=True))
    form["options-0-weight"], form["options-1-weight"] = "0", "100"  # the other option is right now
    saved = editor_zh.client.post(f"{BANK}/{pick.id}/edit", data=form, follow_redirects=True)
    assert "已重新评分 1 个" in saved.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(Answer.state).where(Answer.question_id == pick.id))
            == "wrong"
        )
    # A feedback change alone keeps the key: nothing is regraded.
    form = form_of(editor_zh.client.get(f"{BANK}/{pick.id}/edit").get_data(as_text=True))
    form["options-0-feedback-zh"] = "新的反馈"
    page = editor_zh.client.post(f"{BANK}/{pick.id}/edit", data=form, follow_redirects=True)
    assert "重新评分" not in page.get_data(as_text=True)


def test_duplicate_archive_and_restore(app, editor_zh):
    pick = record(app, "pick-one")
    copied = editor_zh.post(f"{BANK}/{pick.id}/duplicate")
    assert copied.status_code == 302
    copy = record(app, "pick-one-copy")
    assert copy.content_hash != "" and copy.question.text == pick.question.text
    assert editor_zh.post(f"{BANK}/{copy.id}/archive").status_code == 302
    assert record(app, "pick-one-copy").archived_at is not None
    listed = editor_zh.client.get(BANK).get_data(as_text=True)
    assert "<code>pick-one-copy</code>" not in listed
    archived = editor_zh.client.get(BANK, query_string={"archived": "y"}).get_data(as_text=True)
    assert "<code>pick-one-copy</code>" in archived
    assert editor_zh.post(f"{BANK}/{copy.id}/restore").status_code == 302
    assert record(app, "pick-one-copy").archived_at is None
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"question.duplicate", "question.archive", "question.restore"} <= actions


def test_the_live_preview_shows_the_question_or_its_problems(editor_zh):
    data = new_form(editor_zh.client, "single", **VALID["single"])
    shown = editor_zh.client.post(f"{BANK}/preview", data=data, headers={"HX-Request": "true"})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "哪一项正确？" in page and "100%" in page
    data["options-0-weight"] = "0"
    page = editor_zh.client.post(f"{BANK}/preview", data=data).get_data(as_text=True)
    assert "没有标为正确的选项" in page
    del data["csrf_token"]
    assert editor_zh.client.post(f"{BANK}/preview", data=data).status_code == 400
