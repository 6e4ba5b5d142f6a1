"""A class of three learners taught by one instructor, with a session starting at T0."""

import datetime as dt
from dataclasses import dataclass

import pytest

from courseware.accounts.models import Role, User
from courseware.classroom import sessions
from courseware.db import db

# 09:00 in Shanghai on 1 December 2026, stored as naive UTC.
T0 = dt.datetime(2026, 12, 1, 1, 0, 0)


@dataclass
class Room:
    teacher: int
    learners: list
    cohort: int
    session: int


@pytest.fixture
def room(app, make_user, make_class):
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="王老师")
    learners = [
        make_user(username=f"cadre{i}", name=name)
        for i, name in enumerate(("张三", "李四", "王五"), start=1)
    ]
    cohort = make_class([teacher], learners, name="青干班")
    with app.app_context():
        from courseware.accounts.models import Cohort

        session = sessions.open_session(
            db.session.get(Cohort, cohort), db.session.get(User, teacher), T0, 3.5, "201", "微博"
        )
        db.session.commit()
        session_id = session.id
    return Room(teacher, learners, cohort, session_id)
