"""The codes of a class session: a fixed join code for its address, and the check-in code on the
projector, which changes every window (15 s) so a photo of it sent out of the room soon expires.

The check-in code is derived, not stored: HMAC-SHA256 of the session's secret and the window's
number, so every worker and server computes the same code with nothing kept in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
CHECKIN_DIGITS = 6
WINDOW_SECONDS = 15
# How far back a typed code is still recognised, to tell "expired" from "wrong" (ten minutes).
RECOGNISED_WINDOWS = 40
# A check-in a phone kept while its Wi-Fi was down and sends again passes with a code that was on
# the projector at most this long ago: long enough for a dropped connection to come back, short
# enough that a photo of the code sent out of the room is of little use.
RESENT_SECONDS = 120
EPOCH = dt.datetime(1970, 1, 1)


def new_secret() -> str:
    return secrets.token_hex(32)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def window_of(now: dt.datetime, seconds: int = WINDOW_SECONDS) -> int:
    """The number of the window `now` (naive UTC) falls in."""
    return int((now - EPOCH).total_seconds() // seconds)


def seconds_left(now: dt.datetime, seconds: int = WINDOW_SECONDS) -> int:
    """Whole seconds until the code changes."""
    elapsed = (now - EPOCH).total_seconds() % seconds
    return max(1, int(seconds - elapsed + 0.999))


def checkin_code(secret: str, window: int) -> str:
    """The check-in code of one window: six digits."""
    digest = hmac.new(secret.encode(), f"checkin:{window}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**CHECKIN_DIGITS).zfill(CHECKIN_DIGITS)


def current_code(secret: str, now: dt.datetime, seconds: int = WINDOW_SECONDS) -> str:
    return checkin_code(secret, window_of(now, seconds))


def normalise(code: str) -> str:
    """A typed code without spaces, dashes or full-width digits."""
    code = (code or "").translate(
        {ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")}
    )
    return "".join(ch for ch in code if ch.isalnum()).upper()


VALID, EXPIRED, WRONG = "valid", "expired", "wrong"


def windows_back(
    secret: str, code: str, now: dt.datetime, seconds: int = WINDOW_SECONDS
) -> int | None:
    """How many windows before `now`'s the typed code was shown (0: now), None if it is not one
    of the recognised codes. Compared in constant time."""
    code = normalise(code)
    window = window_of(now, seconds)
    for back in range(RECOGNISED_WINDOWS + 1):
        if hmac.compare_digest(checkin_code(secret, window - back), code):
            return back
    return None


def check(
    secret: str,
    code: str,
    now: dt.datetime,
    seconds: int = WINDOW_SECONDS,
    resent: bool = False,
) -> str:
    """VALID for the current or the previous window's code, EXPIRED for an older one still
    recognised, WRONG otherwise. A resent check-in (kept on a phone while offline) is VALID with
    a code that was still valid RESENT_SECONDS ago."""
    back = windows_back(secret, code, now, seconds)
    if back is None:
        return WRONG
    if back <= 1:
        return VALID
    if resent and valid_until(back, now, seconds) >= now - dt.timedelta(seconds=RESENT_SECONDS):
        return VALID
    return EXPIRED


def valid_until(back: int, now: dt.datetime, seconds: int = WINDOW_SECONDS) -> dt.datetime:
    """The last moment a code shown `back` windows before `now`'s passed: the end of the window
    after its own, since the previous window's code passes too."""
    window = window_of(now, seconds) - back
    return EPOCH + dt.timedelta(seconds=(window + 2) * seconds)
