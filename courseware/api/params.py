"""Reading query parameters, paginating, and writing values the way the API spells them.

Every malformed parameter is refused with an ApiError that names it, which the blueprint turns
into a JSON answer.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from flask_babel import gettext as _

from courseware.db import db

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# The largest id the integer columns hold; larger numbers name nothing (and PostgreSQL would refuse them).
MAX_ID = 2**31 - 1


class ApiError(Exception):
    """A request the API refuses: the status, a message, and the field or parameter at fault."""

    def __init__(
        self, message: str, field: str | None = None, status: int = 400, errors: list | None = None
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        self.errors = errors

    def body(self) -> dict:
        body = {"error": self.message}
        if self.field:
            body["field"] = self.field
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def text(args, name: str, max_length: int = 200) -> str | None:
    """A text parameter, or None when absent or empty."""
    value = args.get(name)
    if not value:
        return None
    if len(value) > max_length or not is_clean(value):
        raise ApiError(_("The parameter %(name)s is not valid.", name=name), name)
    return value


def is_clean(value: str) -> bool:
    """True for text a database column can hold: no NUL, nothing that is not Unicode text."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def identifier(args, name: str) -> int | None:
    """A positive integer id parameter, or None when absent."""
    value = args.get(name)
    if value in (None, ""):
        return None
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise ApiError(_("%(name)s must be a positive whole number.", name=name), name)
    return int(value)


def date(args, name: str) -> dt.date | None:
    """A date parameter (YYYY-MM-DD), or None when absent."""
    value = args.get(name)
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(_("%(name)s must be a date such as 2024-03-31.", name=name), name) from None


def datetime(args, name: str) -> dt.datetime | None:
    """A date-time parameter (ISO 8601; UTC when it names no offset), as naive UTC."""
    value = args.get(name)
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return moment
    except (ValueError, OverflowError):
        raise ApiError(
            _("%(name)s must be a date and time such as 2024-03-31T08:00:00Z.", name=name), name
        ) from None


def choice(args, name: str, allowed) -> str | None:
    """One of the allowed values, or None when absent."""
    value = args.get(name)
    if not value:
        return None
    if value not in allowed:
        raise ApiError(
            _("%(name)s must be one of: %(values)s.", name=name, values=", ".join(allowed)), name
        )
    return value


def date_range(args) -> tuple[dt.date | None, dt.date | None]:
    """The from/to dates, both inclusive, refusing a range that ends before it starts."""
    start, end = date(args, "from"), date(args, "to")
    if start and end and end < start:
        raise ApiError(_("to comes before from."), "to")
    return start, end


# --- pagination ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """Which slice of a list to return: `limit` rows after `offset`, or after the cursor's key."""

    limit: int
    offset: int = 0
    after: tuple | None = None


def page(args) -> Page:
    """Read limit (1–500), and offset or cursor (not both)."""
    limit = args.get("limit")
    if limit in (None, ""):
        limit = DEFAULT_LIMIT
    elif not limit.isascii() or not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
        raise ApiError(_("limit must be a whole number from 1 to %(max)d.", max=MAX_LIMIT), "limit")
    offset = args.get("offset")
    cursor = args.get("cursor")
    if offset not in (None, "") and cursor:
        raise ApiError(_("Give offset or cursor, not both."), "cursor")
    if cursor:
        return Page(int(limit), after=decode_cursor(cursor))
    if offset in (None, ""):
        return Page(int(limit))
    if not offset.isascii() or not offset.isdigit() or int(offset) > 10**9:
        raise ApiError(_("offset must be a whole number, 0 or more."), "offset")
    return Page(int(limit), offset=int(offset))


def encode_cursor(key: tuple) -> str:
    """An opaque cursor naming the last row of a page by its sort key."""
    return (
        base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def decode_cursor(cursor: str) -> tuple:
    try:
        if len(cursor) > 200 or not cursor.isascii():
            raise ValueError(cursor)
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(key, list) or not key or not all(isinstance(k, (int, str)) for k in key):
            raise ValueError(cursor)
        if any(isinstance(k, int) and not 0 <= k <= MAX_ID for k in key):
            raise ValueError(cursor)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            _("The cursor is not valid; use next_cursor from a previous page."), "cursor"
        ) from None
    return tuple(key)


def by_id(stmt, column, page_: Page, serialise) -> dict:
    """Run a statement ordered by an integer id column and return one page of it, serialised.

    Each row is passed to `serialise` as positional arguments; its first element carries the id.
    """
    if page_.after is not None:
        if len(page_.after) != 1 or not isinstance(page_.after[0], int):
            raise ApiError(
                _("The cursor is not valid; use next_cursor from a previous page."), "cursor"
            )
        stmt = stmt.where(column > page_.after[0])
    rows = db.session.execute(
        stmt.order_by(column).offset(page_.offset).limit(page_.limit + 1)
    ).all()
    more = len(rows) > page_.limit
    rows = rows[: page_.limit]
    return {
        "items": [serialise(*row) for row in rows],
        "limit": page_.limit,
        "next_cursor": encode_cursor((rows[-1][0].id,)) if more else None,
    }


# --- writing values -----------------------------------------------------------------------------


def timestamp(moment: dt.datetime | None) -> str | None:
    """A stored (naive UTC) moment as ISO 8601 with Z."""
    if moment is None:
        return None
    return moment.isoformat(timespec="milliseconds") + "Z"


def start_of(value: dt.date) -> dt.datetime:
    """Midnight (UTC) at the start of a day."""
    return dt.datetime.combine(value, dt.time())


def day_after(value: dt.date) -> dt.datetime:
    """Midnight (UTC) at the end of a day, for inclusive "to" dates."""
    if value == dt.date.max:
        return dt.datetime.max
    return start_of(value) + dt.timedelta(days=1)


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def localized(title: dict | None) -> dict:
    """A {"zh", "en"} text as stored, with a missing translation as null."""
    title = title or {}
    return {"zh": title.get("zh") or "", "en": title.get("en") or None}
