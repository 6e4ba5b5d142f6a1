"""Changing certificates: revocation (撤销) by an administrator, with a reason, audited; issuing
those that completions lack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from courseware.accounts import audit
from courseware.accounts.models import User
from courseware.certificates.issue import issue_certificate
from courseware.certificates.models import Certificate
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress import ledger
from courseware.progress.models import CourseCompletion, CreditEntry

MAX_REASON = 500


class AlreadyRevoked(Exception):
    pass


def revoke(
    certificate: Certificate, reason: str, by: User, now: dt.datetime, reverse_credit: bool = False
) -> CreditEntry | None:
    """Mark a certificate revoked from now on; it stays listed, and verification says so.

    A certificate revoked because the course was not really completed (say, cheating found later)
    should not keep its 学时 either: with `reverse_credit` the course's ledger entry is reversed
    with the same reason, unless it was reversed already. Returns the reversal, if one was made."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required")
    if certificate.revoked_at is not None:
        raise AlreadyRevoked(certificate.code)
    certificate.revoked_at = now
    certificate.revoked_reason = reason[:MAX_REASON]
    certificate.revoked_by_id = by.id
    audit.record(
        "certificate.revoke",
        certificate.code,
        {
            "certificate": certificate.id,
            "user": certificate.user_id,
            "course": certificate.course_id,
            "reason": certificate.revoked_reason,
            "reverse_credit": reverse_credit,
        },
        actor=by,
    )
    if not reverse_credit:
        return None
    entry = db.session.scalar(
        sa.select(CreditEntry).where(CreditEntry.completion_id == certificate.completion_id)
    )
    if entry is None or db.session.scalar(
        sa.select(CreditEntry.id).where(CreditEntry.reverses_id == entry.id)
    ):
        return None
    return ledger.reverse(entry, certificate.revoked_reason, by, now.date())


def without_certificate() -> sa.Select:
    """The completions that have no certificate."""
    return (
        sa.select(CourseCompletion)
        .outerjoin(Certificate, Certificate.completion_id == CourseCompletion.id)
        .where(Certificate.id.is_(None))
    )


def issue_missing(progress: Callable[[int], None] | None = None) -> int:
    """Issue the certificates of completions that have none: completions written before
    certificates were issued. `progress` is called with 1 for each. Returns how many were issued."""
    missing = db.session.scalars(without_certificate().order_by(CourseCompletion.id)).all()
    for completion in missing:
        issue_certificate(completion, db.session.get(Course, completion.course_id))
        if progress:
            progress(1)
    if missing:
        audit.record("certificate.issue_missing", "certificates", {"issued": len(missing)})
    return len(missing)
