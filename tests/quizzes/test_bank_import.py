"""Importing a GIFT or YAML file in the browser: the preview shows each question in full with the
bank's own preview, problems come in the page's language with file and line, counts in proper
plural forms, nothing is imported when anything is wrong, and the page then says where each
question went."""

import io

import pytest
import sqlalchemy as sa

from courseware.courses.models import Course
from courseware.db import db
from courseware.quizzes.models import QuestionRecord
from tests.conftest import csrf_token
from tests.courses.conftest import signed_in
from tests.quizzes.test_bank_editor import GIFT_BANK, visible

BROKEN = "::ok::好题 {=对 ~错}\n\n::also-ok::另一题 {T}\n\n::bad::没有闭合 {=对 ~错\n"
TWO_BROKEN = "::bad::没有闭合 {=对 ~错\n\n::worse::{=甲 ~乙}\n"
FULL = """\
$CATEGORY: $course$/top/政务微博/基础

::pick::政务微博应当怎样回应谣言？{
\t=及时发布权威信息#早讲话，讲实话。
\t~%50%先核实再回应#部分正确：要快。
\t~不予理睬#会让谣言扩散。
\t####见第三课。
}
"""


@pytest.fixture
def course_id(app, lessons_dir, sync):
    sync()
    with app.app_context():
        return str(db.session.scalar(sa.select(Course.id)))


def upload(client, course_id, name, text):
    return client.post(
        "/teach/quizzes/import",
        data={
            "csrf_token": csrf_token(client, "/teach/quizzes/import"),
            "course": course_id,
            "file": (io.BytesIO(text.encode("utf-8")), name),
        },
        content_type="multipart/form-data",
    )


def questions(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(QuestionRecord.name)))


@pytest.mark.parametrize(
    "locale, one, two, unclosed",
    [
        (
            "zh",
            "中有 1 处问题",
            "中有 2 处问题",
            "broken_zh.gift:5: { 没有闭合（要写字面的大括号，请写 \\{）",
        ),
        (
            "en",
            "1 problem in",
            "2 problems in",
            "broken_zh.gift:5: unclosed { (write \\{ for a literal brace)",
        ),
    ],
)
def test_problems_in_the_pages_language_with_file_line_and_plurals(
    app, course_id, make_user, locale, one, two, unclosed
):
    client = signed_in(app, make_user, f"t-{locale}", locale=locale).client
    refused = upload(client, course_id, "broken_zh.gift", BROKEN)
    page = visible(refused.get_data(as_text=True))
    assert refused.status_code == 400
    assert unclosed in page.replace("&#34;", '"')
    assert one in page and "problems in" not in page.replace(two, "")
    assert questions(app) == set()  # the two good questions were not imported either
    twice = visible(upload(client, course_id, "x.gift", TWO_BROKEN).get_data(as_text=True))
    assert two in twice


def test_the_preview_shows_every_question_in_full_then_where_each_went(app, course_id, make_user):
    client = signed_in(app, make_user, "t1", locale="zh").client
    preview = upload(client, course_id, "full.gift", FULL + "\n" + GIFT_BANK)
    page = visible(preview.get_data(as_text=True))
    assert preview.status_code == 200
    for shown in (
        "及时发布权威信息",
        "100%",
        "50%",
        "部分正确：要快。",
        "会让谣言扩散。",
        "见第三课。",
    ):
        assert shown in page
    assert "政务微博 › 基础" in page and "$course$" not in page
    assert "预览：full.gift 中的 3 道试题" in page
    assert questions(app) == set()
    # The same question preview as the bank's: one piece of code.
    assert 'class="bank-question"' in preview.get_data(as_text=True)
    done = client.post(
        "/teach/quizzes/import",
        data={
            "csrf_token": csrf_token(client, "/teach/quizzes/import"),
            "course": course_id,
            "filename": "full.gift",
            "content": FULL,
        },
    )
    report = done.get_data(as_text=True)
    assert done.status_code == 200 and "pick" in questions(app)
    assert "新加入题库" in report and "政务微博 › 基础" in visible(report)
    with app.app_context():
        pick_id = db.session.scalar(
            sa.select(QuestionRecord.id).where(QuestionRecord.name == "pick")
        )
    assert f"/author/test-course/bank/{pick_id}" in report
    # Importing the same file again says so, question by question.
    again = client.post(
        "/teach/quizzes/import",
        data={
            "csrf_token": csrf_token(client, "/teach/quizzes/import"),
            "course": course_id,
            "filename": "full.gift",
            "content": FULL,
        },
    )
    assert "未变：题库中已有" in again.get_data(as_text=True)


def test_the_report_counts_in_english_singular_and_plural(app, course_id, make_user):
    client = signed_in(app, make_user, "t2", locale="en").client
    done = client.post(
        "/teach/quizzes/import",
        data={
            "csrf_token": csrf_token(client, "/teach/quizzes/import"),
            "course": course_id,
            "filename": "full.gift",
            "content": FULL,
        },
    )
    page = visible(done.get_data(as_text=True))
    assert "Imported 1 question from full.gift" in page and "new in the bank" in page
