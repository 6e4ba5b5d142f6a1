"""courseware.courses.catalogue.get_course: each request gets its own copy of the kept course, in
its session, with the course's current values."""

import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from courseware.courses.catalogue import get_course
from courseware.courses.models import Course, new_course_version
from courseware.db import db
from courseware.timeutil import utcnow


def test_each_request_gets_its_own_copy_with_the_current_values(app, lessons_dir, sync):
    sync()
    with app.test_request_context():
        first = get_course("test-course")  # read from the database, and kept
    with app.test_request_context():
        second = get_course("test-course")  # a copy of the kept course
        assert second is not first and second in db.session
        title = second.title
        second.title = {"zh": "只在这个请求里", "en": "This request only"}  # never saved
        assert second.content.glossary == first.content.glossary  # read through the session
    with app.test_request_context():
        third = get_course("test-course")
        assert third.title == title and third is not second
        # A change makes a new version, which the next request reads, as the settings page does.
        third.title = {"zh": "新标题", "en": "New title"}
        new_course_version(db.session, third.id)
        db.session.commit()
    with app.test_request_context():
        assert get_course("test-course").title["zh"] == "新标题"


def test_a_course_taken_out_of_the_catalogue_is_not_found_at_once(app, lessons_dir, sync):
    sync()
    with app.test_request_context():
        get_course("test-course")
        db.session.execute(sa.update(Course).values(archived_at=utcnow()))
        db.session.commit()
    with app.test_request_context():
        try:
            get_course("test-course")
        except NotFound:
            pass
        else:
            raise AssertionError("an archived course was found")
