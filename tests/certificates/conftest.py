"""Fixtures: a learner who has completed the test course, and so holds a certificate."""

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from courseware.certificates.models import Certificate
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.completion import check_completion
from courseware.timeutil import utcnow
from tests.progress.test_completion import complete_lessons


@dataclass
class Issued:
    user_id: int
    certificate_id: int
    code: str


@pytest.fixture
def complete_course(app, lessons_dir, sync):
    """Complete the test course for a user the way the heartbeat does; return their certificate."""
    sync()

    def complete(user_id) -> Issued:
        complete_lessons(app, user_id)
        with app.app_context():
            course = db.session.scalar(sa.select(Course))
            assert check_completion(course.id, user_id, utcnow()) is not None
            db.session.commit()
            certificate = db.session.scalar(
                sa.select(Certificate).where(Certificate.user_id == user_id)
            )
            return Issued(user_id, certificate.id, certificate.code)

    return complete


@pytest.fixture
def certified(make_user, make_unit, complete_course):
    """A learner, 张伟 of 浙江省 / 杭州市, reading in English, with a certificate for the test course."""
    unit_id = make_unit("浙江省", "杭州市")
    user_id = make_user(username="zhangwei77", name="张伟", unit_id=unit_id, locale="en")
    return complete_course(user_id)
