"""In the browser: a learner takes a timed quiz, keeps the answers across a reload and a lost
connection, hands in with a double click and gets exactly one result."""

import re
import threading

import pytest
import sqlalchemy as sa
from flask import request
from playwright.sync_api import expect

from courseware.db import db
from courseware.quizzes.models import Answer, Attempt
from tests.browser.conftest import screenshot, sign_in
from tests.quizzes.conftest import QUIZ_YAML

pytestmark = pytest.mark.browser

# Network failures while the context is offline are expected; anything else on the console is not.
OFFLINE_NOISE = re.compile(r"^Failed to load resource: net::ERR_INTERNET_DISCONNECTED$")
# While the hand-in navigates away, an autosave still on its way may be cut off or find the attempt
# handed in (410); the browser logs those requests, which is no fault of the page.
HAND_IN_NOISE = re.compile(
    r"^Failed to load resource: (net::ERR_ABORTED|net::ERR_FAILED|"
    r"the server responded with a status of 410 \(GONE\))$"
)
RESULT_URL = re.compile(r"/quizzes/attempts/\d+/result$")


@pytest.fixture
def timed_quiz(app, lessons_dir, sync, tmp_path):
    """Quiz `check` of the test course (a question of every type) with a 10-minute time limit."""
    folder = tmp_path / "quizzes" / "test-course"
    folder.mkdir(parents=True)
    assert "time_limit: 0\n" in QUIZ_YAML
    (folder / "check.yaml").write_text(
        QUIZ_YAML.replace("time_limit: 0\n", "time_limit: 10\n"), "utf-8"
    )
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - lesson: second\n", "  - lesson: second\n  - quiz: check\n"
        ),
        "utf-8",
    )
    assert "quiz check: added" in sync().changes
    return "/quizzes/test-course/check"


def new_page(browser, locale):
    """A phone-sized page that records console errors, page errors and CSP reports."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale=locale)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    page.on("dialog", lambda dialog: dialog.accept())
    # CSP violations are also reported as events on the document: collect those as well.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI); });"
    )
    return page


def wait_saved(page):
    """Wait until the server confirmed the last save (the class is set by the script only: the text
    printed with the page does not count); fail at once if the page gave up saving."""
    page.wait_for_function(
        "() => ['save-saved', 'save-refused'].some(c => document.getElementById('save-state').classList.contains(c))"
    )
    state = page.locator("#save-state")
    assert state.get_attribute("class") == "save-saved", state.inner_text()
    assert state.inner_text().strip()


def answers_in_db(app, attempt_id):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.position)
        )
        return {a.position: a.response for a in rows}


def countdown_seconds(page):
    shown = page.locator("#countdown").inner_text()
    match = re.search(r"(\d+):(\d\d)\s*$", shown)
    assert match, shown
    return int(match.group(1)) * 60 + int(match.group(2))


def hold_first_hand_in(app):
    """Keep the first hand-in request waiting on the server until a second one arrives (or 5 s),
    so that a double click really sends two hand-ins that the server handles at the same time."""
    arrived = []
    second = threading.Event()

    @app.before_request
    def gate():
        if request.endpoint == "quizzes.submit":
            arrived.append(request.endpoint)
            if len(arrived) == 1:
                second.wait(timeout=5)
            else:
                second.set()

    return arrived


def test_timed_quiz_survives_reload_and_lost_connection_and_a_double_hand_in(
    app, live_server, browser, make_user, timed_quiz
):
    hand_ins = hold_first_hand_in(app)
    make_user(username="reader", name="Reader", locale="en")
    page = new_page(browser, "en-US")
    sign_in(page, live_server, "reader")

    # Start the timed quiz.
    page.goto(live_server + timed_quiz)
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_text("Time limit: 10 minutes")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("fieldset.question")).to_have_count(9)

    # The script shows the countdown as m:ss from about ten minutes, and it goes down.
    expect(page.locator("#countdown[role=timer]")).to_be_visible()
    page.wait_for_function(
        "() => /\\d+:\\d\\d$/.test(document.getElementById('countdown').textContent.trim())"
    )
    first = countdown_seconds(page)
    assert 9 * 60 + 50 <= first <= 10 * 60
    page.wait_for_function(
        "(first) => { const m = document.getElementById('countdown').textContent.match(/(\\d+):(\\d\\d)\\s*$/);"
        " return m !== null && Number(m[1]) * 60 + Number(m[2]) < first; }",
        arg=first,
    )

    # Answer about half the questions: a radio, checkboxes, true/false, a text and a select.
    page.locator("#q0").get_by_label("Right").check()
    page.locator("#q1").get_by_label("甲").check()
    page.locator("#q1").get_by_label("乙").check()
    page.locator("#q2").get_by_label("True").check()
    page.locator('#q3 input[name="a3"]').fill("abc1")
    page.locator('#q5 select[name="a5-0"]').select_option(label="one")
    wait_saved(page)
    saved = answers_in_db(app, attempt_id)
    assert saved[0] == 0 and saved[1] == [0, 1] and saved[2] is True and saved[3] == "abc1"
    assert saved[5] == [0, None]
    assert saved[4] in (None, "") and saved[7] in (None, "") and saved[8] in (None, "")
    assert page.console_errors == []
    screenshot(page, "quiz-answered")

    # A reload shows every answer again, and the clock went on.
    page.reload()
    assert page.locator("#q0").get_by_label("Right").is_checked()
    assert not page.locator("#q0").get_by_label("Wrong").is_checked()
    assert page.locator("#q1").get_by_label("甲").is_checked()
    assert page.locator("#q1").get_by_label("乙").is_checked()
    assert not page.locator("#q1").get_by_label("丙").is_checked()
    assert page.locator("#q2").get_by_label("True").is_checked()
    assert page.locator('#q3 input[name="a3"]').input_value() == "abc1"
    assert page.locator('#q5 select[name="a5-0"] option:checked').inner_text() == "one"
    assert page.locator('#q4 input[name="a4"]').input_value() == ""
    page.wait_for_function(
        "() => /\\d+:\\d\\d$/.test(document.getElementById('countdown').textContent.trim())"
    )
    assert 9 * 60 <= countdown_seconds(page) < first
    assert page.console_errors == []

    # The connection drops: the changed answers stay on the device and the learner is told.
    save_state = page.locator("#save-state")
    offline_text = save_state.get_attribute("data-offline")
    assert offline_text
    bar_height = page.locator("#attempt-bar").bounding_box()["height"]
    page.context.set_offline(True)
    page.locator('#q3 input[name="a3"]').fill("abc2")
    page.get_by_role("status").filter(has_text=offline_text).wait_for()
    # The warning takes no more room than "saved" did: nothing moves under the learner's finger.
    assert page.locator("#attempt-bar").bounding_box()["height"] == bar_height
    page.locator("#q2").get_by_label("False").check()
    page.wait_for_function(
        "(text) => document.getElementById('save-state').textContent.trim() === text",
        arg=offline_text,
    )
    assert page.locator("#attempt-bar").bounding_box()["height"] == bar_height
    assert answers_in_db(app, attempt_id)[3] == "abc1"
    screenshot(page, "quiz-offline")

    # Back online: the answers go to the server by themselves.
    page.context.set_offline(False)
    wait_saved(page)
    saved = answers_in_db(app, attempt_id)
    assert saved[3] == "abc2" and saved[2] is False
    assert saved[0] == 0 and saved[1] == [0, 1] and saved[5] == [0, None]
    assert [e for e in page.console_errors if not OFFLINE_NOISE.match(e)] == []
    page.console_errors.clear()

    # Hand in with two quick clicks, each confirmed: both reach the server while the first waits.
    button = page.locator("#submit-button")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_request(lambda r: r.url.endswith("/submit") and r.method == "POST"):
        page.mouse.click(x, y)
    page.mouse.click(x, y)
    expect(page).to_have_url(RESULT_URL)
    score = page.locator(".result-summary .score")
    score.wait_for()
    assert len(hand_ins) == 2
    with app.app_context():
        attempts = list(db.session.scalars(sa.select(Attempt)))
        assert len(attempts) == 1
        attempt = attempts[0]
        assert attempt.id == attempt_id and attempt.number == 1
        assert attempt.status == "submitted" and attempt.closed_by == "learner"
        assert attempt.score is not None and attempt.max_score == 9
        shown = f"Score: {attempt.score:g} of {attempt.max_score:g}"
    assert re.match(r"Score: [\d.]+ of [\d.]+", score.inner_text())
    assert score.inner_text().startswith(shown), (score.inner_text(), shown)
    assert page.locator("h1").inner_text() == "Result of attempt 1"
    assert answers_in_db(app, attempt_id)[3] == "abc2"
    assert [e for e in page.console_errors if not HAND_IN_NOISE.match(e)] == []
    screenshot(page, "quiz-result")

    # The quiz page lists that one attempt.
    page.goto(live_server + timed_quiz)
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.context.close()


def test_answers_typed_while_a_save_travels_or_after_a_lost_reply_are_kept(
    app, live_server, browser, make_user, timed_quiz
):
    """Two ways the autosave used to drop answers: a change made while a save was on its way was
    reported saved (and its device copy forgotten); a retry after a lost reply was refused."""
    make_user(username="reader", name="Reader", locale="en")
    page = new_page(browser, "en-US")
    sign_in(page, live_server, "reader")
    page.goto(live_server + timed_quiz)
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])

    held = []
    page.route("**/save", lambda route: held.append(route))
    page.locator("#q0").get_by_label("Right").check()
    page.wait_for_function(
        "() => document.getElementById('save-state').classList.contains('save-saving')"
    )
    page.locator('#q3 input[name="a3"]').fill("typed meanwhile")
    held[0].continue_()
    page.unroute("**/save")
    wait_saved(page)
    assert answers_in_db(app, attempt_id)[3] == "typed meanwhile"
    page.reload()
    assert page.locator('#q3 input[name="a3"]').input_value() == "typed meanwhile"

    # The server stores a save but its reply never arrives; later changes must still be saved.
    replies = []

    def lose_first_reply(route):
        if not replies:
            replies.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()

    page.route("**/save", lose_first_reply)
    page.locator("#q2").get_by_label("True").check()
    page.locator("#save-state.save-offline").wait_for()
    assert replies == [200]
    page.locator('#q3 input[name="a3"]').fill("after the lost reply")
    wait_saved(page)
    saved = answers_in_db(app, attempt_id)
    assert saved[2] is True and saved[3] == "after the lost reply"
    assert page.locator("#save-state").get_attribute("role") == "status"
    page.unroute("**/save")
    assert [
        e
        for e in page.console_errors
        if not e.startswith("Failed to load resource: net::ERR_FAILED")
    ] == []
    page.context.close()


def test_the_attempt_page_renders_in_chinese(app, live_server, browser, make_user, timed_quiz):
    make_user(username="xuexi", name="学员")
    page = new_page(browser, "zh-CN")
    sign_in(page, live_server, "xuexi")
    page.goto(live_server + timed_quiz)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", level=1).inner_text().strip() == "小测"
    page.locator('form[action$="/start"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.locator("fieldset.question")).to_have_count(9)
    expect(page.get_by_text("哪一项正确？")).to_be_visible()
    expect(page.locator("#q0 input[type=radio]")).to_have_count(2)
    expect(page.locator("#countdown[role=timer]")).to_be_visible()
    page.wait_for_function(
        "() => /\\d+:\\d\\d$/.test(document.getElementById('countdown').textContent.trim())"
    )
    expect(page.locator("#save-state[role=status]")).to_be_visible()
    expect(page.locator("#submit-button[data-confirm]")).to_be_visible()
    page.locator("#q0 input[type=radio]").first.check()
    wait_saved(page)
    screenshot(page, "quiz-attempt-zh")
    assert page.console_errors == []
    page.context.close()


def test_a_number_that_cannot_be_read_is_flagged_beside_its_question_before_hand_in(
    app, live_server, browser, make_user, timed_quiz
):
    make_user(username="zh-reader", name="读者")
    page = new_page(browser, "zh-CN")
    sign_in(page, live_server, "zh-reader")
    page.goto(live_server + timed_quiz)
    page.locator("form[action$='/start'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    flag = page.locator('#q4 [data-problem-for="a4"]')
    assert flag.is_hidden()

    page.locator('#q4 input[name="a4"]').fill("很多")
    wait_saved(page)
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("无法识别为数字")
    # Kept as typed: the learner decides what to change.
    assert answers_in_db(app, attempt_id)[4] == "很多"
    screenshot(page, "quiz-number-flagged")

    page.locator('#q4 input[name="a4"]').fill("六百八十九")
    wait_saved(page)
    expect(flag).to_be_hidden()
    assert answers_in_db(app, attempt_id)[4] == "六百八十九"
    assert page.console_errors == []
