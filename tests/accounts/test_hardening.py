"""Sign-in against an attacker: redirects that stay on the site, even timing, an atomic throttle."""

import statistics
import time

import pytest
from werkzeug.security import generate_password_hash

from courseware.accounts.models import CHOSEN_PASSWORD_METHOD, GENERATED_PASSWORD_METHOD, User
from courseware.db import db
from tests.conftest import PASSWORD, csrf_token


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


def median_wrong_sign_in(auth, username, tries=7):
    """The median time of wrong-password sign-ins, each from its own address (no lock)."""
    times = []
    for i in range(tries):
        start = time.perf_counter()
        response = auth.login(
            username, "a-wrong-guess", environ_base={"REMOTE_ADDR": f"10.9.{len(username)}.{i}"}
        )
        times.append(time.perf_counter() - start)
        assert response.status_code == 401
    return statistics.median(times)


def test_a_wrong_password_takes_as_long_whoever_the_account_is(app, auth, make_user):
    """New accounts (generated, cheaper hash), chosen passwords and unknown names look alike."""
    make_user(username="newcomer")  # a generated password, as the roster import gives
    chosen_id = make_user(username="chooser")
    with app.app_context():
        user = db.session.get(User, chosen_id)
        user.set_password("a-chosen-password-9")
        db.session.commit()
        assert user.password_hash.startswith(CHOSEN_PASSWORD_METHOD)
    auth.login("nobody-here", "warm-up")  # the first request pays for imports and templates
    medians = {
        name: median_wrong_sign_in(auth, name) for name in ("newcomer", "chooser", "nobody-here")
    }
    fastest, slowest = min(medians.values()), max(medians.values())
    assert slowest / fastest < 1.35, medians


def test_the_right_password_still_signs_in_for_each_hash_cost(app, auth, make_user):
    user_id = make_user(username="newcomer")
    with app.app_context():
        assert db.session.get(User, user_id).password_hash.startswith(GENERATED_PASSWORD_METHOD)
    assert auth.login("newcomer").status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256")
        db.session.commit()
    assert auth.login("newcomer").status_code == 302
