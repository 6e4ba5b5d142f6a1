"""Security headers on every response and session cookies that follow the request's scheme."""

from flask import request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app):
    app.session_interface = SessionInterface()
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.after_request(add_security_headers)
