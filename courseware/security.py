"""Security headers on every response, session cookies that follow the request's scheme, and
numbers in addresses kept within what the database can store."""

import time

from flask import abort, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from courseware import caching

# The largest id either database stores (a signed 64-bit integer). A larger number in a URL or a
# query string used to reach the database and fail there with a 500.
MAX_NUMBER = 2**63 - 1
# Query arguments that count pages: a page past this is not a real request.
MAX_PAGE = 1_000_000
PAGE_ARGS = ("page", "per_page")

# No inline script or style anywhere: everything comes from /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Session cookies whose signature was checked, by the signing keys and the cookie's exact text,
# with their signing time and contents. Checking a signature (a key derivation, an HMAC and the
# tagged-JSON decoding) was the dearest part of opening a request; a browser sends the same cookie
# with every request until the session changes. Only a cookie that passed the check is kept, so
# finding the same text again is as good as checking it; its age is still checked on every request.
_verified_cookies = caching.Cache("verified_cookies", max_size=4096)
# Values a kept session may hold: a request gets a fresh dict of them, so it cannot change the
# kept copy. A session holding anything else (flashed messages are a list) is decoded each time.
_IMMUTABLE = (str, int, float, bool, type(None))


class SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS, and check each
    distinct cookie's signature once per process."""

    def __init__(self):
        self._serializers = {}

    def _keys(self, app) -> tuple:
        return (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))

    def get_signing_serializer(self, app):
        """Flask's serializer, built once per set of keys rather than on every request."""
        keys = self._keys(app)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app, request):
        """Flask's session from the cookie, as SecureCookieSessionInterface opens it: empty when
        the cookie is missing, forged or older than the session lifetime."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        text = request.cookies.get(self.get_cookie_name(app))
        if not text:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (self._keys(app), text)
        kept = _verified_cookies.get(key)
        if kept is None:
            try:
                data, signed_at = serializer.loads(text, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if not all(isinstance(value, _IMMUTABLE) for value in data.values()):
                return self.session_class(data)
            kept = (int(signed_at.timestamp()), tuple(data.items()))
            _verified_cookies.set(key, kept)
        signed_at, items = kept
        if not 0 <= int(time.time()) - signed_at <= max_age:  # itsdangerous's own rule
            _verified_cookies.pop(key)
            return self.session_class()
        return self.session_class(items)

    def save_session(self, app, session, response):
        """Flask's, with a shortcut for the common case: a session that was read but not changed,
        and is not renewed on every request, only adds "Vary: Cookie" (Flask works out every
        cookie setting first, and parses the Vary header to add to it)."""
        if session and not session.modified and not self.should_set_cookie(app, session):
            if session.accessed:
                if "Vary" in response.headers:
                    response.vary.add("Cookie")
                else:
                    response.headers["Vary"] = "Cookie"
            return
        super().save_session(app, session, response)

    def get_cookie_secure(self, app):
        configured = app.config["SESSION_COOKIE_SECURE"]
        if configured is None:
            return request.is_secure
        return bool(configured)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)
_SECURITY_HEADER_KEYS = [(name.lower(), name, value) for name, value in SECURITY_HEADERS]


def add_security_headers(response):
    """Set CSP, nosniff and framing rules, unless the view set its own; keep pages with personal
    data out of caches."""
    headers = response.headers
    # The response's headers read once: Headers.setdefault() looks through them all for each name.
    present = {name.lower() for name in headers.keys()}
    for key, name, value in _SECURITY_HEADER_KEYS:
        if key not in present:
            headers.add(name, value)
    # Read the session, not current_user: the view may have committed, and touching the user
    # object again would reload it from the database.
    signed_in = "_user_id" in session
    if request.endpoint != "static" and (signed_in or request.endpoint in ("auth.login", None)):
        headers["Cache-Control"] = "no-store"
    return response


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that matches only numbers a database id can hold; others are simply not found."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_NUMBER, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_numbers_out_of_range():
    """Answer 400 to a page number that is not from 1 to MAX_PAGE, or any number past MAX_NUMBER."""
    if not request.environ.get("QUERY_STRING"):
        return  # most requests have no query, and parsing an empty one still costs
    for name, value in request.args.items(multi=True):
        digits = value.strip().lstrip("+-")
        if name in PAGE_ARGS and value:
            if not value.strip().isdigit() or not 1 <= int(value) <= MAX_PAGE:
                abort(400, description="page")
        elif digits.isdigit() and len(digits) > 18 and abs(int(value)) > MAX_NUMBER:
            abort(400, description="number")


def init_app(app):
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_numbers_out_of_range)
    app.session_interface = SessionInterface()
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.after_request(add_security_headers)
