"""Reading lessons and recording progress: opening is not completing."""

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from courseware.db import db
from courseware.lessons.models import LessonRevision
from courseware.progress.models import LessonProgress, LessonVisit
from tests.conftest import csrf_token


def open_lesson(client, slug, **kwargs):
    """Open a lesson page and send its first heartbeat, which opens the visit; return both."""
    response = client.get(f"/courses/test-course/{slug}", **kwargs)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    lesson = int(re.search(r'data-lesson="(\d+)"', page).group(1))
    revision = int(re.search(r'data-revision="(\d+)"', page).group(1))
    first = post_beat(client, {"lesson": lesson, "revision": revision, "seconds": 0, "position": 0})
    assert first.status_code == 200
    return page, first.get_json()["visit"]


def post_beat(client, payload):
    token = csrf_token(client, "/courses/")
    return client.post(
        "/progress/beat",
        data=json.dumps(payload),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )


def beat(client, visit, seconds=15, reached_end=False, position=0.5, idle=0):
    return post_beat(
        client,
        {
            "visit": visit,
            "seconds": seconds,
            "reached_end": reached_end,
            "position": position,
            "idle": idle,
        },
    )


def age_visit(app, visit, seconds, summary=True):
    """Pretend the visit's last heartbeat (and the learner's last beat on the lesson) was `seconds` ago."""
    with app.app_context():
        row = db.session.get(LessonVisit, visit)
        row.last_beat_at -= dt.timedelta(seconds=seconds)
        progress = db.session.scalar(
            sa.select(LessonProgress).where(
                LessonProgress.user_id == row.user_id, LessonProgress.lesson_id == row.lesson_id
            )
        )
        if summary and progress is not None:
            progress.last_opened_at -= dt.timedelta(seconds=seconds)
        db.session.commit()


def test_catalogue_course_and_lesson_pages(client, auth, make_user, lessons_dir, sync):
    sync()
    make_user(username="zhang")
    auth.login("zhang")
    catalogue = client.get("/courses/").get_data(as_text=True)
    assert "测试课程" in catalogue and "2 学时" in catalogue
    course = client.get("/courses/test-course").get_data(as_text=True)
    assert "第一课" in course and "未开始" in course
    page, _ = open_lesson(client, "first")
    assert "<h2 id=" in page and "第一课正文" in page
    assert 'href="second"' in page  # the link to 02-second.md points at the lesson page
    assert 'rel="next"' in page


def test_english_readers_get_the_translation_or_a_note(client, auth, make_user, lessons_dir, sync):
    sync()
    make_user(username="zhang", locale="en")
    auth.login("zhang")
    page, _ = open_lesson(client, "first")
    assert "The first lesson." in page and "第一课正文" not in page
    page, _ = open_lesson(client, "second")
    assert "第二课正文" in page and "no English translation yet" in page


def test_opening_is_not_completing(app, client, auth, make_user, lessons_dir, sync):
    sync()
    make_user(username="zhang")
    auth.login("zhang")
    _, visit = open_lesson(client, "second")  # 4 minutes: 120 s of reading needed
    # Reaching the end at once does not complete the lesson.
    assert beat(client, visit, seconds=5, reached_end=True).get_json()["status"] == "in_progress"
    # A client cannot claim more time than has passed.
    response = beat(client, visit, seconds=600)
    assert response.get_json()["active_seconds"] <= 15
    for _ in range(3):
        age_visit(app, visit, 50)
        data = beat(client, visit, seconds=50).get_json()
    assert data["status"] == "completed"
    with app.app_context():
        row = db.session.scalar(sa.select(LessonProgress))
        assert row.completed_at is not None and row.active_seconds >= 120


def test_time_without_reaching_the_end_does_not_complete(
    app, client, auth, make_user, lessons_dir, sync
):
    sync()
    make_user(username="zhang")
    auth.login("zhang")
    _, visit = open_lesson(client, "second")
    for _ in range(4):
        age_visit(app, visit, 60)
        data = beat(client, visit, seconds=60, reached_end=False).get_json()
    assert data["status"] == "in_progress" and data["active_seconds"] >= 200


def test_two_windows_on_one_lesson_do_not_count_twice(
    app, client, auth, make_user, lessons_dir, sync
):
    sync()
    make_user(username="zhang")
    auth.login("zhang")
    _, first = open_lesson(client, "second")
    _, second = open_lesson(client, "second")
    beat(client, first, seconds=1)
    beat(client, second, seconds=1)
    for _ in range(3):
        age_visit(app, first, 30)
        age_visit(app, second, 30, summary=False)
        beat(client, first, seconds=30)
        data = beat(client, second, seconds=30).get_json()
    # Three 30-second stretches of wall time, whatever the number of windows.
    assert 90 <= data["active_seconds"] <= 92


@pytest.mark.parametrize(
    "payload",
    [{"visit": 1, "position": "NaN"}, {"visit": 10**30}, {"visit": "x"}, {}, [], {"lesson": 1}],
)
def test_malformed_heartbeats_are_answered_400(client, auth, make_user, payload):
    make_user(username="zhang")
    auth.login("zhang")
    assert post_beat(client, payload).status_code == 400


def test_viewing_a_page_writes_nothing_and_a_draft_cannot_be_logged(
    app, client, auth, make_user, lessons_dir, sync
):
    sync()
    make_user(username="zhang")
    auth.login("zhang")
    page = client.get("/courses/test-course/first").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonVisit)) == 0
        draft = LessonRevision(
            lesson_id=1,
            number=9,
            status="draft",
            source="browser",
            minutes=1,
            title_zh="草稿",
            objectives_zh=[],
            body_zh="草稿",
            content_hash="x",
        )
        db.session.add(draft)
        db.session.commit()
        draft_id, lesson_id = draft.id, draft.lesson_id
    assert 'data-lesson="' in page
    assert post_beat(client, {"lesson": lesson_id, "revision": draft_id}).status_code == 404


def test_a_heartbeat_for_someone_elses_visit_is_refused(
    app, client, auth, make_user, lessons_dir, sync
):
    from tests.conftest import Auth

    sync()
    make_user(username="zhang")
    make_user(username="li")
    auth.login("zhang")
    _, visit = open_lesson(client, "first")
    other = Auth(app.test_client())
    other.login("li")
    assert beat(other.client, visit).status_code == 404
    assert beat(client, "not-a-number").status_code == 400


def test_returning_learner_resumes_and_sees_my_learning(
    app, client, auth, make_user, lessons_dir, sync
):
    sync()
    make_user(username="zhang")
    auth.login("zhang")
    _, visit = open_lesson(client, "second")
    beat(client, visit, seconds=5, position=0.6)
    course = client.get("/courses/test-course").get_data(as_text=True)
    assert "继续学习：第二课" in course
    page = client.get("/courses/test-course/second").get_data(as_text=True)
    assert 'data-position="0.6"' in page
    learning = client.get("/my-learning").get_data(as_text=True)
    assert "测试课程" in learning and "0 / 2" in learning


def test_lesson_media_is_served_with_its_type_and_nothing_else(
    client, auth, make_user, lessons_dir, sync
):
    (lessons_dir / "media").mkdir()
    (lessons_dir / "media" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (lessons_dir / "media" / "evil.svg").write_text("<svg><script>alert(1)</script></svg>")
    sync()
    make_user(username="zhang")
    auth.login("zhang")
    png = client.get("/courses/test-course/media/chart.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert client.get("/courses/test-course/media/evil.svg").status_code == 404
    assert client.get("/courses/test-course/media/..%2Fcourse.yaml").status_code == 404
