"""The certificates' design: the organisation's name, the signature line and the seal."""

from __future__ import annotations

from courseware.accounts.audit import record
from courseware.accounts.models import User
from courseware.certificates.models import CertificateDesign
from courseware.courses.images import clean_image, ImageRefused
from courseware.db import db
from courseware.timeutil import utcnow

DESIGN_ID = 1
MAX_TEXT = 200
# The seal is drawn about 36 mm across; a larger file only makes every certificate heavier.
MAX_SEAL_SIDE = 2000


def current() -> CertificateDesign | None:
    return db.session.get(CertificateDesign, DESIGN_ID)


def in_language(texts: dict | None, language: str) -> str:
    """The text in the reader's language, the Chinese when there is no English."""
    texts = texts or {}
    return (texts.get(language) or texts.get("zh") or "").strip()


def check_seal(data: bytes, filename: str) -> bytes:
    """The seal re-encoded by Pillow; a PNG only (a seal needs its transparency), not too large."""
    image = clean_image(data, filename)
    if image.content_type != "image/png":
        raise ImageRefused("not_png", filename)
    if max(image.width, image.height) > MAX_SEAL_SIDE:
        raise ImageRefused("seal_too_large", filename, side=MAX_SEAL_SIDE)
    return image.data


def save(
    organisation: dict,
    signature: dict,
    seal: bytes | None,
    remove_seal: bool,
    by: User,
) -> CertificateDesign:
    """Store the design (the caller has checked the seal with check_seal) and audit the change."""
    design = current()
    if design is None:
        design = CertificateDesign(id=DESIGN_ID, organisation={}, signature={})
        db.session.add(design)
    design.organisation = {k: (organisation.get(k) or "").strip() for k in ("zh", "en")}
    design.signature = {k: (signature.get(k) or "").strip() for k in ("zh", "en")}
    if seal is not None:
        design.seal_png = seal
    elif remove_seal:
        design.seal_png = None
    design.updated_at = utcnow()
    design.updated_by_id = by.id
    db.session.flush()
    record(
        "certificate.design",
        "certificates",
        {
            "organisation": design.organisation,
            "signature": design.signature,
            "seal": "new" if seal is not None else ("removed" if remove_seal else "kept"),
        },
    )
    return design
