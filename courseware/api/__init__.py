"""The JSON API at /api/v1 for the organisation department's own systems, with scoped tokens."""

from courseware import access
from courseware.api import tokens


def init_app(app) -> None:
    """Check the token of every call to a token route."""
    access.set_token_authenticator(app, tokens.authenticate)
