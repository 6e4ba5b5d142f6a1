"""A session ended on one worker is refused by every other at once: two gunicorn workers, a real
cookie replayed right after logout, deactivation and a password change."""

import http.client
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.servers import start_gunicorn

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-enough-password"
REPLAYS = 40


def flask(env, *args):
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "courseware", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def server(tmp_path):
    """gunicorn with two workers over one SQLite database holding two accounts."""
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY="two-workers",
        COURSEWARE_PASSWORD=PASSWORD,
    )
    flask(env, "db", "upgrade")
    flask(env, "user", "create", "zhang")
    flask(env, "user", "create", "boss", "--role", "admin")
    process, port = start_gunicorn(env, workers=2)
    yield port
    process.terminate()
    process.wait(timeout=10)


def request(port, method, path, cookie=None, form=None):
    """One request on a new connection (gunicorn's sync workers take turns); return status,
    body and the session cookie it sets, if any."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    data = response.read().decode()
    set_cookie = response.getheader("Set-Cookie")
    conn.close()
    return response.status, data, set_cookie.split(";")[0] if set_cookie else None


def sign_in(port, username):
    """Sign in through the form; return the cookie and a CSRF token for later posts."""
    _status, page, cookie = request(port, "GET", "/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = {"username": username, "password": PASSWORD, "csrf_token": token}
    status, _body, cookie = request(port, "POST", "/login", cookie, form)
    assert status == 302
    # Every worker has served this session before it ends, so each could have kept it.
    for _ in range(10):
        status, page, renewed = request(port, "GET", "/password", cookie)
        assert status == 200
        cookie = renewed or cookie  # the page keeps its CSRF token in the session
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return cookie, token


def served(port, cookie) -> int:
    """How many of REPLAYS requests with this cookie are served as signed in."""
    return sum(request(port, "GET", "/password", cookie)[0] == 200 for _ in range(REPLAYS))


def test_a_cookie_replayed_right_after_logout_is_never_served(server):
    cookie, token = sign_in(server, "zhang")
    status, _body, _ = request(server, "POST", "/logout", cookie, {"csrf_token": token})
    assert status == 302
    assert served(server, cookie) == 0


def test_a_password_change_ends_the_other_sessions_on_every_worker(server):
    other, _ = sign_in(server, "zhang")
    cookie, token = sign_in(server, "zhang")
    form = {
        "csrf_token": token,
        "current_password": PASSWORD,
        "new_password": "another-long-password-7",
        "confirm": "another-long-password-7",
    }
    status, page, _ = request(server, "POST", "/password", cookie, form)
    assert status == 302, page
    assert served(server, other) == 0
