"""Usernames and passwords: normalising, generating and checking them."""

import secrets
import unicodedata

from flask import current_app
from flask_babel import gettext as _

# No 0/O, 1/l/I: initial passwords are read off paper and typed on phones.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_PASSWORD_LENGTH = 12


def normalise_username(raw: str) -> str:
    """Fold full-width forms and case so one person cannot end up with two accounts."""
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


def generate_password() -> str:
    """Return a random initial password that is easy to copy correctly."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_PASSWORD_LENGTH))


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
