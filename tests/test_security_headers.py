"""Security headers and cookie flags on every response."""

import pytest

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
