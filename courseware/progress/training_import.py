"""Outside training records from a unit's own sheet (XLSX/CSV), keyed by 工号, username or ID number
(the IMPORT_TRAINING_KEY setting).

As with the roster import, the preview and the apply run the same checks: `plan_import` reads every
row and says which it would credit, which it would queue as matching no cadre, and which were
imported before; `apply_plan` makes it so in the caller's transaction, all rows or none. Every row
has a fingerprint of what it says (not where it stands in the file), so the same row imported again
is recognised and changes nothing; queued rows wait until an administrator matches them to an
account (which credits them) or discards them with a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from courseware import permissions
from courseware.accounts import roster
from courseware.accounts.audit import record
from courseware.accounts.credentials import normalise_username
from courseware.accounts.models import User
from courseware.accounts.roster import Problem, Table
from courseware.db import db
from courseware.progress import ledger
from courseware.progress.credit_rules import CreditRules, days_hours
from courseware.progress.models import CreditEntry, TrainingImport, UnmatchedTraining
from courseware.timeutil import utcnow

KEY_FIELDS = ("employee_no", "username", "id_number")
KEY_HEADERS = {
    "employee_no": ("工号", "职工号", "employee number", "employee no", "staff number"),
    "username": ("用户名", "账号", "帐号", "username", "login"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id number", "id card"),
}
HEADERS = {
    "name": ("姓名", "name"),
    "kind": ("培训类别", "类别", "培训类型", "kind", "type"),
    "start": ("开始日期", "起始日期", "日期", "培训日期", "start", "from", "date"),
    "end": ("结束日期", "end", "to"),
    "hours": ("学时", "学时数", "hours", "credit hours"),
    "days": ("天数", "days"),
    "organiser": ("主办单位", "组织单位", "organiser", "organizer"),
    "evidence": ("证明材料", "证明", "evidence"),
    "note": ("培训名称", "内容", "备注", "training", "note"),
}
KIND_VALUES = {
    "full_time": ("脱产培训", "脱产", "full-time training", "full_time"),
    "topic_class": ("专题班", "topic class", "topic_class"),
    "group_study": ("中心组学习", "中心组", "party group study", "group_study"),
    "teaching": ("授课", "teaching", "teaching given"),
    "other": ("其他", "其它", "其他培训", "other"),
}
MAX_LENGTH = {"organiser": 200, "evidence": 500, "note": 500, "name": 64}
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def key_field() -> str:
    value = current_app.config.get("IMPORT_TRAINING_KEY", "employee_no")
    if value not in KEY_FIELDS:
        raise ValueError(f"IMPORT_TRAINING_KEY must be one of {', '.join(KEY_FIELDS)}")
    return value


@dataclass
class Row:
    """One checked row: where it was, the key it names its cadre by, and what it credits."""

    row: int
    key_value: str
    name: str
    values: dict  # kind, start, end, hours, organiser, evidence, note (dates as ISO text)
    fingerprint: str
    user: User | None = None


@dataclass
class Plan:
    key: str
    credits: list[Row] = field(default_factory=list)
    queued: list[Row] = field(default_factory=list)
    already: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _map_columns(header: list[str], key: str) -> tuple[dict[str, int], list[Problem]]:
    aliases = {roster._fold(a): name for name, names in HEADERS.items() for a in names}
    aliases |= {roster._fold(a): "key" for a in KEY_HEADERS[key]}
    positions, problems = {}, []
    for index, title in enumerate(header):
        name = aliases.get(roster._fold(title))
        if name is None:
            continue
        if name in positions:
            problems.append(
                Problem(
                    None,
                    f"{roster._column_letter(index)} ({title})",
                    _("This column appears twice."),
                )
            )
        positions.setdefault(name, index)
    for name, first in [("key", KEY_HEADERS[key][0])] + [
        (n, HEADERS[n][0]) for n in ("kind", "start", "note")
    ]:
        if name not in positions:
            problems.append(Problem(1, None, _("The column “%(name)s” is missing.", name=first)))
    if "hours" not in positions and "days" not in positions:
        problems.append(
            Problem(1, None, _("The column “%(name)s” is missing.", name=HEADERS["hours"][0]))
        )
    return positions, problems


def _date(text: str) -> dt.date | None:
    match = DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace("，", ".").replace(",", "."))
    except ValueError:
        return None


def _check_row(number, cells, positions, header, rules, today) -> tuple[Row | None, list[Problem]]:
    problems = []

    def cell(name) -> str:
        index = positions.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def place(name) -> str:
        index = positions[name]
        return f"{roster._column_letter(index)} ({header[index]})"

    def bad(name, message):
        problems.append(Problem(number, place(name), message))

    key_value = cell("key")
    if not key_value:
        bad("key", _("Say whose record this is."))
    kind = roster._choice(cell("kind"), KIND_VALUES)
    if kind is None:
        bad("kind", _("Write one of 脱产培训, 专题班, 中心组学习, 授课, 其他."))
    start = _date(cell("start"))
    if start is None:
        bad("start", _("Dates are written as 2026-12-01."))
    elif start > today:
        bad("start", _("The date cannot be in the future."))
    end = None
    if cell("end"):
        end = _date(cell("end"))
        if end is None:
            bad("end", _("Dates are written as 2026-12-01."))
        elif start and end < start:
            bad("end", _("The last day must not come before the first."))
        elif end > today:
            bad("end", _("The date cannot be in the future."))
    hours = None
    if cell("hours") and cell("days"):
        bad("hours", _("Give the credit hours or the days, not both."))
    elif cell("hours"):
        hours = _number(cell("hours"))
        if hours is None or not 0 < hours <= ledger.MAX_ENTRY_HOURS:
            bad("hours", _("Hours must be a number above 0 and at most 1000."))
            hours = None
    elif cell("days"):
        days = _number(cell("days"))
        if days is None or not 0.5 <= days <= 366 or (days * 2) % 1:
            bad("days", _("Days must be a multiple of 0.5 from 0.5 to 366."))
        else:
            hours = days_hours(rules, days)
    else:
        bad("hours" if "hours" in positions else "days", _("Give the credit hours or the days."))
    if not cell("note"):
        bad("note", _("Say what the training was (or why the entry is reversed)."))
    for name, limit in MAX_LENGTH.items():
        if name in positions and len(cell(name)) > limit:
            bad(name, _("At most %(max)d characters.", max=limit))
    if problems:
        return None, problems
    values = {
        "kind": kind,
        "start": start.isoformat(),
        "end": end.isoformat() if end and end != start else None,
        "hours": round(hours, 2),
        "organiser": cell("organiser"),
        "evidence": cell("evidence"),
        "note": cell("note"),
    }
    return Row(number, key_value, cell("name"), values, ""), []


def fingerprint(key: str, key_value: str, values: dict) -> str:
    """What a row says, not where it stands: the same record in another file or order matches."""
    folded = {name: roster._fold(str(value or "")) for name, value in values.items()}
    text = json.dumps([key, roster._fold(key_value), folded], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _find_users(key: str, values: set[str]) -> dict[str, User]:
    if not values:
        return {}
    column = getattr(User, key)
    if key == "username":
        wanted = {normalise_username(v): v for v in values}
        users = db.session.scalars(sa.select(User).where(column.in_(wanted)))
        return {wanted[u.username]: u for u in users}
    folded = {v.upper(): v for v in values}  # an ID number's final X is written either way
    users = db.session.scalars(sa.select(User).where(sa.func.upper(column).in_(folded)))
    return {folded[getattr(u, key).upper()]: u for u in users}


def plan_import(table: Table, actor: User, today: dt.date) -> Plan:
    """Check every row and sort it: to credit, to queue (no cadre of the importer's), imported
    before; or name its problems by row and column."""
    key = key_field()
    plan = Plan(key)
    positions, plan.problems = _map_columns(table.header, key)
    if plan.problems:
        return plan
    rules = CreditRules.from_config(current_app.config.get("CLASSROOM_CREDIT"))
    rows, seen = [], {}
    for number, cells in table.rows:
        row, problems = _check_row(number, cells, positions, table.header, rules, today)
        plan.problems.extend(problems)
        if row is None:
            continue
        row.fingerprint = fingerprint(key, row.key_value, row.values)
        if row.fingerprint in seen:
            plan.problems.append(
                Problem(number, None, _("This row repeats row %(row)d.", row=seen[row.fingerprint]))
            )
            continue
        seen[row.fingerprint] = number
        rows.append(row)
    if plan.problems:
        return plan
    prints = [row.fingerprint for row in rows]
    known = set(
        db.session.scalars(
            sa.select(CreditEntry.import_key).where(CreditEntry.import_key.in_(prints))
        )
    ) | set(
        db.session.scalars(
            sa.select(UnmatchedTraining.import_key).where(UnmatchedTraining.import_key.in_(prints))
        )
    )
    users = _find_users(key, {row.key_value for row in rows if row.fingerprint not in known})
    for row in rows:
        if row.fingerprint in known:
            plan.already.append(row)
            continue
        user = users.get(row.key_value)
        # Another unit's cadre is, to a unit administrator, no cadre at all: the row is queued.
        if user is not None and user.active and permissions.manages_user(actor, user):
            row.user = user
            plan.credits.append(row)
        else:
            plan.queued.append(row)
    return plan


def _credit(row_values: dict, user: User, by: User, today: dt.date, import_key: str):
    return ledger.add_external(
        user,
        row_values["hours"],
        dt.date.fromisoformat(row_values["start"]),
        row_values["note"],
        by,
        today,
        training_kind=row_values["kind"],
        ends_on=dt.date.fromisoformat(row_values["end"]) if row_values.get("end") else None,
        organiser=row_values.get("organiser") or "",
        evidence=row_values.get("evidence") or "",
        import_key=import_key,
    )


def store_preview(filename: str, content: bytes, actor: User) -> TrainingImport:
    batch = TrainingImport(
        filename=(filename or "")[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        key_field=key_field(),
        imported_by_id=actor.id,
        unit_id=actor.admin_unit_id,
        status="preview",
        content=content,
    )
    db.session.add(batch)
    db.session.flush()
    record(
        "training_import.upload",
        f"training_import:{batch.id}",
        {"file": batch.filename, "sha256": batch.file_sha256, "bytes": len(content)},
    )
    return batch


class ImportRefused(ValueError):
    """The batch cannot be applied; nothing was changed."""


def apply_plan(batch: TrainingImport, plan: Plan, by: User, today: dt.date) -> None:
    """Credit, queue and count every row in the caller's transaction: all of them or none."""
    if batch.status != "preview":
        raise ImportRefused("applied")
    if not plan.ok:
        raise ImportRefused("problems")
    for row in plan.credits:
        _credit(row.values, row.user, by, today, row.fingerprint)
    for row in plan.queued:
        db.session.add(
            UnmatchedTraining(
                import_id=batch.id,
                row=row.row,
                key_value=row.key_value[:64],
                name=row.name[:64],
                values=row.values,
                import_key=row.fingerprint,
            )
        )
    batch.credited, batch.queued, batch.already = (
        len(plan.credits),
        len(plan.queued),
        len(plan.already),
    )
    batch.status, batch.applied_at, batch.content = "applied", utcnow(), None
    db.session.flush()
    record(
        "training_import.apply",
        f"training_import:{batch.id}",
        {
            "file": batch.filename,
            "sha256": batch.file_sha256,
            "key": batch.key_field,
            "credited": batch.credited,
            "queued": batch.queued,
            "already": batch.already,
        },
    )


def open_rows(actor: User) -> list[UnmatchedTraining]:
    """Queued rows the administrator may resolve: a unit administrator's own units' imports."""
    query = (
        sa.select(UnmatchedTraining)
        .join(TrainingImport, TrainingImport.id == UnmatchedTraining.import_id)
        .where(UnmatchedTraining.status == "open")
        .order_by(UnmatchedTraining.import_id, UnmatchedTraining.row)
    )
    if not permissions.is_province_admin(actor):
        query = query.where(permissions.unit_clause(actor, TrainingImport.unit_id))
    return list(db.session.scalars(query))


def may_resolve(actor: User, row: UnmatchedTraining) -> bool:
    batch = db.session.get(TrainingImport, row.import_id)
    return permissions.is_province_admin(actor) or (
        batch is not None and permissions.manages_unit(actor, batch.unit_id)
    )


def match(row: UnmatchedTraining, user: User, by: User, today: dt.date) -> CreditEntry:
    """Credit a queued row to the account the administrator chose."""
    if row.status != "open":
        raise ImportRefused("resolved")
    entry = _credit(row.values, user, by, today, row.import_key)
    row.status, row.entry_id, row.resolved_by_id, row.resolved_at = (
        "matched",
        entry.id,
        by.id,
        utcnow(),
    )
    record(
        "training_import.match",
        f"user:{user.username}",
        {
            "row": row.id,
            "import": row.import_id,
            "sheet_row": row.row,
            "key": row.key_value,
            "entry": entry.id,
        },
    )
    return entry


def discard(row: UnmatchedTraining, reason: str, by: User) -> None:
    """Set a queued row aside for good, with the reason; importing it again changes nothing."""
    if row.status != "open":
        raise ImportRefused("resolved")
    if not reason.strip():
        raise ImportRefused("reason")
    row.status, row.reason, row.resolved_by_id, row.resolved_at = (
        "discarded",
        reason.strip()[:500],
        by.id,
        utcnow(),
    )
    record(
        "training_import.discard",
        f"training_import:{row.import_id}",
        {"row": row.id, "sheet_row": row.row, "key": row.key_value, "reason": row.reason},
    )
