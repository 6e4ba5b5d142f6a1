"""Security headers on every response, session cookies that follow the request's scheme, and
numbers in addresses kept within what the database can store."""

from flask import abort, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

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


class SessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app):
        """Flask's serializer, built once per set of keys rather than on every request."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def get_cookie_secure(self, app):
        configured = app.config["SESSION_COOKIE_SECURE"]
        if configured is None:
            return request.is_secure
        return bool(configured)


def add_security_headers(response):
    """Set CSP, nosniff and framing rules; keep pages with personal data out of caches."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
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
