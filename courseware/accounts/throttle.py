"""Throttle wrong passwords per account-and-address and per address, in the database.

Counting by the account *and* the address means a stranger elsewhere cannot lock a cadre out:
their failures only lock their own address. Counters live in the database so that every worker
and every app server sees the same ones.

A sign-in reserves its place before the password is checked (`reserve_attempt`): the reservation
is written as a failure first and taken back on success. Counting only after the check let 80
parallel guesses from one address through 16 password checks instead of 10, since each request
read the counter before any other had written to it.
"""

import zlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from courseware.accounts.models import LoginFailure
from courseware.db import db
from courseware.timeutil import utcnow

# Failures older than this are of no further use to anyone.
RETENTION = timedelta(days=1)


def _locked_by(times: list[datetime], limit: int, window: timedelta, lockout: timedelta, now):
    """Return when the lock ends, if `limit` failures within `window` ended less than `lockout` ago."""
    times = sorted(times)
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= window and now - times[i] < lockout:
            return times[i] + lockout
    return None


def locked_until(username_key: str, ip: str, excluding: int | None = None) -> datetime | None:
    """Return the end of the lock on this account-and-address or on this address, if any."""
    cfg = current_app.config
    window, lockout = cfg["LOGIN_WINDOW"], cfg["LOGIN_LOCKOUT"]
    now = utcnow()
    since = now - window - lockout
    recent = sa.select(LoginFailure.at).where(LoginFailure.ip == ip, LoginFailure.at >= since)
    if excluding is not None:
        recent = recent.where(LoginFailure.id != excluding)
    by_address = list(db.session.scalars(recent))
    by_pair = list(db.session.scalars(recent.where(LoginFailure.username_key == username_key)))
    ends = [
        _locked_by(by_pair, cfg["LOGIN_MAX_FAILURES"], window, lockout, now),
        _locked_by(by_address, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"], window, lockout, now),
    ]
    ends = [e for e in ends if e is not None]
    return max(ends) if ends else None


def _serialise_address(ip: str) -> None:
    """Make sign-ins from one address reserve one after another.

    SQLite already does: the reservation's INSERT takes the database's write lock before the count
    is read. PostgreSQL reads committed rows only, so two reservations could each miss the other;
    a transaction-scoped advisory lock on the address orders them.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(("login:" + ip).encode()) - 2**31
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def reserve_attempt(username_key: str, ip: str) -> LoginFailure | datetime:
    """Count this sign-in as a failure before the password is checked, or say until when it is locked.

    Commits: the reservation must be visible to every other request before the slow check starts.
    """
    _serialise_address(ip)
    reservation = LoginFailure(username_key=username_key[:64], ip=ip)
    db.session.add(reservation)
    db.session.flush()
    until = locked_until(username_key, ip, excluding=reservation.id)
    if until is not None:
        db.session.rollback()
        return until
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < utcnow() - RETENTION))
    db.session.commit()
    return reservation


def withdraw(reservation: LoginFailure) -> None:
    """Take back a reservation whose password was right."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.id == reservation.id))


def address_locked_until(ip: str) -> datetime | None:
    """Return the end of the lock on the whole address, if there is one."""
    cfg = current_app.config
    window, lockout = cfg["LOGIN_WINDOW"], cfg["LOGIN_LOCKOUT"]
    now = utcnow()
    times = list(
        db.session.scalars(
            sa.select(LoginFailure.at).where(
                LoginFailure.ip == ip, LoginFailure.at >= now - window - lockout
            )
        )
    )
    return _locked_by(times, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"], window, lockout, now)


def locked_addresses() -> list[tuple[str, datetime]]:
    """Return every address locked as a whole, with the end of its lock, newest first."""
    cfg = current_app.config
    since = utcnow() - cfg["LOGIN_WINDOW"] - cfg["LOGIN_LOCKOUT"]
    busy = db.session.scalars(
        sa.select(LoginFailure.ip)
        .where(LoginFailure.at >= since)
        .group_by(LoginFailure.ip)
        .having(sa.func.count() >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])
    ).all()
    locks = [(ip, address_locked_until(ip)) for ip in busy]
    return sorted(
        ((ip, until) for ip, until in locks if until), key=lambda pair: pair[1], reverse=True
    )


def lift_address_lock(ip: str) -> int:
    """Forget every failure from this address; return how many were forgotten."""
    result = db.session.execute(sa.delete(LoginFailure).where(LoginFailure.ip == ip))
    return result.rowcount


def record_failure(username_key: str, ip: str) -> None:
    """Count one failed sign-in and forget failures too old to matter."""
    db.session.add(LoginFailure(username_key=username_key[:64], ip=ip))
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < utcnow() - RETENTION))


def clear_failures(username_key: str, ip: str) -> None:
    """Forget this account-and-address's failures after a successful sign-in."""
    db.session.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.username_key == username_key, LoginFailure.ip == ip
        )
    )
