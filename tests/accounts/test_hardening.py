"""Sign-in against an attacker: redirects that stay on the site, even timing, an atomic throttle."""

import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from courseware import defaults
from courseware.accounts import auth as auth_module
from courseware.accounts import throttle
from courseware.accounts.models import User
from courseware.db import db
from tests.conftest import Auth, csrf_token, PASSWORD


def sign_in_with_next(client, next_value):
    """Post the sign-in form carrying `next` as the login page would have kept it."""
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"username": "zhang", "password": PASSWORD, "csrf_token": token, "next": next_value},
    )


@pytest.mark.parametrize(
    "next_value",
    [
        "//evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "\t//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        " //evil.example",
        "\x01//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\r\nSet-Cookie: planted=1",
        "//evil.example\r\n",
        "evil.example",
    ],
)
def test_next_never_leaves_the_site_and_never_fails(client, make_user, next_value):
    make_user(username="zhang")
    response = sign_in_with_next(client, next_value)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location and "\t" not in location
    # The browser's reading: strip what it drops, then it must be a path on this host.
    read = location.replace("\\", "/")
    assert read.startswith("/") and not read.startswith("//"), location
    assert "evil.example" not in location.split("?")[0].split("/")[1:2]


def test_a_tab_smuggled_through_the_query_string_is_refused(client, make_user):
    make_user(username="zhang")
    page = client.get("/login?next=/%09/evil.example").get_data(as_text=True)
    assert "evil.example" in page  # kept in the form, judged on the way out
    response = sign_in_with_next(client, "/\t/evil.example")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "next_value, expected",
    [("/courses", "/courses"), ("/lessons/a?b=1#c", "/lessons/a?b=1#c"), ("/%2F/x", "/%2F/x")],
)
def test_next_on_the_site_is_followed(client, make_user, next_value, expected):
    make_user(username="zhang")
    assert sign_in_with_next(client, next_value).headers["Location"] == expected


def wrong_sign_in_cost(auth, username, n) -> float:
    """The CPU time one wrong-password sign-in takes in this thread (the test client serves the
    request in it), from an address of its own so no lock starts. CPU time, not wall time: other
    programs on the machine slow the clock, not the work a sign-in does."""
    start = time.thread_time()
    response = auth.login(
        username, "a-wrong-guess", environ_base={"REMOTE_ADDR": f"10.9.{len(username)}.{n}"}
    )
    assert response.status_code == 401
    return time.thread_time() - start


@pytest.mark.full_password_cost
def test_a_wrong_password_takes_as_long_whoever_the_account_is(app, auth, make_user):
    """New accounts (generated, cheaper hash), chosen passwords and unknown names look alike."""
    make_user(username="newcomer")  # a generated password, as the roster import gives
    chosen_id = make_user(username="chooser")
    with app.app_context():
        user = db.session.get(User, chosen_id)
        user.set_password("a-chosen-password-9")
        db.session.commit()
        assert user.password_hash.startswith(defaults.PASSWORD_HASH_CHOSEN)
    auth.login("nobody-here", "warm-up")  # the first request pays for imports and templates
    names = ("newcomer", "chooser", "nobody-here")
    costs = {name: [] for name in names}
    for n in range(7):  # interleaved, so a passing disturbance touches every kind alike
        for name in names:
            costs[name].append(wrong_sign_in_cost(auth, name, n))
    medians = {name: statistics.median(times) for name, times in costs.items()}
    fastest, slowest = min(medians.values()), max(medians.values())
    assert slowest / fastest < 1.25, medians


@pytest.mark.full_password_cost
def test_the_right_password_still_signs_in_for_each_hash_cost(app, auth, make_user):
    user_id = make_user(username="newcomer")
    with app.app_context():
        assert db.session.get(User, user_id).password_hash.startswith(
            defaults.PASSWORD_HASH_GENERATED
        )
    assert auth.login("newcomer").status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256")
        db.session.commit()
    assert auth.login("newcomer").status_code == 302


def test_parallel_guesses_get_no_more_password_checks_than_the_limit(app, make_user, monkeypatch):
    """80 wrong passwords at once from one address: at most 10 reach the password check."""
    make_user(username="zhang")
    checks = []
    real_verify = auth_module.verify_password

    def counting_verify(user, password):
        checks.append(1)
        return real_verify(user, password)

    monkeypatch.setattr(auth_module, "verify_password", counting_verify)
    barrier = threading.Barrier(16)

    def guess(n):
        client = app.test_client()
        token = csrf_token(client)
        barrier.wait() if n < 16 else None
        return client.post(
            "/login",
            data={"username": "zhang", "password": f"guess-{n}", "csrf_token": token},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        ).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(guess, range(80)))
    assert len(checks) == app.config["LOGIN_MAX_FAILURES"] == codes.count(401)
    assert codes.count(429) == 80 - len(checks)


def test_the_lock_message_says_when_the_whole_address_is_locked(app, auth, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 12
    make_user(username="zhang")
    for i in range(12):
        auth.login(f"someone-{i}", "wrong", environ_base={"REMOTE_ADDR": "198.51.100.8"})
    locked = auth.login(
        "zhang", headers={"Accept-Language": "en"}, environ_base={"REMOTE_ADDR": "198.51.100.8"}
    )
    assert locked.status_code == 429
    page = locked.get_data(as_text=True)
    assert "198.51.100.8" in page and "address lock" in page
    zh = auth.login("zhang", environ_base={"REMOTE_ADDR": "198.51.100.8"}).get_data(as_text=True)
    assert "解除地址锁定" in zh
    with app.app_context():
        assert [ip for ip, _ in throttle.locked_addresses()] == ["198.51.100.8"]
        throttle.lift_address_lock("198.51.100.8")
        db.session.commit()
    assert auth.login("zhang", environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 302


def decoded_session(app, client) -> str:
    """The session cookie's payload as the browser holds it, decoded (it is signed, not encrypted)."""
    cookie = client.get_cookie("session")
    serializer = app.session_interface.get_signing_serializer(app)
    return str(serializer.loads(cookie.value))


def test_a_reset_password_is_shown_once_and_never_travels_in_the_cookie(app, make_user):
    from courseware.accounts.models import Role

    make_user(Role.ADMIN, username="boss")
    user_id = make_user(username="zhang")
    boss = Auth(app.test_client())
    boss.login("boss")
    assert boss.post(f"/admin/users/{user_id}/reset-password").status_code == 302
    assert "password" not in decoded_session(app, boss.client).lower().replace("password_once", "")
    replay = app.test_client()
    replay.set_cookie("session", boss.client.get_cookie("session").value)
    page = boss.client.get(f"/admin/users/{user_id}/password").get_data(as_text=True)
    shown = re.search(r'id="initial-password">([A-Za-z0-9]{12})<', page)
    assert shown, page
    with app.app_context():
        assert db.session.get(User, user_id).check_password(shown.group(1))
        assert shown.group(1) not in decoded_session(app, boss.client)
    # The cookie as it was before the viewing, replayed: the password is gone.
    again = replay.get(f"/admin/users/{user_id}/password", follow_redirects=True)
    assert shown.group(1) not in again.get_data(as_text=True)
    assert "该密码已显示过" in again.get_data(as_text=True)


def test_an_administrator_lifts_an_address_lock_in_the_browser_pages(app, auth, make_user):
    from courseware.accounts.models import AuditEvent, Role

    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 12
    make_user(username="zhang")
    make_user(Role.ADMIN, username="boss")
    for i in range(12):
        auth.login(f"someone-{i}", "wrong", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert auth.login("zhang", environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 429
    boss = Auth(app.test_client())
    boss.login("boss")
    page = boss.client.get("/admin/locked-addresses").get_data(as_text=True)
    assert "198.51.100.9" in page and "解除 198.51.100.9 的锁定" in page
    missing = boss.post("/admin/locked-addresses/lift", data={"address": "203.0.113.1"})
    assert missing.status_code == 400 and "没有来自 203.0.113.1 的登录失败记录" in missing.get_data(
        as_text=True
    )
    assert (
        boss.post("/admin/locked-addresses/lift", data={"address": "198.51.100.9"}).status_code
        == 302
    )
    english = boss.client.get("/admin/locked-addresses", headers={"Accept-Language": "en"})
    assert "No address is locked." in english.get_data(
        as_text=True
    ) or "没有被锁定的地址" in english.get_data(as_text=True)
    assert auth.login("zhang", environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(AuditEvent).where(AuditEvent.action == "login.address_unlocked")
            ).target
            == "198.51.100.9"
        )
