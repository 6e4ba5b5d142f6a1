"""Throttle wrong passwords per account-and-address and per address, in the database.

Counting by the account *and* the address means a stranger elsewhere cannot lock a cadre out:
their failures only lock their own address. Counters live in the database so that every worker
and every app server sees the same ones.
"""

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


def locked_until(username_key: str, ip: str) -> datetime | None:
    """Return the end of the lock on this account-and-address or on this address, if any."""
    cfg = current_app.config
    window, lockout = cfg["LOGIN_WINDOW"], cfg["LOGIN_LOCKOUT"]
    now = utcnow()
    since = now - window - lockout
    recent = sa.select(LoginFailure.at).where(LoginFailure.ip == ip, LoginFailure.at >= since)
    by_address = list(db.session.scalars(recent))
    by_pair = list(db.session.scalars(recent.where(LoginFailure.username_key == username_key)))
    ends = [
        _locked_by(by_pair, cfg["LOGIN_MAX_FAILURES"], window, lockout, now),
        _locked_by(by_address, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"], window, lockout, now),
    ]
    ends = [e for e in ends if e is not None]
    return max(ends) if ends else None


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
