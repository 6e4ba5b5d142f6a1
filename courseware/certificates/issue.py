"""Issuing a certificate when a course is completed."""

from __future__ import annotations

import secrets

from courseware import signals
from courseware.accounts.models import User
from courseware.certificates.models import Certificate
from courseware.db import db

# Codes people read off paper and type: no 0/O or 1/I/L to confuse.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def on_course_completed(completion, course, **extra) -> None:
    """Issue the certificate when a learner completes a course."""
    issue_certificate(completion, course)


def issue_certificate(completion, course) -> Certificate:
    """Write the certificate for a completion, with the facts as they stand today."""
    user = db.session.get(User, completion.user_id)
    certificate = Certificate(
        user_id=user.id,
        course_id=course.id,
        completion_id=completion.id,
        code=new_code(),
        name=user.name,
        unit=user.unit.path() if user.unit else "",
        course_title=dict(course.title),
        credit_hours=float(course.credit_hours),
        issued_at=completion.completed_at,
    )
    db.session.add(certificate)
    db.session.flush()
    signals.certificate_issued.send(certificate, course=course)
    return certificate
