"""In the browser, in Chinese on a 360-px phone: an instructor compares two versions of a quiz
(the changed words marked), makes the first one the quiz's again, takes the quiz out of the
course and puts it back, all by the page's own links and buttons."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits, screenshot, sign_in
from tests.courses.conftest import signed_in
from tests.quizzes.builder_fixtures import bank, quiz_form  # noqa: F401
from tests.quizzes.conftest import quiz_course  # noqa: F401
from tests.quizzes.test_quiz_versions import base_of, post

pytestmark = pytest.mark.browser


def test_an_instructor_compares_reverts_takes_out_and_puts_back_a_quiz(
    app, live_server, page, make_user, bank
):
    editor = signed_in(app, make_user, "teacher")
    changed = quiz_form(
        title_zh="政务微博小测（修订）",
        pass_mark="80",
        questions=["pick-one", "yes-no"],
        base_version_id=base_of(app, "check"),
        publish="y",
        **{f"draws-{i}-{f}": "" for i in (0, 1) for f in ("category", "count")},
    )
    assert post(editor, "/author/test-course/quizzes/check/edit", changed).status_code == 302
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, "teacher")

    page.goto(f"{live_server}/author/test-course/")
    page.get_by_role("link", name="“政务微博小测（修订）”的各个版本").click()
    assert fits(page)
    page.get_by_role("button", name="比较所选的两个版本").click()
    page.get_by_role("heading", name="从第 1 版到第 2 版的改动").wait_for()
    expect(page.locator("ins", has_text="80")).to_have_count(1)
    expect(page.locator("del", has_text="pick-two")).to_have_count(1)
    assert fits(page)
    screenshot(page, "quiz-version-diff-phone")

    page.get_by_role("link", name="版本").click()
    page.get_by_role("button", name="恢复到第 1 版").click()
    page.get_by_text("已恢复：第 3 版是第 1 版的副本").wait_for()
    assert fits(page)
    screenshot(page, "quiz-history-phone")

    page.goto(f"{live_server}/author/test-course/")
    page.locator("#item-quiz-check").get_by_role("button", name="移出").click()
    page.get_by_text("已移出课程").wait_for()
    page.get_by_role("heading", name="已移出的测验").wait_for()
    assert fits(page)
    screenshot(page, "quiz-taken-out-phone")
    page.get_by_role("button", name="把“小测”放回").click()
    page.get_by_text("测验已放回课程").wait_for()
    expect(page.locator("#item-quiz-check")).to_have_count(1)
    assert page.console_errors == []
