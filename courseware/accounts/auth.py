"""Signing in and changing passwords."""

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from courseware.accounts import audit, sessions, throttle
from courseware.accounts.credentials import normalise_username
from courseware.accounts.models import password_methods, User
from courseware.db import db
from courseware.netutil import client_ip


# A sign-in checks one hash of each cost, whoever asks: the account's own and a dummy of the other
# cost, or both dummies when no account matches. Otherwise a wrong password would answer in about
# 12 ms for accounts still on a generated (cheaper) hash, 120 ms for chosen passwords and a third
# figure for unknown names, and never-used accounts could be listed by timing alone.
@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a real password", method=method)


def verify_password(user: User | None, password: str) -> bool:
    """Check the password at the same cost whether the account exists, is new or chose it."""
    own = user.password_hash if user is not None else None
    ok = matched = False
    for method in password_methods():
        if own is not None and own.startswith(method + "$"):
            ok, matched = check_password_hash(own, password), True
        else:
            check_password_hash(_dummy_hash(method), password)
    if own is not None and not matched:  # a hash from another method keeps its own cost
        ok = check_password_hash(own, password)
    return ok


class Deactivated:
    """The password was right but the account is deactivated (only its owner can learn this)."""


@dataclass
class Throttled(Exception):
    """Too many failed sign-ins from this address, for this account or in all."""

    until: datetime
    # True when the whole address is locked, not only this account from it.
    address: bool = False


def sign_in(username: str, password: str) -> User | Deactivated | None:
    """Check a username and password and start a session; None when they do not match.

    Raises Throttled, without checking the password, while the account-and-address or the
    address is locked. The answer is the same whether or not the account exists.
    """
    key, ip = normalise_username(username), client_ip()
    reservation = throttle.reserve_attempt(key, ip)
    if isinstance(reservation, datetime):
        audit.record("login.throttled", target=key, actor=None)
        db.session.commit()
        raise Throttled(reservation, address=throttle.address_locked_until(ip) is not None)
    user = db.session.scalar(sa.select(User).where(User.username == key))
    ok = verify_password(user, password)
    if not ok:
        audit.record("login.failure", target=key, actor=None)
        db.session.commit()
        return None
    throttle.withdraw(reservation)
    if not user.active:
        audit.record("login.deactivated", target=key, actor=None)
        db.session.commit()
        return Deactivated()
    throttle.clear_failures(key, ip)
    sessions.start_session(user)
    audit.record("login.success", target=user.username, actor=user)
    db.session.commit()
    return user


def password_guesses_locked(user: User) -> datetime | None:
    """When wrong current passwords have locked this user's password change, until when."""
    return throttle.locked_until(user.username, client_ip())


def record_wrong_current_password(user: User) -> None:
    """Count a wrong current password on the change-password form as a failed sign-in."""
    throttle.record_failure(user.username, client_ip())
    audit.record("password.wrong_current", target=user.username)
    db.session.commit()


def sign_out() -> None:
    """End the current session."""
    audit.record("logout")
    sessions.end_session()
    db.session.commit()


def change_password(user: User, new_password: str) -> None:
    """Set the user's own new password and end their other sessions."""
    user.set_password(new_password)
    user.must_change_password = False
    sessions.end_all_sessions(user, keep_token=user.session_token)
    audit.record("password.change", target=user.username)
    db.session.commit()
