"""API tokens: issuing, revoking, and authenticating the calls that carry them.

A token is a bearer secret, not a cookie: the API neither reads nor writes the browser's session,
and no Flask-Login user is ever loaded for a token route.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from sqlalchemy import event

from courseware.accounts import audit
from courseware.accounts.models import AuditEvent, User
from courseware.api.models import ApiToken, SCOPES
from courseware.db import db
from courseware.timeutil import utcnow

PREFIX = "cw_"
REALM = "courseware-api"
# last_used_at is written at most this often per token, so a busy client does not turn every read
# into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    """The SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(name: str, scopes: list[str], created_by: User | None) -> tuple[ApiToken, str]:
    """Create a token; return it and its secret, which is shown once and never stored."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"unknown or missing scopes: {sorted(unknown)}")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:12],
        scopes=[s for s in SCOPES if s in scopes],
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api.token_create", target=label(token), detail={"scopes": token.scopes})
    return token, raw


def revoke_token(token: ApiToken) -> bool:
    """Revoke a token at once; return False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record("api.token_revoke", target=label(token))
    return True


def label(token: ApiToken) -> str:
    """How a token is named in the audit log: its name and its visible prefix."""
    return f"{token.name} ({token.prefix}…)"


def actor_name(token: ApiToken) -> str:
    """What stands in the audit log's actor column for changes made through a token."""
    return f"api:{token.prefix}"


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _challenge(status: int, message: str, error: str | None = None, scope: str | None = None):
    """A JSON refusal with the RFC 6750 WWW-Authenticate challenge."""
    challenge = f'Bearer realm="{REALM}"'
    if error:
        challenge += f', error="{error}"'
    if scope:
        challenge += f', scope="{scope}"'
    return {"error": message}, status, {"WWW-Authenticate": challenge}


def _detach_browser_session() -> None:
    """Make this request sessionless: no cookie is read or set, and nobody is signed in."""
    app = current_app._get_current_object()
    null = app.session_interface.make_null_session(app)
    try:
        request_ctx.session = null
    except AttributeError:  # Flask 3.1 keeps the session behind a read-only property
        request_ctx._session = null
    # Flask-Login's per-request user: set, it is never loaded from the session or a cookie.
    g._login_user = app.login_manager.anonymous_user()


def authenticate(scope: str):
    """Let the call through (returning None) when it carries a live token with `scope`.

    Otherwise answer 401 (no token, an unknown one or a revoked one) or 403 (a token without the
    scope), as JSON with a WWW-Authenticate challenge.
    """
    _detach_browser_session()
    raw = _bearer()
    if raw is None:
        return _challenge(401, _("This address needs an API token: Authorization: Bearer <token>."))
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None:
        current_app.logger.info("API call with an unknown token from %s", request.remote_addr)
        return _challenge(401, _("The API token is not valid."), "invalid_token")
    g.api_token = token
    g.api_actor = actor_name(token)
    if token.revoked_at is not None:
        _audit_refusal(token, "api.revoked")
        return _challenge(401, _("The API token has been revoked."), "invalid_token")
    if scope not in (token.scopes or []):
        _audit_refusal(token, "api.forbidden", scope)
        return _challenge(
            403,
            _("The API token lacks the scope %(scope)s.", scope=scope),
            "insufficient_scope",
            scope,
        )
    return None


def _touch(token: ApiToken) -> None:
    """Note when the token was last used, at most once a minute."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now


def _audit_refusal(token: ApiToken, action: str, scope: str | None = None) -> None:
    detail = {"method": request.method, "path": request.path}
    if scope:
        detail["scope"] = scope
    audit.record(action, target=label(token), detail=detail)
    db.session.commit()


@event.listens_for(AuditEvent, "before_insert")
def _attribute_to_token(mapper, connection, entry: AuditEvent) -> None:
    """Name the token as the actor of every audit entry made during its call.

    Nobody is signed in during a token call, so these entries would otherwise name no one.
    """
    if has_request_context() and entry.actor_id is None and not entry.actor_username:
        entry.actor_username = g.get("api_actor", "")


def audit_call(response):
    """Record an authenticated call, with its outcome, in the audit log (api.call).

    A refused or failed call keeps nothing of what it may have begun, only its audit entry.
    """
    token = g.get("api_token")
    if token is None or token.revoked_at is not None or response.status_code in (401, 403):
        return response
    if response.status_code >= 400:
        db.session.rollback()
    _touch(token)
    detail = {"method": request.method, "path": request.path, "status": response.status_code}
    if request.query_string:
        detail["query"] = request.query_string.decode("utf-8", "replace")[:500]
    audit.record("api.call", target=label(token), detail=detail)
    db.session.commit()
    return response
