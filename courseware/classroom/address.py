"""The address phones in the room reach the server at, and the projector's QR code for it."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import current_app, request, url_for
from markupsafe import Markup

from courseware.netutil import lan_address, LOOPBACK_HOSTS


def base_url() -> str:
    """CLASSROOM_BASE_URL when set; otherwise the address this page was reached at, with the
    machine's LAN address in place of localhost (a projector opened on the server itself)."""
    configured = current_app.config.get("CLASSROOM_BASE_URL")
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(request.host_url)
    host = parts.hostname or ""
    if host in LOOPBACK_HOSTS or host == "localhost":
        lan = lan_address()
        if lan:
            netloc = lan + (f":{parts.port}" if parts.port else "")
            parts = parts._replace(netloc=netloc)
    return urlunsplit(parts).rstrip("/")


def absolute(endpoint: str, **values) -> str:
    """An address in the app as a phone in the room reaches it."""
    return base_url() + url_for(endpoint, **values)


def qr_svg(url: str, title: str) -> Markup:
    """The address as an inline SVG QR code, sized by CSS; low error correction keeps the modules
    large enough to scan from the back of the room."""
    import segno  # only the projector needs it

    markup = segno.make(url, error="l").svg_inline(
        scale=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="room-qr",
        lineclass=None,
        title=title,
    )
    return Markup(markup)
