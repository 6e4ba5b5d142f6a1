"""English counts go through ngettext ("1 minute", "2 minutes") and English text says "credit hours"
where Chinese says 学时; the Chinese pages keep their words."""

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from courseware.exercises import messages
from tests.conftest import Auth
from tests.quizzes.conftest import quiz_course  # noqa: F401  (a fixture)
from tests.quizzes.test_attempts import start

ROOT = Path(__file__).resolve().parents[1]
# A number followed, perhaps after one word, by an English plural: "%(n)d minutes", "%(n)s key facts".
COUNTED = re.compile(
    r"%\(\w+\)[ds] (?:[a-z-]+ )?(?:minutes|seconds|points|hours|rows|entries|questions|problems"
    r"|answers|lessons|posts|statements|facts|updates|learners|attempts)\b"
)


def english_messages():
    """Every message the code and templates mark for translation, as pybabel extracts them."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "Plural": (1, 2)}
    for filename, lineno, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        yield f"{filename}:{lineno}", message


def test_every_english_count_goes_through_ngettext_and_no_msgid_says_学时_alone():
    counted, chinese = [], []
    for where, message in english_messages():
        if isinstance(message, str) and COUNTED.search(message):
            counted.append(f"{where}: {message}")
        for text in [message] if isinstance(message, str) else message:
            # "Credit hours (学时)" names the Chinese term beside the English one; alone it is Chinese.
            if text and "学时" in text.replace("(学时)", ""):
                chinese.append(f"{where}: {text}")
    assert counted == [] and chinese == []


def test_english_pages_say_one_in_the_singular(
    app, client, make_user, lessons_dir, sync, quiz_course
):
    course = lessons_dir / "course.yaml"
    course.write_text(course.read_text("utf-8").replace("credit_hours: 2", "credit_hours: 1"))
    first = lessons_dir / "01-first.md"
    first.write_text(first.read_text("utf-8").replace("minutes: 10", "minutes: 1"))
    sync()
    make_user(username="reader", locale="en")
    auth = Auth(client)
    assert auth.login("reader").status_code == 302
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert re.search(r"\b1 credit hour\b(?!s)", page) and "学时" not in page
    lesson = client.get("/courses/test-course/first").get_data(as_text=True)
    assert "About 1 minute<" in lesson
    attempt = client.get(f"/quizzes/attempts/{start(auth)}").get_data(as_text=True)
    assert "(1 point)" in attempt and "(1 points)" not in attempt

    chinese = app.test_client()
    make_user(username="duzhe")
    assert Auth(chinese).login("duzhe").status_code == 302
    assert "1 学时" in chinese.get("/courses/test-course").get_data(as_text=True)


def test_the_drill_reports_count_posts_and_facts_in_english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        one = messages.say(messages.REASONS, "penalised", {"count": 1, "posts": 1})
        three = messages.say(messages.REASONS, "facts_stated", {"stated": 2, "required": 3})
        fact = messages.say(messages.REASONS, "facts_stated", {"stated": 0, "required": 1})
    assert one == "1 of 1 post used phrases that shut the public out."
    assert three == "2 of 3 key facts stated." and fact == "0 of 1 key fact stated."
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        zh = messages.say(messages.REASONS, "penalised", {"count": 1, "posts": 1})
    assert "1" in zh and "post" not in zh
