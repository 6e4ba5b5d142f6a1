"""POST /api/v1/users: create or update users through the roster checks, all or nothing."""

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Role, User
from courseware.db import db


def usernames(app):
    with app.app_context():
        return set(db.session.scalars(sa.select(User.username)))


def test_users_are_created_and_updated(app, api, organisation):
    response = api.post(
        "/users",
        json={
            "users": [
                {
                    "username": "ZhangSan",
                    "name": "张三",
                    "unit": "浙江省/组织部/干部一处",
                    "phone": "138 0000 0009",
                    "rank_level": "乡科级",
                },
                {
                    "username": "lisi",
                    "name": "李四",
                    "unit_id": organisation["units"]["publicity"],
                    "role": "instructor",
                },
                {"username": "a", "name": "甲", "position": "副处长"},
                {"username": "b", "name": "乙"},
            ]
        },
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert [u["username"] for u in body["created"]] == ["zhangsan", "lisi"]
    assert [u["username"] for u in body["updated"]] == ["a"]
    assert body["unchanged"] == ["b"]
    assert "password" not in response.get_data(as_text=True).lower()
    with app.app_context():
        zhang = db.session.scalar(sa.select(User).where(User.username == "zhangsan"))
        assert (zhang.unit_id, zhang.phone, zhang.rank_level, zhang.role) == (
            organisation["units"]["office"],
            "13800000009",
            "township",
            Role.LEARNER.value,
        )
        assert zhang.must_change_password
        lisi = db.session.scalar(sa.select(User).where(User.username == "lisi"))
        assert (lisi.unit_id, lisi.role) == (organisation["units"]["publicity"], "instructor")
        a = db.session.get(User, organisation["people"]["a"])
        assert (a.position, a.phone) == ("副处长", "13800000001")  # an absent field is left alone
        events = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action.in_(["user.create", "user.update", "roster.import", "api.call"])
            )
        ).all()
    assert sorted(e.action for e in events) == [
        "api.call",
        "roster.import",
        "user.create",
        "user.create",
        "user.update",
    ]
    assert {e.actor_username for e in events} == {events[0].actor_username} and events[
        0
    ].actor_username.startswith("api:")


@pytest.mark.parametrize(
    "bad_user, field",
    [
        ({"username": "x y", "name": "X"}, "users[1].username"),
        ({"username": "x"}, "users[1].name"),
        ({"username": "x", "name": "X", "phone": "12345"}, "users[1].phone"),
        ({"username": "x", "name": "X", "unit": "火星"}, "users[1].unit"),
        ({"username": "x", "name": "X", "unit_id": 999999}, "users[1].unit_id"),
        ({"username": "x", "name": "X", "role": "admin"}, "users[1].role"),
        ({"username": "x", "name": "X", "rank_level": "部级"}, "users[1].rank_level"),
        ({"username": "x", "name": 5}, "users[1].name"),
        ({"username": "x", "name": "X", "password": "secret"}, "users[1].password"),
        ({"username": "x", "name": "X\x00"}, "users[1].name"),
        ({"username": "NEW", "name": "X"}, "users[1].username"),  # the same as users[0] once folded
        ("x", "users[1]"),
    ],
)
def test_one_bad_user_saves_nobody_and_is_named(app, api, organisation, bad_user, field):
    before = usernames(app)
    response = api.post("/users", json={"users": [{"username": "new", "name": "新人"}, bad_user]})
    assert response.status_code == 422
    assert response.json["field"] == field
    assert [e["field"] for e in response.json["errors"]] == [field]
    assert usernames(app) == before


def test_an_administrator_keeps_the_role(app, api, make_user, organisation):
    make_user(Role.ADMIN, username="boss")
    response = api.post(
        "/users", json={"users": [{"username": "boss", "name": "管理员", "role": "学员"}]}
    )
    assert response.status_code == 422
    assert response.json["field"] == "users[0]"


@pytest.mark.parametrize("body", [{}, {"users": []}, {"users": "a"}, [], {"users": [{}] * 1001}])
def test_the_body_must_be_a_list_of_users(api, body):
    response = api.post("/users", json=body)
    assert response.status_code == 422
    assert response.json["field"] == "users"


def test_several_problems_are_all_reported(api, organisation):
    response = api.post(
        "/users",
        json={
            "users": [{"username": "p", "name": "P", "phone": "1"}, {"username": "q", "name": ""}]
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["users[0].phone", "users[1].name"]
