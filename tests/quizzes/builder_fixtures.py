"""A course with a bank of two categories, and an instructor who edits it, for the quiz builder's
tests."""

import pytest
import sqlalchemy as sa

from courseware.accounts.models import Role, User
from courseware.courses.models import Course
from courseware.db import db
from tests.conftest import Auth

BASICS = "$course$/top/政务微博/基础"

BANK_YAML = """\
category: "$course$/top/政务微博/基础"
questions:
  - id: b-one
    type: truefalse
    text: 政务微博要及时回应。
    answer: true
  - id: b-two
    type: single
    text: 哪一项是政务微博的原则？
    options:
      - {text: 讲实话, correct: true}
      - {text: 不回应}
  - id: b-three
    type: short
    text: 写出“早讲话”的“早”
    answers: [早]
"""

MORE_YAML = """\
category: practice
questions:
  - id: p-one
    type: truefalse
    text: 谣言要及早澄清。
    answer: true
  - id: p-two
    type: truefalse
    text: 无可奉告是好的回应。
    answer: false
"""


@pytest.fixture
def bank(quiz_course, sync):
    """The test course's quiz `check`, and banks of three questions in 政务微博/基础 and two in
    practice."""
    banks = quiz_course / "banks"
    banks.mkdir()
    (banks / "basics.yaml").write_text(BANK_YAML, "utf-8")
    (banks / "practice.yaml").write_text(MORE_YAML, "utf-8")
    sync()
    return quiz_course


@pytest.fixture
def editor(app, make_user, client, bank):
    """An instructor who edits the test course, signed in; returns the client's Auth."""
    user_id = make_user(Role.INSTRUCTOR, username="builder", name="王老师")
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        course.editors.append(db.session.get(User, user_id))
        db.session.commit()
    auth = Auth(client)
    assert auth.login("builder").status_code == 302
    return auth


def quiz_form(**changes) -> dict:
    """A valid quiz form: one fixed question and three drawn from two categories."""
    data = {
        "title_zh": "浏览器小测",
        "title_en": "Browser check",
        "description_zh": "三道随机题。",
        "description_en": "",
        "opens": "",
        "closes": "",
        "time_limit": "10",
        "attempts": "2",
        "pass_mark": "60",
        "shuffle_options": "y",
        "review": "immediately",
        "grade": "best",
        "questions": ["pick-one"],
        "draws-0-category": BASICS,
        "draws-0-count": "2",
        "draws-1-category": "practice",
        "draws-1-count": "1",
        "draws-2-category": "",
        "draws-2-count": "",
        "note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
