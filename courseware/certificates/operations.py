"""Changing certificates: revocation (撤销) by an administrator, with a reason, audited."""
from __future__ import annotations

import datetime as dt

from courseware.accounts import audit
from courseware.accounts.models import User
from courseware.certificates.models import Certificate

MAX_REASON = 500


class AlreadyRevoked(Exception):
    pass


def revoke(certificate: Certificate, reason: str, by: User, now: dt.datetime) -> None:
    """Mark a certificate revoked from now on; it stays listed, and verification says so."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required")
    if certificate.revoked_at is not None:
        raise AlreadyRevoked(certificate.code)
    certificate.revoked_at = now
    certificate.revoked_reason = reason[:MAX_REASON]
    certificate.revoked_by_id = by.id
    audit.record("certificate.revoke", certificate.code, {
        "certificate": certificate.id, "user": certificate.user_id, "course": certificate.course_id,
        "reason": certificate.revoked_reason,
    }, actor=by)
