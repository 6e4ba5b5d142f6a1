"""courseware.db.first_row_on_driver: a SELECT read on the driver's own cursor gives what
SQLAlchemy's own execution gives, on SQLite and on PostgreSQL."""

import datetime as dt

import pytest
import sqlalchemy as sa

from courseware.accounts import sessions
from courseware.accounts.models import User, UserSession
from courseware.db import db, first_row_on_driver
from courseware.notifications.models import Notification
from tests.conftest import Auth


def test_the_session_row_reads_as_sqlalchemy_reads_it(app, make_user):
    user_id = make_user(username="zhang", is_demo=True, email_reminders=False)
    assert Auth(app.test_client()).login("zhang").status_code == 302
    with app.app_context():
        db.session.get(User, user_id).last_login_at = dt.datetime(2026, 5, 4, 3, 2, 1)
        db.session.add(Notification(user_id=user_id, kind="test", key="driver-read"))
        db.session.commit()
        token = db.session.scalar(sa.select(UserSession.token))
        expected = db.session.connection().execute(sessions._live_session_row, {"token": token})
        expected = tuple(expected.one())
        found = first_row_on_driver(sessions._live_session_row, {"token": token})
        again = first_row_on_driver(sessions._live_session_row, {"token": token})
        missing = first_row_on_driver(sessions._live_session_row, {"token": "no such token"})
    assert found == again == expected
    # The values are converted as SQLAlchemy converts them, not left as the driver gives them.
    by_key = dict(zip(sessions._USER_KEYS, found))
    assert by_key["last_login_at"] == dt.datetime(2026, 5, 4, 3, 2, 1)
    assert by_key["is_demo"] is True and by_key["email_reminders"] is False
    assert found[len(sessions._USER_KEYS) :] == (1,)  # the unread notification, read along
    assert missing is None


def test_a_list_of_values_is_refused_and_values_are_sent_as_sqlalchemy_sends_them(app, make_user):
    user_id = make_user(username="zhang")
    user = User.__table__
    in_a_list = sa.select(user.c.id).where(user.c.id.in_(sa.bindparam("ids", expanding=True)))
    # SQLite stores times as text: a time passed is made text first, as SQLAlchemy makes it.
    created_before = sa.select(user.c.id, sa.literal(dt.datetime(2000, 1, 1)) < user.c.created_at)
    created_before = created_before.where(
        user.c.created_at < sa.bindparam("t", type_=sa.DateTime), user.c.id == sa.bindparam("id")
    )
    with app.app_context():
        with pytest.raises(ValueError):
            first_row_on_driver(in_a_list, {"ids": [1]})
        params = {"t": dt.datetime(2999, 1, 1), "id": user_id}
        assert first_row_on_driver(created_before, params) == (user_id, True)
        assert first_row_on_driver(created_before, {**params, "t": dt.datetime(2000, 1, 1)}) is None


def test_numbers_are_converted_by_the_type_the_driver_reports(app, make_user):
    # A number's conversion depends on what the database sends (PostgreSQL: a double or a numeric).
    user_id = make_user(username="zhang")
    user = User.__table__
    numbers = sa.select(
        sa.cast(user.c.id, sa.Numeric(10, 2)),
        sa.cast(user.c.id, sa.Float),
        sa.func.coalesce(sa.cast(None, sa.Float), 0.5),
        sa.cast(user.c.id, sa.Numeric(10, 2, asdecimal=False)),
    ).where(user.c.id == sa.bindparam("id"))
    with app.app_context():
        expected = tuple(db.session.execute(numbers, {"id": user_id}).one())
        found = first_row_on_driver(numbers, {"id": user_id})
    assert found == expected
    assert [type(value) for value in found] == [type(value) for value in expected]
