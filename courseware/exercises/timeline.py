"""The inject timeline as a spreadsheet (the Master Scenario Events List of a drill): export a
scenario's injects to XLSX or CSV, edit them there, import them back into the scenario's file.

One row per inject — id, branch, trigger, minute, channel, persona, text (zh, en), the facts it
reveals, the expected action, its deadline (`within`), the expected response (zh, en) and, for a
decision, its question (zh, en) — and one more row for each further option of a decision, whose
first option sits on the inject's own row (option id, text zh/en, effects, goes to branch).

Importing is all or nothing: every problem is named by row and column, and on any problem nothing
is written. Only the file's `injects:` section is rewritten; the rest of the file keeps its text,
comments included. Fields the sheet does not carry (a future field of an inject or an option) are
kept from the file. Exporting and importing again gives the same scenario.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import yaml
from flask_babel import lazy_gettext as _l

from courseware import exports
from courseware.content.files import SLUG
from courseware.exercises.files import METRICS, parse_scenario
from courseware.exercises.scenario import CHANNELS, EXPECTS, MAIN, Scenario, TRIGGERS
from courseware.i18n import force_locale
from courseware.textsafety import FORMULA_TRIGGERS

# The columns in order: (key, header in the reader's language).
COLUMNS = [
    ("id", _l("inject id")),
    ("branch", _l("branch")),
    ("trigger", _l("trigger")),
    ("minute", _l("minute")),
    ("channel", _l("channel")),
    ("persona", _l("persona")),
    ("text_zh", _l("text (zh)")),
    ("text_en", _l("text (en)")),
    ("reveals", _l("reveals facts")),
    ("expects", _l("expected action")),
    ("within", _l("deadline (minutes)")),
    ("expected_zh", _l("expected response (zh)")),
    ("expected_en", _l("expected response (en)")),
    ("decision_zh", _l("decision (zh)")),
    ("decision_en", _l("decision (en)")),
    ("option", _l("option id")),
    ("option_zh", _l("option (zh)")),
    ("option_en", _l("option (en)")),
    ("effects", _l("effects")),
    ("goto", _l("goes to branch")),
]
KEYS = [key for key, _header in COLUMNS]
REQUIRED = ("id", "minute", "channel", "persona", "text_zh")
OPTION_KEYS = ("option", "option_zh", "option_en", "effects", "goto")
# An inject's fields in the order a new inject is written in.
FIELD_ORDER = (
    "id",
    "branch",
    "at",
    "channel",
    "persona",
    "trigger",
    "text",
    "reveals",
    "expects",
    "within",
    "expected",
    "decision",
)
# What a field means when the file leaves it out.
DEFAULTS = {"branch": MAIN, "trigger": None, "reveals": [], "expects": "none", "within": 30}
MAX_ROWS = 2000
LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
EFFECT = re.compile(r"^\s*([A-Za-z_]+)\s*[:=]?\s*([+-]?\d+(?:\.\d+)?)\s*$")


@dataclass
class RowProblem:
    """One thing wrong in the sheet, where it is: row 1 is the header; column a letter."""

    row: int | None
    column: str  # a column key, "" for the whole row or file
    message: (
        object  # a lazy translation, said in the reader's language (the file reader's: English)
    )
    params: dict = field(default_factory=dict)

    @property
    def letter(self) -> str:
        return column_letter(KEYS.index(self.column)) if self.column in KEYS else ""

    def where(self) -> str:
        header = dict(COLUMNS).get(self.column)
        if self.row is None:
            return ""
        if header is None:
            return str(_l("row %(row)d", row=self.row))
        return str(
            _l("row %(row)d, column %(col)s (%(name)s)", row=self.row, col=self.letter, name=header)
        )

    def __str__(self) -> str:
        where = self.where()
        message = str(self.message) % self.params if self.params else str(self.message)
        return str(_l("%(where)s: %(message)s", where=where, message=message)) if where else message


class TimelineError(ValueError):
    """The sheet (or the scenario file) cannot be used; `problems` says every reason."""

    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- export -----------------------------------------------------------------------------------


def _effects_cell(effects: dict) -> str:
    return "; ".join(f"{name} {value:+g}" for name, value in effects.items())


def rows(scenario: Scenario) -> list[list]:
    """The timeline's rows: an inject per row, a decision's further options on rows of their own."""
    found = []
    for inject in scenario.injects:
        options = inject.decision.options if inject.decision else []
        first = options[0] if options else None
        found.append(
            [
                inject.id,
                "" if inject.branch == MAIN else inject.branch,
                inject.trigger or "",
                inject.at,
                inject.channel,
                inject.persona,
                inject.text.get("zh", ""),
                inject.text.get("en", ""),
                ", ".join(inject.reveals),
                inject.expects,
                inject.within,
                inject.expected.get("zh", ""),
                inject.expected.get("en", ""),
                inject.decision.prompt.get("zh", "") if inject.decision else "",
                inject.decision.prompt.get("en", "") if inject.decision else "",
                *_option_cells(first),
            ]
        )
        for option in options[1:]:
            found.append([""] * (len(KEYS) - len(OPTION_KEYS)) + _option_cells(option))
    return found


def _option_cells(option) -> list:
    if option is None:
        return [""] * len(OPTION_KEYS)
    return [
        option.id,
        option.text.get("zh", ""),
        option.text.get("en", ""),
        _effects_cell(option.effects),
        option.goto or "",
    ]


def export_bytes(scenario: Scenario, fmt: str) -> bytes:
    """The timeline as an XLSX workbook or a CSV file (UTF-8 with a BOM), every cell neutralised."""
    if fmt == "csv":
        return exports.csv_text(COLUMNS, rows(scenario)).encode("utf-8")
    return exports.xlsx_bytes([(_l("Timeline"), COLUMNS, rows(scenario))])


# --- reading a sheet --------------------------------------------------------------------------


def _cell(value) -> str | int | float:
    """A cell as the import reads it: text stripped, and the quote that an export puts before text
    a spreadsheet would run as a formula taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float)):
        return value
    text = str(value).replace("\r\n", "\n").strip()
    if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_TRIGGERS:
        text = text[1:]
    return text


def read_sheet(data: bytes, filename: str) -> list[list]:
    """The rows of an uploaded .xlsx or .csv file, header first; TimelineError if unreadable."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        import openpyxl  # the reader is needed only here

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise TimelineError(
                [RowProblem(None, "", _l("The file is not an XLSX workbook."))]
            ) from None
        sheet = workbook.worksheets[0]
        found = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel in Chinese saves CSV in GB18030 unless asked for UTF-8.
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise TimelineError(
                    [RowProblem(None, "", _l("The CSV file must be saved as UTF-8."))]
                ) from None
        found = list(csv.reader(io.StringIO(text, newline="")))
    else:
        raise TimelineError([RowProblem(None, "", _l("Choose an .xlsx or .csv file."))])
    if len(found) > MAX_ROWS:
        raise TimelineError(
            [
                RowProblem(
                    None, "", _l("The sheet has too many rows (at most %(n)d)."), {"n": MAX_ROWS}
                )
            ]
        )
    return [[_cell(v) for v in row] for row in found]


def _header_names() -> dict[str, str]:
    """Every way a column may be headed, folded: its key, its English and its Chinese header."""
    names = {}
    for locale in ("en", "zh"):
        with force_locale(locale):
            for key, header in COLUMNS:
                names[_fold(str(header))] = key
    for key in KEYS:
        names[_fold(key)] = key
    return names


def _fold(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _columns(header: list, problems: list) -> dict[str, int]:
    names = _header_names()
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        if cell == "":
            continue
        key = names.get(_fold(cell))
        if key is None:
            problems.append(
                RowProblem(
                    1,
                    "",
                    _l("column %(col)s: unknown column “%(name)s”"),
                    {"col": column_letter(index), "name": cell},
                )
            )
        elif key in found:
            problems.append(
                RowProblem(
                    1,
                    key,
                    _l("the column appears twice (also column %(col)s)"),
                    {"col": column_letter(found[key])},
                )
            )
        else:
            found[key] = index
    for key in REQUIRED:
        if key not in found:
            problems.append(
                RowProblem(
                    1, "", _l("the column “%(name)s” is missing"), {"name": dict(COLUMNS)[key]}
                )
            )
    return found


@dataclass
class SheetRow:
    number: int  # the row's number in the sheet (the header is row 1)
    cells: dict

    def get(self, key: str):
        return self.cells.get(key, "")


def _sheet_rows(table: list[list], problems: list) -> list[SheetRow]:
    if not table:
        problems.append(RowProblem(None, "", _l("The sheet is empty.")))
        return []
    columns = _columns(table[0], problems)
    found = []
    for number, row in enumerate(table[1:], start=2):
        cells = {key: row[i] if i < len(row) else "" for key, i in columns.items()}
        if all(v == "" for v in cells.values()):
            continue
        found.append(SheetRow(number, cells))
    return found


# --- checking the rows ------------------------------------------------------------------------


def _whole(row: SheetRow, key: str, problems: list, high: int, default=None):
    value = row.get(key)
    if value == "" and default is not None:
        return default
    if isinstance(value, str):
        value = value.strip()
        if re.fullmatch(r"\d+", value):
            value = int(value)
    if not isinstance(value, int) or not 0 <= value <= high:
        problems.append(
            RowProblem(
                row.number, key, _l("a whole number from 0 to %(max)d is needed"), {"max": high}
            )
        )
        return None
    return value


def _choice(row: SheetRow, key: str, problems: list, allowed, default=""):
    value = str(row.get(key)).strip()
    if value == "":
        return default
    if value not in allowed:
        problems.append(
            RowProblem(
                row.number, key, _l("must be one of: %(choices)s"), {"choices": ", ".join(allowed)}
            )
        )
        return default
    return value


def _name(row: SheetRow, key: str, problems: list, required: bool) -> str:
    value = str(row.get(key)).strip()
    if value == "" and not required:
        return ""
    if not SLUG.match(value):
        problems.append(
            RowProblem(
                row.number,
                key,
                _l("use lowercase letters, digits and hyphens, such as first-alarm"),
            )
        )
    return value


def _text(row: SheetRow, prefix: str) -> dict:
    return {"zh": str(row.get(f"{prefix}_zh")), "en": str(row.get(f"{prefix}_en"))}


def _effects(row: SheetRow, problems: list) -> dict:
    value = str(row.get("effects")).strip()
    effects = {}
    if not value:
        return effects
    for part in re.split(r"[;；,，]", value):
        if not part.strip():
            continue
        match = EFFECT.match(part)
        if match is None or match.group(1) not in METRICS:
            problems.append(
                RowProblem(
                    row.number,
                    "effects",
                    _l("write effects such as “trust +5; reach -20” (metrics: %(metrics)s)"),
                    {"metrics": ", ".join(METRICS)},
                )
            )
            return {}
        number = float(match.group(2))
        effects[match.group(1)] = int(number) if number.is_integer() else number
    return effects


@dataclass
class Parsed:
    """An inject as the sheet gives it, with the row it started on."""

    row: int
    fields: dict
    options: list = field(default_factory=list)  # (row number, fields)


def parse_rows(table: list[list], scenario: Scenario) -> list[Parsed]:
    """The injects a sheet describes, checked against the scenario's personas, facts and duration;
    TimelineError naming every problem by row and column."""
    problems: list[RowProblem] = []
    sheet = _sheet_rows(table, problems)
    if problems:
        raise TimelineError(problems)
    personas = {p.id for p in scenario.personas}
    facts = {f.id for f in scenario.facts}
    duration = scenario.duration
    parsed: list[Parsed] = []
    seen: dict[str, int] = {}
    for row in sheet:
        if str(row.get("id")).strip() == "":
            if any(str(row.get(k)).strip() for k in OPTION_KEYS) and all(
                str(row.get(k)).strip() == "" for k in KEYS if k not in OPTION_KEYS
            ):
                if not parsed:
                    problems.append(
                        RowProblem(
                            row.number,
                            "option",
                            _l("an option row must follow the row of its inject"),
                        )
                    )
                else:
                    parsed[-1].options.append((row.number, _option(row, problems)))
                continue
            problems.append(RowProblem(row.number, "id", _l("every inject needs an id")))
            continue
        inject_id = _name(row, "id", problems, required=True)
        if inject_id in seen:
            problems.append(
                RowProblem(
                    row.number,
                    "id",
                    _l("the id %(id)s is used twice (also row %(other)d)"),
                    {"id": inject_id, "other": seen[inject_id]},
                )
            )
        seen[inject_id] = row.number
        persona = str(row.get("persona")).strip()
        if persona not in personas:
            problems.append(
                RowProblem(
                    row.number,
                    "persona",
                    _l("no persona %(id)s in the scenario (%(known)s)"),
                    {"id": persona, "known": ", ".join(sorted(personas))},
                )
            )
        reveals = [f for f in LIST_SEPARATORS.split(str(row.get("reveals")).strip()) if f]
        for fact in reveals:
            if fact not in facts:
                problems.append(
                    RowProblem(
                        row.number,
                        "reveals",
                        _l("no fact %(id)s in the scenario (%(known)s)"),
                        {"id": fact, "known": ", ".join(sorted(facts))},
                    )
                )
        text = _text(row, "text")
        if not text["zh"].strip():
            problems.append(RowProblem(row.number, "text_zh", _l("the Chinese text is missing")))
        expects = _choice(row, "expects", problems, EXPECTS, default="none")
        expected = _text(row, "expected")
        if expects != "none" and not expected["zh"].strip():
            problems.append(
                RowProblem(
                    row.number,
                    "expected_zh",
                    _l("an inject that expects an action needs the expected response in Chinese"),
                )
            )
        fields = {
            "id": inject_id,
            "branch": _name(row, "branch", problems, required=False) or MAIN,
            "at": _whole(row, "minute", problems, duration),
            "channel": _choice(row, "channel", problems, CHANNELS, default=None),
            "persona": persona,
            "trigger": _choice(row, "trigger", problems, TRIGGERS, default=None),
            "text": text,
            "reveals": reveals,
            "expects": expects,
            "within": _whole(row, "within", problems, duration, default=DEFAULTS["within"]),
            "expected": expected,
            "decision": _text(row, "decision"),
        }
        if fields["channel"] is None and str(row.get("channel")).strip() == "":
            problems.append(
                RowProblem(
                    row.number,
                    "channel",
                    _l("must be one of: %(choices)s"),
                    {"choices": ", ".join(CHANNELS)},
                )
            )
        item = Parsed(row.number, fields)
        if any(str(row.get(k)).strip() for k in OPTION_KEYS):
            item.options.append((row.number, _option(row, problems)))
        parsed.append(item)
    for item in parsed:
        _check_decision(item, problems)
    if problems:
        raise TimelineError(
            sorted(
                problems,
                key=lambda p: (p.row or 0, KEYS.index(p.column) if p.column in KEYS else -1),
            )
        )
    return parsed


def _option(row: SheetRow, problems: list) -> dict:
    option_text = _text(row, "option")
    if not option_text["zh"].strip():
        problems.append(
            RowProblem(row.number, "option_zh", _l("the option's Chinese text is missing"))
        )
    return {
        "id": _name(row, "option", problems, required=True),
        "text": option_text,
        "effects": _effects(row, problems),
        "goto": _name(row, "goto", problems, required=False) or None,
    }


def _check_decision(item: Parsed, problems: list) -> None:
    fields = item.fields
    has_prompt = bool(fields["decision"]["zh"].strip() or fields["decision"]["en"].strip())
    if fields["expects"] == "decide":
        if not fields["decision"]["zh"].strip():
            problems.append(
                RowProblem(item.row, "decision_zh", _l("a decision needs its question in Chinese"))
            )
        if len(item.options) < 2:
            problems.append(
                RowProblem(
                    item.row, "option", _l("a decision needs at least two options, one per row")
                )
            )
    elif has_prompt or item.options:
        problems.append(
            RowProblem(
                item.row, "expects", _l("an inject with a decision or options expects “decide”")
            )
        )
    ids: dict[str, int] = {}
    for number, option in item.options:
        if option["id"] in ids:
            problems.append(
                RowProblem(
                    number,
                    "option",
                    _l("the option id %(id)s is used twice (also row %(other)d)"),
                    {"id": option["id"], "other": ids[option["id"]]},
                )
            )
        ids[option["id"]] = number


# --- writing the scenario file ----------------------------------------------------------------


def _plain_text(value) -> dict:
    """A text as the scenario reader sees it: {zh, en}, stripped."""
    if isinstance(value, dict):
        return {lang: str(value.get(lang) or "").strip() for lang in ("zh", "en")}
    if value is None:
        return {"zh": "", "en": ""}
    return {"zh": str(value).strip(), "en": ""}


def _text_value(new: dict, old):
    """The text to write: the file's own if it says the same, else {zh, en} (zh alone without en)."""
    new = {lang: new[lang].strip() for lang in ("zh", "en")}
    if old is not None and _plain_text(old) == new:
        return old
    return {"zh": new["zh"], "en": new["en"]} if new["en"] else {"zh": new["zh"]}


def _set(result: dict, old: dict, key: str, value, default) -> None:
    """Write a field: as the file has it when unchanged, left out when it is the default."""
    if key in old and old[key] == value:
        result[key] = old[key]
    elif value == default:
        result.pop(key, None)
    else:
        result[key] = value


def _merged_option(new: dict, old: dict | None) -> dict:
    old = dict(old or {})
    result = dict(old)
    result["id"] = new["id"]
    result["text"] = _text_value(new["text"], old.get("text"))
    effects = new["effects"]
    old_effects = old.get("effects") or {}
    if {k: float(v) for k, v in old_effects.items()} == {k: float(v) for k, v in effects.items()}:
        if "effects" in old:
            result["effects"] = old["effects"]
    elif effects:
        result["effects"] = effects
    else:
        result.pop("effects", None)
    _set(result, old, "goto", new["goto"], default=None)
    return _ordered(result, old, ("id", "text", "effects", "goto"))


def _ordered(result: dict, old: dict, order) -> dict:
    """The file's own order for the fields it had, the usual order for new ones after them."""
    keys = [k for k in old if k in result] + [k for k in order if k in result and k not in old]
    keys += [k for k in result if k not in keys]
    return {k: result[k] for k in keys}


def _merged_inject(item: Parsed, old: dict | None) -> dict:
    new = item.fields
    old = dict(old or {})
    result = dict(old) if old else {}
    result["id"] = new["id"]
    _set(result, old, "branch", new["branch"], default=MAIN)
    result["at"] = new["at"]
    result["channel"] = new["channel"]
    result["persona"] = new["persona"]
    _set(result, old, "trigger", new["trigger"], default=None)
    result["text"] = _text_value(new["text"], old.get("text"))
    _set(result, old, "reveals", new["reveals"], default=[])
    _set(result, old, "expects", new["expects"], default="none")
    if new["expects"] != "none":
        # An inject that asks for an answer states its deadline, even the usual one.
        result["within"] = (
            old.get("within") if old.get("within") == new["within"] else new["within"]
        )
    else:
        _set(result, old, "within", new["within"], default=DEFAULTS["within"])
    expected = new["expected"]
    if expected["zh"].strip() or expected["en"].strip():
        result["expected"] = _text_value(expected, old.get("expected"))
    else:
        result.pop("expected", None)
    if item.options:
        old_decision = old.get("decision") if isinstance(old.get("decision"), dict) else {}
        old_options = {
            o.get("id"): o for o in old_decision.get("options") or [] if isinstance(o, dict)
        }
        decision = dict(old_decision)
        decision["prompt"] = _text_value(new["decision"], old_decision.get("prompt"))
        decision["options"] = [
            _merged_option(option, old_options.get(option["id"])) for _n, option in item.options
        ]
        result["decision"] = decision
    else:
        result.pop("decision", None)
    return _ordered(result, old, FIELD_ORDER)


def merged_injects(parsed: list[Parsed], old_injects: list) -> list[dict]:
    """The file's injects as the sheet has them, each built on the file's own entry of that id."""
    by_id = {i.get("id"): i for i in old_injects if isinstance(i, dict)}
    return [_merged_inject(item, by_id.get(item.fields["id"])) for item in parsed]


class _Dumper(yaml.SafeDumper):
    """Block style as the scenario files are written; short lists of words in brackets."""


def _represent_list(dumper, value):
    flow = (
        all(isinstance(v, (str, int, float)) for v in value)
        and value
        and len(", ".join(map(str, value))) < 80
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=bool(flow))


_Dumper.add_representer(list, _represent_list)


def dump_injects(injects: list[dict]) -> str:
    return yaml.dump(
        {"injects": injects},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100_000,
    )


def _injects_section(text: str) -> tuple[int, int]:
    """The lines [start, end) of the file's top-level `injects:` section, without the comments and
    blank lines that lead into the next section."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    keys = [k for k, _v in node.value] if isinstance(node, yaml.MappingNode) else []
    for index, key in enumerate(keys):
        if key.value == "injects":
            start = key.start_mark.line
            lines = text.splitlines(keepends=True)
            end = keys[index + 1].start_mark.line if index + 1 < len(keys) else len(lines)
            # Blank lines and comments at the margin before the next key belong to it.
            while end - 1 > start and (
                not lines[end - 1].strip() or lines[end - 1].startswith("#")
            ):
                end -= 1
            return start, end
    raise TimelineError([RowProblem(None, "", _l("The scenario file has no injects section."))])


def rewritten(text: str, injects: list[dict]) -> str:
    """The scenario file's text with its injects section replaced, the rest as it was."""
    start, end = _injects_section(text)
    lines = text.splitlines(keepends=True)
    return "".join(lines[:start]) + dump_injects(injects) + "".join(lines[end:])


@dataclass
class Change:
    """What importing a sheet would do to a scenario file."""

    text: str  # the file's new text
    scenario: Scenario
    added: list[str]
    changed: list[str]
    removed: list[str]
    parsed: list[Parsed]

    @property
    def nothing(self) -> bool:
        return not (self.added or self.changed or self.removed)


def plan_import(file_text: str, path: str, slug: str, table: list[list]) -> Change:
    """Check a sheet against a scenario file and work out the file's new text, writing nothing;
    TimelineError naming every problem by row and column."""
    scenario, problems = parse_scenario(file_text, path, slug)
    if scenario is None:
        raise TimelineError(
            [
                RowProblem(
                    None,
                    "",
                    _l("The scenario file has problems of its own: %(first)s"),
                    {"first": str(problems[0])},
                )
            ]
        )
    parsed = parse_rows(table, scenario)
    data = yaml.safe_load(file_text)
    old = [i for i in data.get("injects") or [] if isinstance(i, dict)]
    injects = merged_injects(parsed, old)
    new_text = rewritten(file_text, injects)
    new_scenario, problems = parse_scenario(new_text, path, slug)
    if new_scenario is None:
        raise TimelineError(_rows_of(problems, new_text, parsed))
    old_by_id = {i.id: i for i in scenario.injects}
    new_by_id = {i.id: i for i in new_scenario.injects}
    return Change(
        text=new_text if old != injects else file_text,
        scenario=new_scenario,
        added=[i for i in new_by_id if i not in old_by_id],
        changed=[i for i in new_by_id if i in old_by_id and new_by_id[i] != old_by_id[i]],
        removed=[i for i in old_by_id if i not in new_by_id],
        parsed=parsed,
    )


def _rows_of(problems, new_text: str, parsed: list[Parsed]) -> list[RowProblem]:
    """The scenario reader's problems with the new injects (a branch no option reaches, injects out
    of time order), each told at the row of the inject it is about."""
    start, _end = _injects_section(new_text)
    lines = new_text.splitlines()
    items = [n for n in range(start, len(lines)) if re.match(r"^\s*- id:", lines[n])]
    # The injects are the items at the first one's indent; deeper ones are a decision's options.
    indent = len(lines[items[0]]) - len(lines[items[0]].lstrip()) if items else 0
    starts = [n + 1 for n in items if len(lines[n]) - len(lines[n].lstrip()) == indent]
    found = []
    for problem in problems:
        index = max((i for i, line in enumerate(starts) if line <= problem.line), default=None)
        row = parsed[index].row if index is not None and index < len(parsed) else None
        found.append(RowProblem(row, "", problem.message))
    return found
