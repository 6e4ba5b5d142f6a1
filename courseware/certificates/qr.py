"""The QR code (二维码) on a certificate: it carries the public verification address."""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup

# Medium error correction survives a crease or a smudge on a printed page.
ERROR_CORRECTION = "m"


def verify_url(code: str) -> str:
    """The absolute address where anyone can check this code."""
    return url_for("certificates.verify", code=code, _external=True)


def make(url: str):
    import segno  # only the certificate pages and PDFs draw a code: kept out of other pages' memory

    return segno.make(url, error=ERROR_CORRECTION)


def svg(url: str, title: str) -> Markup:
    """The QR code as inline SVG markup, sized by CSS (no style attributes, so the CSP allows it).

    The light background is drawn too, so the code stays readable on a dark page.
    """
    markup = make(url).svg_inline(
        scale=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr",
        lineclass=None,
        title=title,
    )
    return Markup(markup)
