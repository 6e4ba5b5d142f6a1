"""Who may use which route.

Every view declares its audience with one of the decorators below. A single before-request hook
enforces the declaration, and a view that declares nothing is refused to everyone, so a new route
cannot be left open by mistake.
"""

from flask import abort, current_app, request
from flask_login import current_user

from courseware.roles import Role

PUBLIC = "public"
SIGNED_IN = "signed-in"


def _declare(view, audience):
    view.access = audience
    return view


def public(view):
    """Anyone, signed in or not, may use this view."""
    return _declare(view, PUBLIC)


def signed_in(view):
    """Anyone signed in may use this view."""
    return _declare(view, SIGNED_IN)


TOKEN = "token:"
# The key under app.extensions of the function that checks an API call's token for a scope: the
# api package registers it in its init_app, since access sits below every package.
TOKEN_AUTHENTICATOR = "courseware.token_authenticator"


def set_token_authenticator(app, authenticate) -> None:
    """Make `authenticate(scope)` the check for token routes; it returns None or a response."""
    app.extensions[TOKEN_AUTHENTICATOR] = authenticate


def token(scope: str):
    """Only calls carrying an API token with this scope (Authorization: Bearer …); no session."""

    def decorator(view):
        return _declare(view, TOKEN + scope)

    return decorator


def roles(*allowed: Role):
    """Only users holding one of these roles may use this view."""
    values = frozenset(Role(r).value for r in allowed)

    def decorator(view):
        return _declare(view, values)

    return decorator


def audience_of(endpoint: str):
    """Return the declared audience of an endpoint, or None when it declares none."""
    view = current_app.view_functions.get(endpoint)
    if endpoint == "static":
        return PUBLIC
    view = getattr(view, "__wrapped__", view)
    return getattr(view, "access", None)


def enforce_access():
    """Send strangers to sign in and answer 403 to users whose role does not fit."""
    if request.endpoint is None:  # 404 and 405 are answered by Flask itself
        return None
    audience = audience_of(request.endpoint)
    if audience == PUBLIC:
        return None
    if isinstance(audience, str) and audience.startswith(TOKEN):
        authenticate = current_app.extensions.get(TOKEN_AUTHENTICATOR)
        if authenticate is None:
            current_app.logger.error("Route %s needs a token but none is checked", request.endpoint)
            abort(403)
        return authenticate(audience[len(TOKEN) :])
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if audience == SIGNED_IN:
        return None
    if audience is None:
        current_app.logger.error("Route %s declares no audience; refused", request.endpoint)
        abort(403)
    if current_user.role not in audience:
        abort(403)
    return None


def init_app(app):
    app.before_request(enforce_access)
