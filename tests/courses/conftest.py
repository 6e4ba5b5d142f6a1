"""Fixtures for the course editor: an instructor signed in who edits the test course, and small
images made on the spot."""

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from tests.conftest import Auth

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BASE = re.compile(r'name="base_revision_id" (?:type="hidden" )?value="(\d*)"')


def signed_in(app, make_user, username="t1", locale="zh", edits=True):
    """An instructor signed in, who edits every course there is now (unless `edits` is False)."""
    user_id = make_user(Role.INSTRUCTOR, username=username, locale=locale)
    if edits:
        with app.app_context():
            for course in db.session.scalars(sa.select(Course)):
                course.editors.append(db.session.get(User, user_id))
            db.session.commit()
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def token_of(page: str) -> str:
    return CSRF.search(page).group(1)


def png(width=40, height=30, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG", **save)
    return out.getvalue()


def jpeg(width=400, height=300) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(out, "JPEG", quality=95)
    return out.getvalue()


@pytest.fixture
def teacher(app, make_user, lessons_dir, sync):
    """The test course synced, and an instructor signed in who edits it."""
    sync()
    return signed_in(app, make_user)
