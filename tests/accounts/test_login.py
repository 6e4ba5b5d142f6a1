"""Signing in and out, sessions, passwords and throttling."""

import datetime as dt

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, LoginFailure, Role, User, UserSession
from courseware.db import db
from tests.conftest import PASSWORD


def test_login_page_renders_in_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "登录" in page


def test_login_page_in_english_when_the_browser_asks(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_sign_in_and_out(client, auth, make_user, app):
    make_user(username="zhang")
    assert auth.login("zhang").status_code == 302
    assert client.get("/password").status_code == 200
    auth.logout()
    assert client.get("/password").status_code == 302


def test_wrong_password_is_refused_with_the_same_message_as_an_unknown_user(auth, make_user):
    make_user(username="zhang")
    wrong = auth.login("zhang", "not-the-password")
    unknown = auth.login("nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert "用户名或密码错误" in unknown.get_data(as_text=True)


def test_username_is_matched_regardless_of_case_and_width(auth, make_user):
    make_user(username="zhang1")
    assert auth.login("ＺＨＡＮＧ１").status_code == 302


def test_session_is_renewed_at_login(client, auth, make_user):
    make_user(username="zhang")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login("zhang")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_the_sign_in_cookie_already_holds_the_forms_secret(client, auth, make_user):
    """Pages after sign-in send no new cookie: the CSRF secret came with the sign-in's."""
    make_user(username="zhang")
    signed_in = auth.login("zhang")
    assert "session=" in signed_in.headers.get("Set-Cookie", "")
    page = client.get("/password")
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers


def test_logout_ends_the_session_on_the_server(app, client, auth, make_user):
    make_user(username="zhang")
    auth.login("zhang")
    with client.session_transaction() as session:
        stolen = dict(session)
    auth.logout()
    # A copy of the cookie taken before logout no longer works.
    with client.session_transaction() as session:
        session.update(stolen)
    assert client.get("/password").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(UserSession.ended_at)) is not None


def test_deactivation_ends_every_session(app, client, make_user):
    from tests.conftest import Auth

    learner_id = make_user(username="zhang")
    make_user(Role.ADMIN, username="boss")
    learner = Auth(app.test_client())
    learner.login("zhang")
    assert learner.client.get("/password").status_code == 200
    boss = Auth(client)
    boss.login("boss")
    assert boss.post(f"/admin/users/{learner_id}/deactivate").status_code == 302
    assert learner.client.get("/password").status_code == 302
    refused = learner.login("zhang")
    assert refused.status_code == 403 and "账号已被停用" in refused.get_data(as_text=True)


def test_change_password(client, auth, make_user, app):
    make_user(username="zhang")
    auth.login("zhang")
    response = auth.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-secret",
            "confirm": "a-new-secret",
        },
    )
    assert response.status_code == 302
    auth.logout()
    assert auth.login("zhang", PASSWORD).status_code == 401
    assert auth.login("zhang", "a-new-secret").status_code == 302


@pytest.mark.parametrize(
    "new, confirm, current, message",
    [
        ("short", "short", PASSWORD, "至少需要 8 个字符"),
        ("a-new-secret", "another-one", PASSWORD, "两次输入的密码不一致"),
        ("a-new-secret", "a-new-secret", "wrong-current", "当前密码不正确"),
        ("zhang123", "zhang123", PASSWORD, None),
        (PASSWORD, PASSWORD, PASSWORD, "请选择一个与当前密码不同的密码"),
    ],
)
def test_change_password_validation(client, auth, make_user, new, confirm, current, message):
    make_user(username="zhang")
    auth.login("zhang")
    response = auth.post(
        "/password", data={"current_password": current, "new_password": new, "confirm": confirm}
    )
    if message is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)


def test_new_account_must_change_its_initial_password(client, auth, make_user):
    make_user(username="zhang", must_change_password=True)
    auth.login("zhang")
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/password")
    auth.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "mine-now-123",
            "confirm": "mine-now-123",
        },
    )
    assert client.get("/").status_code == 200


def test_demo_accounts_are_not_forced_to_change_password(client, auth, make_user):
    make_user(username="demo1", must_change_password=True, is_demo=True)
    auth.login("demo1")
    page = client.get("/")
    assert page.status_code == 200
    assert "演示账号" in page.get_data(as_text=True)


def attempt(auth, username, password, address="10.0.0.1", **kwargs):
    """Sign in from a given client address."""
    return auth.login(username, password, environ_base={"REMOTE_ADDR": address}, **kwargs)


def failures(auth, username, n, address="10.0.0.1"):
    return [attempt(auth, username, "wrong-guess", address) for _ in range(n)]


@pytest.mark.parametrize("username", ["zhang", "no-such-user"])
def test_ten_failures_lock_the_account_from_that_address(app, auth, make_user, username):
    make_user(username="zhang")
    responses = failures(auth, username, 10)
    assert [r.status_code for r in responses] == [401] * 10
    locked = failures(auth, username, 1)[0]
    assert locked.status_code == 429
    assert "尝试失败次数过多" in locked.get_data(as_text=True)
    # Even the right password is refused while locked, from that address.
    assert attempt(auth, username, PASSWORD).status_code == 429


def test_lockout_message_in_english(app, auth, make_user):
    make_user(username="zhang")
    failures(auth, "zhang", 10)
    response = attempt(auth, "zhang", "x", headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_a_stranger_cannot_lock_a_cadre_out_from_another_address(app, client, auth, make_user):
    make_user(username="zhang")
    failures(auth, "zhang", 12, address="203.0.113.9")
    assert attempt(auth, "zhang", PASSWORD, address="10.0.0.2").status_code == 302


def test_lock_ends_after_fifteen_minutes(app, auth, make_user):
    make_user(username="zhang")
    failures(auth, "zhang", 10)
    with app.app_context():
        # Move every failure 16 minutes into the past.
        db.session.execute(
            sa.update(LoginFailure).values(at=LoginFailure.at - dt.timedelta(minutes=16))
        )
        db.session.commit()
    assert attempt(auth, "zhang", PASSWORD).status_code == 302


def test_sign_ins_are_audited(app, auth, make_user):
    make_user(username="zhang")
    auth.login("zhang", "wrong-password")
    auth.login("zhang")
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["login.failure", "login.success"]
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login.success"))
        assert event.ip == "127.0.0.1" and event.actor_username == "zhang"


@pytest.mark.full_password_cost
def test_passwords_are_hashed_with_scrypt(app, make_user):
    user_id = make_user(username="zhang")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash
        user.set_password("chosen-password")
        assert user.password_hash.startswith("scrypt:32768:")


def test_an_administrator_can_lift_a_lock(app, client, auth, make_user):
    from tests.conftest import Auth

    user_id = make_user(username="zhang")
    failures(auth, "zhang", 10)
    assert attempt(auth, "zhang", PASSWORD).status_code == 429
    make_user(Role.ADMIN, username="boss")
    boss = Auth(app.test_client())
    boss.login("boss")
    boss.post(f"/admin/users/{user_id}/unlock")
    assert attempt(auth, "zhang", PASSWORD).status_code == 302


def test_guessing_the_current_password_is_throttled(client, auth, make_user):
    make_user(username="zhang")
    auth.login("zhang")
    for _ in range(10):
        auth.post(
            "/password",
            data={
                "current_password": "guess",
                "new_password": "new-secret-1",
                "confirm": "new-secret-1",
            },
        )
    response = auth.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "new-secret-1",
            "confirm": "new-secret-1",
        },
    )
    assert response.status_code == 429


def test_common_passwords_are_refused(client, auth, make_user):
    make_user(username="zhang")
    auth.login("zhang")
    response = auth.post(
        "/password",
        data={"current_password": PASSWORD, "new_password": "12345678", "confirm": "12345678"},
    )
    assert response.status_code == 200 and "猜到" in response.get_data(as_text=True)


def test_only_the_session_cookie_signs_in_not_a_remember_me_cookie(client, auth, make_user, app):
    # A Flask-Login remember-me cookie holding a live session's token, signed with the app's key:
    # the app never sets one, so it must not sign anyone in (a logout clears the session cookie
    # only).
    from flask_login.utils import encode_cookie

    make_user(username="zhang")
    auth.login("zhang")
    with app.app_context():
        token = db.session.scalar(sa.select(UserSession.token))
        remember = encode_cookie(token)
    client.delete_cookie("session")
    client.set_cookie("remember_token", remember)
    assert client.get("/password").status_code == 302


def test_the_session_works_from_another_address_and_browser(client, auth, make_user):
    # Sessions are checked against the database, not against the address and browser they began in.
    make_user(username="zhang")
    auth.login("zhang")
    moved = client.get(
        "/password",
        headers={"User-Agent": "another browser"},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    assert moved.status_code == 200
