"""One clock for the whole application."""

from datetime import datetime, UTC


def utcnow() -> datetime:
    """Return the current time in UTC without tzinfo, the form stored in every database column.

    SQLite drops time zones, so every timestamp is kept as naive UTC on both databases.
    """
    return datetime.now(UTC).replace(tzinfo=None)
