"""Creating and updating users from JSON (POST /api/v1/users), all or nothing.

The rows go through the same checks as a roster file (花名册, accounts/roster.py): the JSON is
turned into a roster table, planned, and applied only when no row has a problem. New accounts get
a generated initial password that the API never returns; an administrator issues them, as a
spreadsheet, from Administration → Users with "only accounts that have never signed in".
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from courseware.accounts import roster
from courseware.accounts.credentials import normalise_username
from courseware.accounts.models import Unit
from courseware.api import params, tokens
from courseware.api.models import ApiToken
from courseware.api.params import ApiError
from courseware.db import db

MAX_USERS = 1000
# JSON field → the roster column title it is read as (see roster.HEADERS).
COLUMNS = {
    "username": "username",
    "name": "name",
    "unit": "unit",
    "position": "position",
    "rank_level": "rank level",
    "phone": "phone",
    "role": "role",
}
FIELDS = tuple(COLUMNS) + ("unit_id",)


def _problem(index: int, field: str | None, message: str) -> dict:
    where = f"users[{index}]" + (f".{field}" if field else "")
    return {"field": where, "message": message}


def _cells(index: int, item, problems: list) -> list[str] | None:
    """One JSON user as roster cells, in COLUMNS order; None (with problems noted) when malformed."""
    if not isinstance(item, dict):
        problems.append(_problem(index, None, _("Each user must be a JSON object.")))
        return None
    found = []
    for key in item:
        if key not in FIELDS:
            found.append(_problem(index, str(key)[:64], _("Unknown field.")))
    for key in COLUMNS:
        value = item.get(key)
        if value is not None and (not isinstance(value, str) or not params.is_clean(value)):
            found.append(_problem(index, key, _("Must be text.")))
    unit_id = item.get("unit_id")
    unit_path = None
    if unit_id is not None:
        if isinstance(unit_id, bool) or not isinstance(unit_id, int):
            found.append(_problem(index, "unit_id", _("Must be a whole number.")))
        elif item.get("unit"):
            found.append(_problem(index, "unit_id", _("Give unit or unit_id, not both.")))
        else:
            unit = db.session.get(Unit, unit_id) if 1 <= unit_id <= params.MAX_ID else None
            if unit is None:
                found.append(_problem(index, "unit_id", _("There is no unit %(id)d.", id=unit_id)))
            else:
                unit_path = unit.path().replace(" / ", "/")
    problems.extend(found)
    if found:
        return None
    cells = [(item.get(key) or "").strip() for key in COLUMNS]
    if unit_path is not None:
        cells[list(COLUMNS).index("unit")] = unit_path
    return cells


def _users(payload) -> list:
    if not isinstance(payload, dict) or not isinstance(payload.get("users"), list):
        raise ApiError(_('Send a JSON object with a list of users under "users".'), "users", 422)
    users = payload["users"]
    if not 1 <= len(users) <= MAX_USERS:
        raise ApiError(_("Send from 1 to %(max)d users at a time.", max=MAX_USERS), "users", 422)
    return users


def save_users(payload, token: ApiToken) -> dict:
    """Check every user in the payload and create or update them all, or refuse them all.

    Adds the changes and their audit entries to the session; the caller commits.
    """
    users = _users(payload)
    problems: list[dict] = []
    rows, seen = [], {}
    for index, item in enumerate(users):
        cells = _cells(index, item, problems)
        if cells is None:
            continue
        username = normalise_username(cells[0])
        if username and username in seen:
            problems.append(
                _problem(
                    index,
                    "username",
                    _(
                        "The username “%(name)s” is also at users[%(other)d].",
                        name=username,
                        other=seen[username],
                    ),
                )
            )
            continue
        seen[username] = index
        rows.append((index + 1, cells))  # roster rows are numbered from 1
    plan = roster.plan_import(roster.Table(header=list(COLUMNS.values()), rows=rows))
    problems.extend(_from_roster(problem) for problem in plan.problems)
    if problems:
        raise ApiError(
            ngettext(
                "Nothing was saved: %(num)d problem.",
                "Nothing was saved: %(num)d problems.",
                len(problems),
            ),
            problems[0]["field"],
            422,
            problems,
        )
    result = roster.apply_plan(plan, f"API {tokens.label(token)}")
    return {
        "created": [_summary(user) for user, _initial in result.created],
        "updated": [_summary(user) for user in result.updated],
        "unchanged": [entry.values["username"] for entry in plan.unchanged],
    }


def _from_roster(problem: roster.Problem) -> dict:
    """A roster problem (row, spreadsheet column) named as a JSON field."""
    field = None
    for position, (key, title) in enumerate(COLUMNS.items()):
        if problem.column == f"{roster._column_letter(position)} ({title})":
            field = key
    return _problem((problem.row or 1) - 1, field, problem.message)


def _summary(user) -> dict:
    return {"id": user.id, "username": user.username, "name": user.name, "unit_id": user.unit_id}
