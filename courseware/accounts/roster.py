"""Roster import (花名册导入): read a CSV or XLSX of cadres, check every row, then apply all or none.

The work is split so that the preview and the commit run the same checks: `read_table` turns the
file into rows of text, `plan_import` checks them against the database and says what would change,
and `apply_plan` makes those changes in the caller's transaction.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courseware import exports
from courseware.accounts import audit, identity, operations
from courseware.accounts.credentials import normalise_username
from courseware.accounts.forms import normalise_phone, PHONE_PATTERN, rank_choices, USERNAME_PATTERN
from courseware.accounts.models import RankLevel, Role, Unit, unit_subtree_ids, User
from courseware.db import db
from courseware.templating import role_label
from courseware.textsafety import FORMULA_TRIGGERS

# Header spellings accepted for each field, compared after NFKC folding and lower-casing.
HEADERS = {
    "name": ("姓名", "name", "full name"),
    "username": (
        "用户名",
        "用户名/工号",
        "账号",
        "帐号",
        "username",
        "staff number",
        "login",
    ),
    "unit": ("单位", "所在单位", "unit"),
    "position": ("职务", "position"),
    "rank_level": ("职级", "rank", "rank level"),
    "phone": ("手机", "手机号", "手机号码", "phone", "mobile"),
    "role": ("角色", "role"),
    # A unit's staff number is its own key, kept beside the username (IMPORT_TRAINING_KEY).
    "employee_no": ("工号", "职工号", "employee number", "employee no"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id number", "id card"),
}
# Each of these is one account's own: a second row or another account holding it is a problem.
UNIQUE_KEYS = ("employee_no", "id_number")
REQUIRED = ("name", "username")
MAX_LENGTH = {"name": 64, "username": 64, "unit": 255, "position": 128, "phone": 20}

RANK_VALUES = {
    RankLevel.TOWNSHIP.value: ("乡科级", "乡科级及以下", "township", "township and below"),
    RankLevel.COUNTY.value: ("县处级", "县处级及以上", "county", "county and above"),
}
# Administrators are never made by a file: that is done one by one, on the user's page.
ROLE_VALUES = {
    Role.LEARNER.value: ("学员", "learner"),
    Role.INSTRUCTOR.value: ("教师", "instructor", "teacher"),
}
UNIT_SEPARATOR = re.compile(r"\s*[/／>]\s*")


class RosterFileError(Exception):
    """The file as a whole cannot be used: too big, not what it claims, unreadable."""


@dataclass(frozen=True)
class Problem:
    """One bad cell or row: where it is and what is wrong, so the administrator can fix it."""

    row: int | None
    column: str | None
    message: str

    def place(self) -> str:
        if self.row and self.column:
            return _("row %(row)d, column %(column)s", row=self.row, column=self.column)
        if self.row:
            return _("row %(row)d", row=self.row)
        if self.column:
            return _("column %(column)s", column=self.column)
        return _("the file")


@dataclass
class Table:
    """A roster read from a file: its header and its non-empty rows, numbered as a spreadsheet shows."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass
class Entry:
    """One checked row: the values to store, keyed by user field."""

    row: int
    values: dict


@dataclass
class Plan:
    """What an import would do."""

    creates: list[Entry] = field(default_factory=list)
    updates: list[tuple[Entry, User, dict]] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Cells that will be stored as typed but deserve a second look; they do not stop the import.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- reading the file -------------------------------------------------------------------------


def read_table(filename: str, content: bytes) -> Table:
    """Read a CSV or XLSX file into text rows, refusing files that are too big or not what they claim."""
    limit = current_app.config["ROSTER_MAX_BYTES"]
    if len(content) > limit:
        raise RosterFileError(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(content)
    if suffix == ".csv":
        return _read_csv(content)
    raise RosterFileError(_("Only .csv and .xlsx files can be imported."))


def _decode(content: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or, failing that, GB18030 as saved by Chinese Excel."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            _("The file is neither UTF-8 nor GB18030 text (byte %(pos)d).", pos=exc.start + 1)
        ) from None


def _read_csv(content: bytes) -> Table:
    if content.startswith(b"PK\x03\x04") or b"\x00" in content[:4096]:
        raise RosterFileError(_("The file is named .csv but is not a text file."))
    try:
        text = _decode(content)
    except UnicodeDecodeError:  # a BOM followed by bytes that are not UTF-8
        raise RosterFileError(_("The file starts like UTF-8 but is not valid UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise RosterFileError(_("The CSV file is malformed: %(error)s", error=str(exc))) from None
    return _table(records)


def _check_zip(content: bytes) -> None:
    """Refuse zip bombs by inflating each member against a budget, whatever its header claims."""
    budget = current_app.config["ROSTER_MAX_UNZIPPED_BYTES"]
    ratio = current_app.config["ROSTER_MAX_ZIP_RATIO"]
    ceiling = min(budget, max(len(content), 1) * ratio)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise RosterFileError(_("The file is named .xlsx but is not an Excel workbook."))
            total = 0
            for info in archive.infolist():
                with archive.open(info) as member:
                    while chunk := member.read(1 << 16):
                        total += len(chunk)
                        if total > ceiling:
                            raise RosterFileError(
                                _(
                                    "The workbook expands to far more data than its size suggests; "
                                    "it was refused as a possible zip bomb."
                                )
                            )
    except (zipfile.BadZipFile, EOFError, NotImplementedError):
        raise RosterFileError(_("The file is named .xlsx but is not an Excel workbook.")) from None


def _cell_text(value) -> str:
    """Render a spreadsheet cell as text the way a person reads it; formulas stay literal text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers and staff numbers typed as numbers
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(content: bytes) -> Table:
    if not content.startswith(b"PK\x03\x04"):
        raise RosterFileError(_("The file is named .xlsx but is not an Excel workbook."))
    _check_zip(content)
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula such as =1+2 is read as its text, never evaluated.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise RosterFileError(_("The workbook cannot be read: %(error)s", error=str(exc))) from None
    try:
        sheet = workbook.worksheets[0]
        records = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(records)


def _table(records: list[list[str]]) -> Table:
    """Split off the header (the first non-empty row) and drop empty rows, keeping row numbers."""
    numbered = [
        (i, [c.strip() for c in r])
        for i, r in enumerate(records, start=1)
        if any(c.strip() for c in r)
    ]
    if not numbered:
        raise RosterFileError(_("The file has no rows."))
    header, rows = numbered[0][1], numbered[1:]
    return Table(header=header, rows=rows)


# --- checking the rows ------------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def map_columns(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    """Find which column holds each field; name missing and repeated columns."""
    aliases = {_fold(a): key for key, names in HEADERS.items() for a in names}
    positions: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        key = aliases.get(_fold(title))
        if key is None:
            continue
        if key in positions:
            problems.append(
                Problem(None, f"{_column_letter(index)} ({title})", _("This column appears twice."))
            )
        positions.setdefault(key, index)
    for key in REQUIRED:
        if key not in positions:
            problems.append(
                Problem(1, None, _("The column “%(name)s” is missing.", name=HEADERS[key][0]))
            )
    return positions, problems


class UnitIndex:
    """Find units by name or by full path ("浙江省/组织部/干部一处")."""

    def __init__(self):
        units = db.session.scalars(sa.select(Unit)).all()
        self.by_path = {_fold(u.path().replace(" / ", "/")): u for u in units}
        self.by_name: dict[str, list[Unit]] = {}
        for u in units:
            self.by_name.setdefault(_fold(u.name), []).append(u)

    def find(self, text: str) -> tuple[Unit | None, str | None]:
        """Return the unit, or an explanation of why none fits."""
        key = "/".join(UNIT_SEPARATOR.split(_fold(text)))
        if key in self.by_path:
            return self.by_path[key], None
        matches = self.by_name.get(key, [])
        if len(matches) == 1:
            return matches[0], None
        if matches:
            return None, _(
                "Several units are called “%(name)s”; write the full path, such as %(example)s.",
                name=text,
                example=matches[0].path().replace(" / ", "/"),
            )
        return None, _("There is no unit “%(name)s”. Add it under Units first.", name=text)


def _choice(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    folded = _fold(text)
    for value, spellings in table.items():
        if folded in {_fold(s) for s in spellings}:
            return value
    return None


def units_managed_by(actor: User | None) -> set[int] | None:
    """The units whose people an importer may create or change; None means every unit.

    An administrator scoped to a unit (单位管理员) imports within that unit and its sub-units."""
    if actor is None or actor.admin_unit_id is None:
        return None
    return set(db.session.scalars(unit_subtree_ids(actor.admin_unit_id)))


def _check_row(number, cells, positions, header, units, scope=None) -> tuple[dict, list[Problem]]:
    """Turn one row into user values, collecting every problem rather than stopping at the first."""
    values, problems = {}, []

    def column(key):
        index = positions[key]
        title = header[index] if index < len(header) else key
        return f"{_column_letter(index)} ({title})"

    for key, index in positions.items():
        text = cells[index] if index < len(cells) else ""
        if key in REQUIRED and not text:
            problems.append(Problem(number, column(key), _("This cell is empty.")))
            continue
        if not text:
            # An empty optional cell leaves the stored value alone; clearing is done on the user's page.
            continue
        if key in MAX_LENGTH and len(text) > MAX_LENGTH[key]:
            problems.append(
                Problem(
                    number,
                    column(key),
                    _(
                        "Too long: %(length)d characters, at most %(max)d.",
                        length=len(text),
                        max=MAX_LENGTH[key],
                    ),
                )
            )
            continue
        if key == "username":
            values["username"] = normalise_username(text)
            if not USERNAME_PATTERN.match(values["username"]):
                problems.append(
                    Problem(
                        number,
                        column(key),
                        _("Use letters, digits and . _ - @ only, without spaces."),
                    )
                )
        elif key == "unit":
            unit, why = units.find(text)
            if unit is not None and scope is not None and unit.id not in scope:
                why = _("“%(name)s” is not one of the units you manage.", name=text)
            if why:
                problems.append(Problem(number, column(key), why))
            values["unit_id"] = unit.id if unit else None
        elif key == "phone":
            phone = normalise_phone(text)
            if not PHONE_PATTERN.match(phone):
                problems.append(
                    Problem(
                        number,
                        column(key),
                        _("“%(value)s” is not an 11-digit mobile number.", value=text),
                    )
                )
            values["phone"] = phone
        elif key == "rank_level":
            rank = _choice(text, RANK_VALUES)
            if rank is None:
                problems.append(
                    Problem(
                        number,
                        column(key),
                        _("Unknown rank level “%(value)s”; use 乡科级 or 县处级.", value=text),
                    )
                )
            values["rank_level"] = rank
        elif key == "employee_no":
            values["employee_no"] = identity.normalise_employee_no(text)
            problem = identity.employee_no_problem(values["employee_no"])
            if problem:
                problems.append(Problem(number, column(key), str(problem)))
        elif key == "id_number":
            values["id_number"] = identity.normalise_id_number(text)
            problem = identity.id_number_problem(values["id_number"])
            if problem:
                problems.append(Problem(number, column(key), str(problem)))
        elif key == "role":
            role = _choice(text, ROLE_VALUES)
            if role is None:
                problems.append(
                    Problem(
                        number,
                        column(key),
                        _("Unknown role “%(value)s”; use 学员 or 教师.", value=text),
                    )
                )
            values["role"] = role
        else:
            values[key] = text
    return values, problems


def plan_import(table: Table, progress=None, scope: set[int] | None = None) -> Plan:
    """Check every row against the file and the database, and work out what would change.

    With a `scope` (the unit ids a unit administrator manages), a row naming another unit, or
    touching an account of another unit, is a problem of that row."""
    positions, problems = map_columns(table.header)
    plan = Plan(problems=problems)
    if problems:
        return plan
    units = UnitIndex()
    seen: dict[str, int] = {}
    seen_keys: dict[tuple[str, str], int] = {}
    entries = []
    for number, cells in table.rows:
        values, row_problems = _check_row(number, cells, positions, table.header, units, scope)
        username = values.get("username")
        if username and username in seen:
            index = positions["username"]
            row_problems.append(
                Problem(
                    number,
                    f"{_column_letter(index)} ({table.header[index]})",
                    _(
                        "The username “%(name)s” is also on row %(row)d.",
                        name=username,
                        row=seen[username],
                    ),
                )
            )
        elif username:
            seen[username] = number
        row_problems.extend(_repeated_keys(number, values, positions, table.header, seen_keys))
        plan.problems.extend(row_problems)
        plan.warnings.extend(_formula_warnings(number, cells, positions, table.header))
        if not row_problems:
            entries.append(Entry(number, values))
        if progress:
            progress(1)
    unit_column = (
        f"{_column_letter(positions['unit'])} ({table.header[positions['unit']]})"
        if "unit" in positions
        else None
    )
    key_columns = {
        key: f"{_column_letter(positions[key])} ({table.header[positions[key]]})"
        for key in UNIQUE_KEYS
        if key in positions
    }
    _compare_with_database(plan, entries, scope, unit_column, key_columns)
    return plan


def _key_label(key: str) -> str:
    return _("Employee number (工号)") if key == "employee_no" else _("ID number (身份证号)")


def _shown_key(key: str, value: str) -> str:
    return identity.masked_id_number(value) if key == "id_number" else value


def _repeated_keys(number, values, positions, header, seen) -> list[Problem]:
    """A 工号 or 身份证号 that an earlier row of the file holds too."""
    problems = []
    for key in UNIQUE_KEYS:
        value = values.get(key)
        if not value:
            continue
        if (key, value) in seen:
            index = positions[key]
            problems.append(
                Problem(
                    number,
                    f"{_column_letter(index)} ({header[index]})",
                    _(
                        "The %(field)s %(value)s is also on row %(row)d.",
                        field=_key_label(key),
                        value=_shown_key(key, value),
                        row=seen[(key, value)],
                    ),
                )
            )
        else:
            seen[(key, value)] = number
    return problems


def _formula_warnings(number, cells, positions, header) -> list[Problem]:
    """Cells that begin as a spreadsheet formula does (=HYPERLINK(…)): a person's name or post
    never does, so the administrator is told; the text is stored as typed and every export writes
    it neutralised."""
    warnings = []
    for key in ("name", "position"):
        index = positions.get(key)
        text = cells[index] if index is not None and index < len(cells) else ""
        if text.startswith(FORMULA_TRIGGERS):
            warnings.append(
                Problem(
                    number,
                    f"{_column_letter(index)} ({header[index]})",
                    _(
                        "“%(value)s” begins with %(sign)s, as a spreadsheet formula does: check it. "
                        "It is kept as text and never run as a formula.",
                        value=text[:40],
                        sign=repr(text[0])[1:-1],
                    ),
                )
            )
    return warnings


def _within(user: User, scope: set[int]) -> bool:
    """The account is one a unit administrator with this scope manages (see permissions)."""
    return user.unit_id in scope and (user.role != Role.ADMIN.value or user.admin_unit_id in scope)


def _compare_with_database(
    plan: Plan,
    entries: list[Entry],
    scope: set[int] | None = None,
    unit_column=None,
    key_columns: dict | None = None,
) -> None:
    key_columns = key_columns or {}
    existing = {
        u.username: u
        for u in db.session.scalars(
            sa.select(User).where(User.username.in_([e.values["username"] for e in entries]))
        )
    }
    holders = {
        key: {
            getattr(u, key): u.username
            for u in db.session.scalars(
                sa.select(User).where(
                    getattr(User, key).in_([e.values[key] for e in entries if e.values.get(key)])
                )
            )
        }
        for key in UNIQUE_KEYS
    }
    for entry in entries:
        user = existing.get(entry.values["username"])
        taken = [
            key
            for key in UNIQUE_KEYS
            if entry.values.get(key)
            and holders[key].get(entry.values[key]) not in (None, entry.values["username"])
        ]
        if taken:
            for key in taken:
                plan.problems.append(
                    Problem(
                        entry.row,
                        key_columns.get(key),
                        _(
                            "The %(field)s %(value)s belongs to the account “%(name)s”.",
                            field=_key_label(key),
                            value=_shown_key(key, entry.values[key]),
                            name=holders[key][entry.values[key]],
                        ),
                    )
                )
            continue
        if scope is not None and user is not None and not _within(user, scope):
            plan.problems.append(
                Problem(
                    entry.row,
                    None,
                    _(
                        "“%(name)s” belongs to a unit you do not manage.",
                        name=entry.values["username"],
                    ),
                )
            )
            continue
        if scope is not None and (entry.values.get("unit_id") or (user and user.unit_id)) is None:
            plan.problems.append(
                Problem(entry.row, unit_column, _("Give one of the units you manage."))
            )
            continue
        if user is None:
            plan.creates.append(entry)
            continue
        if user.role == Role.ADMIN.value and entry.values.get("role", user.role) != user.role:
            plan.problems.append(
                Problem(
                    entry.row,
                    None,
                    _(
                        "“%(name)s” is an administrator; change that role on the user's page.",
                        name=user.username,
                    ),
                )
            )
            continue
        changes = {
            k: [getattr(user, k), v]
            for k, v in entry.values.items()
            if (getattr(user, k) or None) != (v or None)
        }
        if changes:
            plan.updates.append((entry, user, changes))
        else:
            plan.unchanged.append(entry)


# Rows of the preview shown on one page: a 100,000-row roster pages through them.
PREVIEW_PAGE = 100


@dataclass
class Preview:
    """A plan as the preview page shows it, kept with the upload (RosterUpload.preview) so that
    opening or paging the preview does not read and check the whole file again."""

    creates: list  # [row, values]
    updates: list  # [row, username, {field: [old, new]}]
    unchanged: int
    problems: list  # [place, message], in the language of whoever uploaded
    warnings: list = field(default_factory=list)  # [place, message]; they do not stop the import

    @classmethod
    def of(cls, plan: Plan) -> Preview:
        return cls(
            creates=[[e.row, e.values] for e in plan.creates],
            updates=[[e.row, user.username, changes] for e, user, changes in plan.updates],
            unchanged=len(plan.unchanged),
            problems=[[p.place(), p.message] for p in plan.problems],
            warnings=[[w.place(), w.message] for w in plan.warnings],
        )

    def to_json(self) -> dict:
        return {
            "creates": self.creates,
            "updates": self.updates,
            "unchanged": self.unchanged,
            "problems": self.problems,
            "warnings": self.warnings,
        }

    @property
    def ok(self) -> bool:
        return not self.problems

    def pages(self) -> int:
        """How many pages the rows to import take."""
        longest = max(len(self.creates), len(self.updates), 1)
        return (longest + PREVIEW_PAGE - 1) // PREVIEW_PAGE

    def page(self, number: int) -> tuple[list, list]:
        """The new and changed accounts of one page."""
        window = slice((number - 1) * PREVIEW_PAGE, number * PREVIEW_PAGE)
        return self.creates[window], self.updates[window]


def field_labels() -> dict:
    """What each stored field is called on the preview page."""
    return {
        "username": _("Username"),
        "name": _("Name"),
        "unit_id": _("Unit"),
        "position": _("Position"),
        "rank_level": _("Rank level"),
        "phone": _("Mobile phone"),
        "role": _("Role"),
        "employee_no": _("Employee number (工号)"),
        "id_number": _("ID number (身份证号)"),
    }


def readable(field: str, value) -> str:
    """A stored value as an administrator reads it: unit paths, role and rank names."""
    if value in (None, ""):
        return "—"
    if field == "unit_id":
        unit = db.session.get(Unit, value)
        return unit.path() if unit else str(value)
    if field == "role":
        return role_label(value)
    if field == "id_number":
        return identity.masked_id_number(value)
    if field == "rank_level":
        return str(dict(rank_choices()).get(value, value))
    return str(value)


# --- applying ---------------------------------------------------------------------------------


@dataclass
class Result:
    created: list[tuple[User, str]]  # each new user with the initial password, shown once
    updated: list[User]


def apply_plan(
    plan: Plan,
    filename: str,
    progress=None,
    actor: User | None = None,
    prepared: list[tuple[str, str]] | None = None,
    ip: str | None = None,
) -> Result:
    """Create and update the planned users in the current transaction; the caller commits.

    `prepared` holds an initial password and its hash for each account to create, made beforehand
    (a background import hashes them before it opens its write transaction)."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    result = Result(created=[], updated=[])
    for index, entry in enumerate(plan.creates):
        values = {"role": Role.LEARNER.value, **entry.values}
        result.created.append(
            operations.create_user(values, actor, prepared[index] if prepared else None)
        )
        if progress:
            progress(1)
    for entry, user, _changes in plan.updates:
        operations.update_user(user, entry.values, actor)
        result.updated.append(user)
        if progress:
            progress(1)
    # The accounts go in together: their usernames were checked against the file and the database.
    db.session.flush()
    audit.record(
        "roster.import",
        target=filename,
        detail={
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(plan.unchanged),
        },
        actor=actor,
        ip=ip,
    )
    return result


def credentials_sheet(created: list[tuple[User, str]]) -> bytes:
    """An XLSX of new usernames and initial passwords, every cell typed as text."""
    columns = [
        ("name", _l("Name")),
        ("username", _l("Username")),
        ("password", _l("Initial password")),
    ]
    rows = ([user.name, user.username, password] for user, password in created)
    return exports.xlsx_bytes([(_l("Initial passwords"), columns, rows)])


def read_credentials_sheet(sheet: bytes) -> list[tuple[str, str, str]]:
    """Name, username and initial password of each account on a credentials_sheet, to show them
    on the page until the sheet is downloaded."""
    from openpyxl import load_workbook

    def shown(cell) -> str:
        # The sheet's names are neutralised (a quote before a formula); the page shows them as typed.
        text = str(cell or "")
        return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text

    rows = (
        load_workbook(io.BytesIO(sheet), read_only=True)
        .worksheets[0]
        .iter_rows(min_row=2, values_only=True)
    )
    return [tuple(shown(cell) for cell in row[:3]) for row in rows]
