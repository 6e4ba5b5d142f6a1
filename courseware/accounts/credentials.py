"""Usernames and passwords: normalising, generating and checking them."""

import datetime as dt
import secrets
import unicodedata

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from courseware.accounts.models import SecretShownOnce
from courseware.db import db
from courseware.timeutil import utcnow

# A password shown once waits this long for its page; after that it is gone.
SHOWN_ONCE_LIFETIME = dt.timedelta(minutes=10)

# No 0/O, 1/l/I: initial passwords are read off paper and typed on phones.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_PASSWORD_LENGTH = 12


def normalise_username(raw: str) -> str:
    """Fold full-width forms and case so one person cannot end up with two accounts."""
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


def generate_password() -> str:
    """Return a random initial password that is easy to copy correctly."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_PASSWORD_LENGTH))


def keep_for_one_viewing(viewer_id: int, subject_id: int, secret: str, created: bool) -> str:
    """Keep a new password server-side for one viewing by `viewer_id`; return the token that names it."""
    db.session.execute(
        sa.delete(SecretShownOnce).where(
            SecretShownOnce.created_at < utcnow() - SHOWN_ONCE_LIFETIME
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        SecretShownOnce(
            token=token, viewer_id=viewer_id, subject_id=subject_id, secret=secret, created=created
        )
    )
    return token


def take_once(token: str | None, viewer_id: int, subject_id: int) -> SecretShownOnce | None:
    """Take the kept password out for its one viewing, or None when it was shown or has expired.

    The row is deleted by a conditional DELETE: of two requests with the same token (a replayed
    cookie, a double click), one gets the password."""
    if not token:
        return None
    kept = db.session.get(SecretShownOnce, token)
    if (
        kept is None
        or kept.viewer_id != viewer_id
        or kept.subject_id != subject_id
        or kept.created_at < utcnow() - SHOWN_ONCE_LIFETIME
    ):
        return None
    db.session.expunge(kept)
    taken = db.session.execute(sa.delete(SecretShownOnce).where(SecretShownOnce.token == token))
    db.session.commit()
    return kept if taken.rowcount == 1 else None


# Passwords every guesser tries first.
COMMON_PASSWORDS = {
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "password",
    "password1",
    "qwertyui",
    "qwertyuiop",
    "abcd1234",
    "1qaz2wsx",
    "a1234567",
    "aa123456",
    "abc12345",
    "abcdefgh",
    "iloveyou",
    "woaini1314",
    "5201314520",
    "zxcvbnm1",
    "admin123",
    "admin888",
    "12341234",
    "11223344",
    "147258369",
    "123123123",
}


def password_problem(password: str, username: str = "") -> str | None:
    """Return why a chosen password is unacceptable, or None when it is fine."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("A password needs at least %(n)d characters.", n=minimum)
    if password.lower() in COMMON_PASSWORDS or len(set(password)) <= 2:
        return _("This password is among the first that anyone would guess; choose another.")
    if username and normalise_username(password) == normalise_username(username):
        return _("The password must not be the username.")
    return None
