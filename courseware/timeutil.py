"""One clock for the whole application."""

from datetime import date, datetime, UTC


def utcnow() -> datetime:
    """Return the current time in UTC without tzinfo, the form stored in every database column.

    SQLite drops time zones, so every timestamp is kept as naive UTC on both databases.
    """
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today's date where the organisation is (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai by default).

    Credit hours are dated on the organisation's calendar (a class session's date, a completion's
    day): from 16:00 UTC Beijing is already on the next day, and a page that took UTC's date as
    "today" would leave out what was earned this morning."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    return datetime.now(zone).date()
