"""Finding certificates: by code, by owner, by completion, and the administrators' search."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from courseware.accounts.credentials import normalise_username
from courseware.accounts.models import User
from courseware.certificates.models import Certificate
from courseware.db import built_once, db, read_rows

# Anything typed longer than this is not a code; it is not looked up.
MAX_TYPED_CODE = 64


def normalise_code(raw: str | None) -> str:
    """The code as stored: full-width forms folded, upper case, spaces, dashes and dots dropped.

    People copy codes from paper and from Chinese input methods ("abcd－efgh ｊｋｍｎ").
    """
    text = unicodedata.normalize("NFKC", raw or "")[:MAX_TYPED_CODE].upper()
    return re.sub(r"[^0-9A-Z]", "", text)


def display_code(code: str) -> str:
    """The code in groups of four, as printed: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def by_code(raw: str | None) -> Certificate | None:
    code = normalise_code(raw)
    if not code or len(code) > Certificate.code.type.length:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


@built_once
def _certificates_of_user():
    return (
        sa.select(
            Certificate.id,
            Certificate.course_title,
            Certificate.issued_at,
            Certificate.code,
            Certificate.revoked_at.is_(None).label("valid"),
        )
        .where(Certificate.user_id == sa.bindparam("user_id"))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )


def of_user(user_id: int) -> list[sa.Row]:
    """A learner's certificates, newest first, revoked ones included: the columns their lists show
    (id, course_title, issued_at, code, valid), read as rows, which cost a list shown on every
    My learning page less than objects."""
    return read_rows(_certificates_of_user(), {"user_id": user_id})


def for_course(course_id: int, user_id: int) -> Certificate | None:
    """The learner's certificate for a course, if the course was completed."""
    return db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.course_id == course_id, Certificate.user_id == user_id)
        .order_by(Certificate.id.desc())
        .limit(1)
    )


def search(query: str | None) -> sa.Select:
    """Certificates for the administrators' list, newest first; `query` is a username or a code."""
    stmt = (
        sa.select(Certificate)
        .options(joinedload(Certificate.user))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    query = (query or "").strip()
    if query:
        conditions = [User.username == normalise_username(query)]
        code = normalise_code(query)
        if code:
            conditions.append(Certificate.code == code)
        stmt = stmt.join(User, Certificate.user_id == User.id).where(sa.or_(*conditions))
    return stmt
