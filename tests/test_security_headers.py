"""Security headers and cookie flags on every response."""

import time

import pytest
from flask import request

from courseware import security
from tests.conftest import Auth


@pytest.mark.parametrize("path", ["/", "/login", "/static/css/app.css", "/no-such-page"])
def test_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags_over_http_and_https(app, make_user):
    make_user(username="zhang")
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        # Over HTTPS Flask-WTF also checks that the Referer is this site.
        response = Auth(app.test_client()).login(
            "zhang", base_url=base, headers={"Referer": f"{base}/login"}
        )
        assert response.status_code == 302
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_pages_with_personal_data_are_not_cached(client, auth, make_user):
    make_user(username="zhang")
    auth.login("zhang")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_no_page_loads_anything_from_another_site(client, auth, admin):
    for path in ["/", "/admin/", "/admin/users", "/admin/import", "/admin/units", "/admin/audit"]:
        page = client.get(path).get_data(as_text=True)
        assert 'src="http' not in page and 'href="http' not in page, path


def _opened(app, cookie: str):
    """The session Flask opens for a request that carries `cookie`."""
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context(headers={"Cookie": f"{name}={cookie}"}):
        return app.session_interface.open_session(app, request)


def _signed(app, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def test_a_kept_session_cookie_opens_as_a_fresh_copy(app):
    cookie = _signed(app, {"_user_id": "token-1", "csrf_token": "abc"})
    first = _opened(app, cookie)
    assert dict(first) == {"_user_id": "token-1", "csrf_token": "abc"}
    first["_user_id"] = "someone-else"  # a request changing its own session
    first["locale"] = "en"
    assert dict(_opened(app, cookie)) == {"_user_id": "token-1", "csrf_token": "abc"}


def test_a_session_holding_a_list_is_never_shared_between_requests(app):
    cookie = _signed(app, {"_flashes": [["info", "Saved."]]})
    _opened(app, cookie)["_flashes"].append(["info", "Again."])
    assert _opened(app, cookie)["_flashes"] == [["info", "Saved."]]


def test_a_forged_or_expired_cookie_opens_empty_even_after_the_real_one_was_kept(app, monkeypatch):
    cookie = _signed(app, {"_user_id": "token-1"})
    assert _opened(app, cookie)["_user_id"] == "token-1"
    # A character inside the signature (the last one may carry only unused bits).
    at = cookie.rindex(".") + 5
    forged = cookie[:at] + ("A" if cookie[at] != "A" else "B") + cookie[at + 1 :]
    assert dict(_opened(app, forged)) == {}
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 5
    monkeypatch.setattr(security.time, "time", lambda: later)
    assert dict(_opened(app, cookie)) == {}
    # Dropped, not merely refused: back at the signing time it is checked again, and still good.
    monkeypatch.undo()
    assert _opened(app, cookie)["_user_id"] == "token-1"


def test_a_cookie_signed_with_another_key_opens_empty(app):
    other = app.session_interface.get_signing_serializer(app)
    cookie = other.dumps({"_user_id": "token-1"})
    assert _opened(app, cookie)["_user_id"] == "token-1"
    app.secret_key = "another-key"
    assert dict(_opened(app, cookie)) == {}


def test_a_header_a_view_sets_is_kept_and_each_is_sent_once(app, client):
    from flask import Response, session

    from courseware.access import public

    @public
    def own_policy():
        session["seen"] = True  # the session is read and changed: Vary and the cookie as usual
        response = Response("x", headers={"content-security-policy": "default-src 'none'"})
        response.headers["Vary"] = "Accept-Language"
        return response

    app.add_url_rule("/own-policy", "own_policy", own_policy)
    response = client.get("/own-policy")
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert response.headers.getlist("Vary") == ["Accept-Language, Cookie"]


def test_a_page_that_reads_an_unchanged_session_varies_on_the_cookie_once(client, make_user):
    make_user(username="zhang")
    Auth(client).login("zhang")
    client.get("/password")  # the page after sign-in may still add the CSRF secret
    response = client.get("/password")
    assert response.headers.getlist("Vary") == ["Cookie"]
    assert "Set-Cookie" not in response.headers  # not renewed: nothing to send again
