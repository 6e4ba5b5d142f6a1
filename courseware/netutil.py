"""Facts about the current request's client."""

from flask import request


def client_ip() -> str:
    """Return the client address (ProxyFix has already applied X-Forwarded-For when configured)."""
    return (request.remote_addr or "")[:45]
