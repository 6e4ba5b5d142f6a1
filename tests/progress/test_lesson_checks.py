"""Questions inside lessons (随堂测验): rendered as placeholders, answered in place, required for
completion; heartbeats credit only active time; a script that only beats cannot complete."""

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from courseware import jobs
from courseware.accounts.models import Role
from courseware.certificates.models import Certificate
from courseware.content.markdown import render_markdown
from courseware.content.steps import check_all
from courseware.courses.models import Course, course_editor
from courseware.db import db
from courseware.progress import rechecks
from courseware.progress.models import (
    CompletionRecheck,
    CourseCompletion,
    LessonCheckAnswer,
    LessonProgress,
    LessonVisit,
)
from courseware.quizzes.models import QuestionRecord
from courseware.timeutil import utcnow
from tests.conftest import csrf_token, lesson_text

BANK = """\
category: lesson-checks
questions:
  - id: pick-right
    type: single
    text: {zh: 哪一项正确？, en: "Which is right?"}
    options:
      - text: {zh: 对的, en: Right}
        correct: true
      - text: {zh: 错的, en: Wrong}
        feedback: {zh: 不对。, en: Not so.}
    explanation: {zh: 见第一课。, en: See lesson 1.}
  - id: say-yes
    type: truefalse
    text: {zh: 政务微博要讲实话。, en: Government microblogs must speak truthfully.}
    answer: true
  - id: think
    type: essay
    text: 谈谈你的看法。
"""

FIRST_ZH = """\
## 导语

第一段。

!!! check pick-right

## 讨论

```
!!! check not-a-check
```

!!! check say-yes

结语。"""

FIRST_EN = """\
## Introduction

First part.

!!! check pick-right

## Discussion

!!! check say-yes

The end."""


def first_lesson(tries=0, zh=FIRST_ZH, en=FIRST_EN):
    text = lesson_text("第一课", zh)
    if tries:
        text = text.replace("minutes: 10\n", f"minutes: 10\ncheck_tries: {tries}\n")
    return text, lesson_text("Lesson one", en, minutes=None)


@pytest.fixture
def course(app, lessons_dir, tmp_path):
    """The test course whose first lesson asks two bank questions, in Chinese and English."""
    zh, en = first_lesson()
    (lessons_dir / "01-first.md").write_text(zh, "utf-8")
    (lessons_dir / "01-first.en.md").write_text(en, "utf-8")
    banks = tmp_path / "quizzes" / "test-course" / "banks"
    banks.mkdir(parents=True)
    (banks / "checks.yaml").write_text(BANK, "utf-8")
    return lessons_dir


@pytest.fixture
def reader(app, course, sync, make_user, auth):
    sync()
    make_user(username="zhang")
    auth.login("zhang")
    return "zhang"


def post_beat(client, payload):
    return client.post(
        "/progress/beat",
        data=json.dumps(payload),
        headers={
            "X-CSRFToken": csrf_token(client, "/courses/"),
            "Content-Type": "application/json",
        },
    )


def open_lesson(client, slug="first"):
    page = client.get(f"/courses/test-course/{slug}").get_data(as_text=True)
    lesson = int(re.search(r'data-lesson="(\d+)"', page).group(1))
    revision = int(re.search(r'data-revision="(\d+)"', page).group(1))
    first = post_beat(client, {"lesson": lesson, "revision": revision, "seconds": 0, "idle": 0})
    assert first.status_code == 200
    return page, first.get_json()["visit"]


def age(app, visit, seconds):
    """Pretend the visit's last beat, and the learner's last beat on the lesson, were earlier."""
    with app.app_context():
        row = db.session.get(LessonVisit, visit)
        row.last_beat_at -= dt.timedelta(seconds=seconds)
        for progress in db.session.scalars(
            sa.select(LessonProgress).where(LessonProgress.user_id == row.user_id)
        ):
            progress.last_opened_at -= dt.timedelta(seconds=seconds)
        db.session.commit()


def beat(client, visit, seconds=60, **extra):
    payload = {"visit": visit, "seconds": seconds, "position": 0.5, "idle": 0, **extra}
    return post_beat(client, payload).get_json()


def answer(client, index, value, visit=None, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/courses/test-course/first/checks/{index}",
        data={"csrf_token": csrf_token(client, "/courses/"), f"a{index}": value, "visit": visit},
        headers=headers,
    )


def summary(app, slug="first"):
    with app.app_context():
        return db.session.scalar(sa.select(LessonProgress))


# --- rendering and sanitising ------------------------------------------------------------------


def test_a_check_line_renders_a_placeholder_and_nothing_else_passes_for_one():
    html = render_markdown(
        "!!! check pick-right\n\n```\n!!! check in-code\n```\n\n"
        '<div data-check="forged" class="lesson-check">x</div>\n\n'
        '!!! check a"><script>alert(1)</script>\n\n!!! note\n    kept\n'
    ).html
    assert '<div class="lesson-check" id="check-1" data-check="pick-right"></div>' in html
    assert "!!! check in-code" in html and 'data-check="in-code"' not in html
    assert 'data-check="forged"' not in html  # only the check lines place checks
    assert "<script>" not in html and 'id="check-2" data-check="a&quot;&gt;&lt;script&gt;' in html
    assert 'class="admonition note"' in html  # other admonitions are untouched


def test_the_shared_page_holds_placeholders_not_the_readers_state(client, app, reader):
    page, visit = open_lesson(client)
    assert 'id="check-1" data-check="pick-right"' in page
    assert 'id="check-2" data-check="say-yes"' in page
    assert "哪一项正确" not in page  # the question comes with the reader's own request
    assert "本课穿插 2 道随堂测验题" in page
    part = client.get(f"/courses/test-course/first/checks/1?visit={visit}")
    assert part.status_code == 200 and "哪一项正确" in part.get_data(as_text=True)
    assert "no-store" in part.headers["Cache-Control"]
    assert client.get("/courses/test-course/first/checks/3").status_code == 404
    assert client.get("/courses/test-course/second/checks/1").status_code == 404


# --- answering ---------------------------------------------------------------------------------


def test_answers_are_graded_by_the_question_type_and_kept(client, app, reader):
    _page, visit = open_lesson(client)
    wrong = answer(client, 1, "1", visit).get_data(as_text=True)
    assert "不对。" in wrong  # the option's own feedback
    right = answer(client, 1, "0", visit).get_data(as_text=True)
    assert "见第一课" in right and 'class="review correct"' in right
    assert "disabled" in right  # answered right: nothing more to answer
    with app.app_context():
        row = db.session.scalar(sa.select(LessonCheckAnswer))
        assert (row.name, row.correct, row.total_tries, row.response) == ("pick-right", True, 2, 0)
    blank = answer(client, 2, "", visit).get_data(as_text=True)
    assert "请先选择或填写答案" in blank
    # Without htmx the answer is kept and the reader goes back to the question in the lesson.
    plain = answer(client, 2, "true", visit, htmx=False)
    assert plain.status_code == 302 and plain.location.endswith(
        "/courses/test-course/first#check-2"
    )


def test_with_tries_a_check_must_be_answered_right_within_them_per_visit(
    client, app, course, sync, make_user, auth
):
    zh, en = first_lesson(tries=1)
    (course / "01-first.md").write_text(zh, "utf-8")
    sync()
    make_user(username="li")
    auth.login("li")
    _page, visit = open_lesson(client)
    answer(client, 1, "1", visit)
    refused = answer(client, 1, "0", visit).get_data(as_text=True)
    assert "这次作答没有计入" in refused
    with app.app_context():
        row = db.session.scalar(sa.select(LessonCheckAnswer))
        assert (row.tries, row.correct) == (1, False)
    # Reading the lesson again (a new visit) gives another try.
    _page, again = open_lesson(client)
    assert 'class="review correct"' in answer(client, 1, "0", again).get_data(as_text=True)


# --- completion and time -----------------------------------------------------------------------


def test_a_lesson_completes_only_once_every_check_is_answered(client, app, reader):
    _page, visit = open_lesson(client)
    # The reader reads on without reaching a check, then reaches the end: time counts until then.
    age(app, visit, 400)
    assert beat(client, visit, seconds=400, checks_seen=0)["active_seconds"] == 60
    for _ in range(5):
        age(app, visit, 60)
        beat(client, visit, seconds=60, checks_seen=0)
    assert summary(app).active_seconds >= 300
    age(app, visit, 60)
    data = beat(client, visit, seconds=60, reached_end=True)
    assert data["status"] == "in_progress"  # long enough and to the end, but the checks wait
    answer(client, 1, "0", visit)
    last = answer(client, 2, "true", visit).get_data(as_text=True)
    assert "lesson-done" in last
    assert summary(app).status == "completed"


def test_time_after_an_unanswered_check_does_not_count(client, app, reader):
    _page, visit = open_lesson(client)
    age(app, visit, 30)
    assert beat(client, visit, seconds=30, checks_seen=0)["active_seconds"] == 30
    age(app, visit, 30)
    assert beat(client, visit, seconds=30, checks_seen=1)["active_seconds"] == 30
    answer(client, 1, "0", visit)
    age(app, visit, 30)
    assert beat(client, visit, seconds=30, checks_seen=1)["active_seconds"] == 60
    age(app, visit, 30)  # the second check reached, unanswered: again nothing
    assert beat(client, visit, seconds=30, checks_seen=2)["active_seconds"] == 60
    with app.app_context():
        assert db.session.get(LessonVisit, visit).active_seconds == 60


@pytest.mark.parametrize(
    ("idle", "credited"),
    [(None, 0), (300, 0), (140, 5), (0, 15)],
)
def test_a_heartbeat_credits_only_time_the_reader_acted_in(client, app, reader, idle, credited):
    """Each act keeps the reader counted for two minutes; a beat that does not say is not."""
    _page, visit = open_lesson(client)
    age(app, visit, 20)  # twenty seconds since the last beat, and five more for network delay
    payload = {"visit": visit, "seconds": 15, "position": 0.1}
    if idle is not None:
        payload["idle"] = idle
    assert post_beat(client, payload).get_json()["active_seconds"] == credited


def test_time_per_visit_is_capped(client, app, reader):
    app.config["LESSON_VISIT_MAX_MINUTES"] = 1
    _page, visit = open_lesson(client)
    for _ in range(3):
        age(app, visit, 45)
        beat(client, visit, seconds=45)
    with app.app_context():
        assert db.session.get(LessonVisit, visit).active_seconds == 60


def test_a_script_posting_heartbeats_without_answering_cannot_complete(client, app, reader):
    """What scripts sold to cadres do: open the page, beat with every flag set, never answer."""
    _page, visit = open_lesson(client)
    for _ in range(30):
        age(app, visit, 3600)
        data = beat(client, visit, seconds=3600, reached_end=True, checks_seen=0, idle=0)
        assert data["status"] == "in_progress"
    for _ in range(3):  # new visits change nothing
        _page, visit = open_lesson(client)
        age(app, visit, 3600)
        assert beat(client, visit, seconds=3600, reached_end=True)["status"] == "in_progress"
    assert summary(app).status == "in_progress"
    assert summary(app).active_seconds < 600  # time after the unanswered checks did not count
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)) == 0


def test_a_check_whose_question_left_the_bank_holds_nobody_back(client, app, reader):
    with app.app_context():
        for record in db.session.scalars(sa.select(QuestionRecord)):
            record.archived_at = utcnow()
        db.session.commit()
    _page, visit = open_lesson(client)
    assert client.get(f"/courses/test-course/first/checks/1?visit={visit}").status_code == 404
    for _ in range(6):
        age(app, visit, 60)
        data = beat(client, visit, seconds=60, reached_end=True)
    assert data["status"] == "completed"


# --- content check -----------------------------------------------------------------------------


def problems_of(app):
    with app.app_context():
        return [str(p) for p in check_all()[1]]


def test_content_check_names_a_check_whose_question_is_missing(app, course):
    zh, en = first_lesson(
        zh=FIRST_ZH.replace("say-yes", "no-such-question"),
        en=FIRST_EN.replace("say-yes", "no-such-question"),
    )
    (course / "01-first.md").write_text(zh, "utf-8")
    (course / "01-first.en.md").write_text(en, "utf-8")
    line = zh.split("\n").index("!!! check no-such-question") + 1
    en_line = en.split("\n").index("!!! check no-such-question") + 1
    messages = problems_of(app)
    assert (
        f"lessons/test-course/01-first.md:{line}: the check asks for question no-such-question, which the course's bank (quizzes/test-course/) does not have"
        in messages
    )
    assert any(m.startswith(f"lessons/test-course/01-first.en.md:{en_line}:") for m in messages)


def test_content_check_names_other_wrong_checks(app, course):
    zh, en = first_lesson(en=FIRST_EN.replace("say-yes", "pick-right"))
    (course / "01-first.en.md").write_text(en, "utf-8")
    (course / "02-second.md").write_text(lesson_text("第二课", "正文。\n\n!!! check"), "utf-8")
    messages = problems_of(app)
    lines = en.split("\n")
    en_line = lines.index("!!! check pick-right", lines.index("!!! check pick-right") + 1) + 1
    assert any(
        m.startswith(f"lessons/test-course/01-first.en.md:{en_line}:") and "same order" in m
        for m in messages
    ), messages
    assert any(
        m.startswith("lessons/test-course/02-second.md:10:") and "NAME" in m for m in messages
    )
    (course / "01-first.en.md").write_text(first_lesson()[1], "utf-8")
    (course / "02-second.md").write_text(
        lesson_text("第二课", "正文。\n\n!!! check think"), "utf-8"
    )
    assert problems_of(app) == [
        "lessons/test-course/02-second.md:10: the check asks for question think, of type essay: "
        "a check needs a question the computer grades"
    ]


# --- completion kept right ---------------------------------------------------------------------


def test_a_relaxed_rule_completes_learners_in_the_background(client, app, reader, make_user, auth):
    """Zhang completes the first lesson only; the rule then asks for the first lesson alone."""
    _page, visit = open_lesson(client)
    answer(client, 1, "0", visit)
    answer(client, 2, "true", visit)
    for _ in range(6):
        age(app, visit, 60)
        beat(client, visit, seconds=60, reached_end=True)
    assert summary(app).status == "completed"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)) == 0
    teacher = make_user(Role.INSTRUCTOR, username="teacher")
    with app.app_context():
        course_id = db.session.scalar(sa.select(Course.id))
        db.session.execute(course_editor.insert().values(course_id=course_id, user_id=teacher))
        db.session.commit()
    auth.logout()
    auth.login("teacher")
    saved = client.post(
        "/teach/courses/test-course/completion",
        data={
            "csrf_token": csrf_token(client, "/teach/courses/test-course/completion"),
            "lessons": ["first"],
            "min_active_minutes": "0",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        recheck = db.session.scalar(sa.select(CompletionRecheck))
        assert recheck.status == "queued"  # waiting for the worker: nobody completed yet
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)) == 0
        recheck_id = recheck.id
    assert jobs.run(app, rechecks.KIND, recheck_id)  # what the worker does with the message
    status = client.get(f"/teach/courses/test-course/completion/rechecks/{recheck_id}")
    text = status.get_data(as_text=True)
    assert "1 名学员符合新规则" in text
    with app.app_context():
        completion = db.session.scalar(sa.select(CourseCompletion))
        assert completion is not None
        assert db.session.scalar(
            sa.select(Certificate).where(Certificate.completion_id == completion.id)
        )
        assert db.session.get(CompletionRecheck, recheck_id).completed == 1
    # Run again: nobody is completed twice.
    with app.app_context():
        again = rechecks.start(db.session.scalar(sa.select(Course)), None)
        again_id = again.id
    jobs.run(app, rechecks.KIND, again_id)
    with app.app_context():
        assert db.session.get(CompletionRecheck, again_id).completed == 0
