"""Bad input on the editor's preview, the revision comparison and the language switch is answered
with a message in the page's language, never a failure."""

import pytest
import sqlalchemy as sa

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from tests.conftest import Auth, csrf_token


def signed_in(app, make_user, locale):
    """An instructor who edits every course: only a course's editors write its lessons."""
    user_id = make_user(Role.INSTRUCTOR, username="t1", locale=locale)
    with app.app_context():
        for course in db.session.scalars(sa.select(Course)):
            course.editors.append(db.session.get(User, user_id))
        db.session.commit()
    client = app.test_client()
    assert Auth(client).login("t1").status_code == 302
    return client


@pytest.mark.parametrize(
    ("locale", "data", "message"),
    [
        ("zh", {"lang": "fr", "body_zh": "正文"}, "请选择中文或英文。"),
        ("en", {"lang": "en", "body_en": "x" * 200_001}, "200000"),
    ],
)
def test_a_preview_it_cannot_make_says_why(
    app, make_user, lessons_dir, sync, locale, data, message
):
    sync()
    client = signed_in(app, make_user, locale)
    response = client.post(
        "/author/test-course/preview",
        data=data,
        headers={"X-CSRFToken": csrf_token(client, "/")},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'class="field-error"' in page


@pytest.mark.parametrize(
    ("locale", "query", "message"),
    [
        ("zh", "?a=1", "请选择两个修订版进行比较。"),
        ("en", "?a=x&b=99999999999", "Choose two revisions"),
    ],
)
def test_a_comparison_without_two_revisions_asks_for_them(
    app, make_user, lessons_dir, sync, locale, query, message
):
    sync()
    client = signed_in(app, make_user, locale)
    response = client.get(f"/author/test-course/second/diff{query}", follow_redirects=True)
    assert response.status_code == 200 and message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "message"), [("zh_CN", "请选择中文或 English。"), ("en", "Choose 中文 or English.")]
)
def test_an_unknown_language_is_refused_with_a_message(app, client, locale, message):
    client.set_cookie("locale", locale)
    token = csrf_token(client, "/")
    response = client.post(
        "/language", data={"csrf_token": token, "locale": "fr", "next": "/"}, follow_redirects=True
    )
    assert response.status_code == 200 and message in response.get_data(as_text=True)
