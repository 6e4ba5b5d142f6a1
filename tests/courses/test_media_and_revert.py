"""Deleting an image from a course's media (refused while the cover, the course's pages or a
lesson shows it, naming them) and making an earlier revision of a course's settings and outline
the course's again."""

import re

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent
from courseware.courses.models import Course, CourseMedia, CourseRevision
from courseware.db import db
from tests.courses.conftest import BASE, png, signed_in, token_of
from tests.courses.test_images import upload

MEDIA = "/author/test-course/media"
HISTORY = "/author/test-course/history"


def media_names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(CourseMedia.name)))


def delete(auth, name):
    page = auth.client.get(MEDIA).get_data(as_text=True)
    return auth.client.post(f"{MEDIA}/{name}/delete", data={"csrf_token": token_of(page)})


def write_lesson(auth, body):
    page = auth.client.get("/author/test-course/first/edit").get_data(as_text=True)
    form = {
        "csrf_token": token_of(page),
        "base_revision_id": BASE.search(page).group(1),
        "title_zh": "第一课",
        "minutes": "5",
        "objectives_zh": "",
        "body_zh": body,
        "title_en": "",
        "objectives_en": "",
        "body_en": "",
        "note": "插图",
    }
    response = auth.client.post("/author/test-course/first/edit", data=form)
    assert response.status_code in (200, 302), response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("zh", "仍在使用它。请先从中移除。"),
        ("en", "still shows it. Take it out of them first."),
    ],
)
def test_an_image_a_lesson_shows_is_not_deleted_and_the_lesson_is_named(
    app, make_user, lessons_dir, sync, locale, message
):
    sync()
    auth = signed_in(app, make_user, locale=locale)
    name = upload(auth, png(), "图.png").get_json()["name"]
    write_lesson(auth, f"正文。\n\n![图](media/{name})\n")
    response = delete(auth, name)
    page = auth.client.get(response.location).get_data(as_text=True)
    assert message in page and "第一课" in page
    assert media_names(app) == [name]
    # Once the lesson's draft no longer shows it, it goes, and the deletion is audited.
    write_lesson(auth, "正文，没有图。\n")
    response = delete(auth, name)
    assert response.status_code == 302 and media_names(app) == []
    with app.app_context():
        assert db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "course.media_delete")
        )
    assert auth.client.get(f"/courses/test-course/media/{name}").status_code == 404


def test_the_cover_is_not_deleted(app, make_user, lessons_dir, sync):
    sync()
    auth = signed_in(app, make_user, locale="en")
    name = upload(auth, png(), "cover.png").get_json()["name"]
    with app.app_context():
        db.session.scalar(sa.select(Course)).cover = name
        db.session.commit()
    page = auth.client.get(delete(auth, name).location).get_data(as_text=True)
    assert "the course&#39;s cover still shows it" in page and media_names(app) == [name]


def test_only_editors_delete_and_only_with_a_token(app, make_user, lessons_dir, sync):
    sync()
    editor = signed_in(app, make_user)
    name = upload(editor, png(), "a.png").get_json()["name"]
    outsider = signed_in(app, make_user, username="t9", edits=False)
    assert outsider.post(f"{MEDIA}/{name}/delete").status_code == 404
    no_token = editor.client.post(f"{MEDIA}/{name}/delete")
    assert no_token.status_code == 400 and media_names(app) == [name]
    assert editor.post(f"{MEDIA}/nothing.png/delete").status_code == 404


def revert_form(auth, number):
    page = auth.client.get(HISTORY).get_data(as_text=True)
    action = re.search(r'action="(/author/test-course/history/(\d+)/revert)"', page)
    with auth.client.application.app_context():
        revision_id = db.session.scalar(
            sa.select(CourseRevision.id).where(CourseRevision.number == number)
        )
    assert action is not None
    return f"/author/test-course/history/{revision_id}/revert", {
        "csrf_token": token_of(page),
        "base_revision_id": BASE.search(page).group(1),
    }


def save_credit_hours(auth, hours):
    page = auth.client.get("/author/test-course/settings").get_data(as_text=True)
    form = {
        "csrf_token": token_of(page),
        "base_revision_id": BASE.search(page).group(1),
        "title_zh": "测试课程",
        "title_en": "Test course",
        "summary_zh": "用于测试。",
        "summary_en": "",
        "audience_zh": "",
        "audience_en": "",
        "credit_hours": str(hours),
    }
    assert auth.client.post("/author/test-course/settings", data=form).status_code == 302


def course_now(app):
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        return course.credit_hours, [list(i) for i in course.items]


@pytest.mark.parametrize(
    ("locale", "message"),
    [("zh", "已恢复为第 1 版，另存为第 3 版。"), ("en", "Revision 1 is the course's again")],
)
def test_an_earlier_revision_is_made_the_courses_again(
    app, make_user, lessons_dir, sync, locale, message
):
    sync()
    auth = signed_in(app, make_user, locale=locale)
    before = course_now(app)
    save_credit_hours(auth, 7)
    assert course_now(app)[0] == 7
    url, form = revert_form(auth, 1)
    response = auth.client.post(url, data=form)
    page = auth.client.get(response.location).get_data(as_text=True)
    assert message.replace("'", "&#39;") in page
    assert course_now(app) == before
    with app.app_context():
        newest = db.session.scalar(
            sa.select(CourseRevision).order_by(CourseRevision.number.desc()).limit(1)
        )
        assert (newest.number, newest.change, newest.note) == (3, "revert", "#1")


def test_a_revert_from_a_stale_history_page_changes_nothing(app, make_user, lessons_dir, sync):
    sync()
    first, second = signed_in(app, make_user, "t1"), signed_in(app, make_user, "t2")
    save_credit_hours(first, 5)
    url, stale = revert_form(second, 1)
    save_credit_hours(first, 6)
    response = second.client.post(url, data=stale)
    page = second.client.get(response.location).get_data(as_text=True)
    assert "未作恢复" in page and course_now(app)[0] == 6


def test_a_revert_leaves_out_items_that_are_gone(app, make_user, lessons_dir, sync):
    sync()
    auth = signed_in(app, make_user, locale="en")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        revision = db.session.scalar(sa.select(CourseRevision).where(CourseRevision.number == 1))
        revision.settings = revision.settings | {
            "items": revision.settings["items"] + [["lesson", "gone"], ["quiz", "gone-too"]]
        }
        items = [list(i) for i in course.items]
        db.session.commit()
    save_credit_hours(auth, 4)
    url, form = revert_form(auth, 1)
    auth.client.post(url, data=form)
    assert course_now(app)[1] == items
