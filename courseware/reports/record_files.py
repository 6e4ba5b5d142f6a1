"""A training record (个人培训档案) as workbooks: an XLSX for one cadre and one for a unit's cadres.
Cells pass through courseware.exports (text neutralised). The A4 PDF is record_pdf's, which loads
ReportLab only when a record is printed."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courseware import exports
from courseware.reports.records import KIND_LABELS, KINDS, Period, TrainingRecord

SUMMARY_COLUMNS = [
    ("period", _l("Period")),
    ("online", _l("Online courses")),
    ("required_online", _l("of which required (必修)")),
    ("elective_online", _l("of which elective (选修)")),
    ("in_person", _l("In-person training")),
    ("outside", _l("Outside training")),
    ("total", _l("Total credit hours")),
    ("required", _l("Required by the quota")),
    ("missing", _l("Missing")),
]
ENTRY_COLUMNS = [
    ("earned_on", _l("Date")),
    ("kind", _l("Kind")),
    ("title", _l("Course, session or training")),
    ("hours", _l("Credit hours")),
    ("completed_at", _l("Completed")),
    ("source", _l("Source")),
]
PERSON_COLUMNS = [
    ("username", _l("Username")),
    ("name", _l("Name")),
    ("unit", _l("Unit")),
    ("rank", _l("Rank band")),
]


def split_note() -> str:
    return _(
        "Online courses count as required (必修) when a class of the cadre's assigns them as "
        "required, and as elective (选修) otherwise."
    )


def kind_label(line) -> str:
    label = str(KIND_LABELS[line.kind])
    return _("%(kind)s (reversal)", kind=label) if line.reversal else label


def summary_row(period: Period) -> list:
    return [
        period.label,
        period.total_of(KINDS[0]),
        period.required_online,
        period.elective_online,
        *(period.total_of(kind) for kind in KINDS[1:]),
        period.total,
        period.required,
        period.missing,
    ]


def _entry_row(line) -> list:
    return [
        line.earned_on,
        kind_label(line),
        line.title,
        line.hours,
        line.completed_at,
        line.note,
    ]


def _person(record: TrainingRecord) -> list:
    return [record.user.username, record.user.name, record.unit, record.rank_level or ""]


def record_sheets(record: TrainingRecord) -> list:
    """One cadre's record: the summary per period, then every entry of the five years."""
    summary = [summary_row(record.year_period), summary_row(record.long_period)]
    entries = [_entry_row(line) for line in record.long_period.lines]
    return [
        (_l("Summary"), PERSON_COLUMNS + SUMMARY_COLUMNS, [_person(record) + r for r in summary]),
        (_l("Entries"), ENTRY_COLUMNS, entries),
    ]


def record_xlsx(record: TrainingRecord) -> bytes:
    return exports.xlsx_bytes(record_sheets(record))


def unit_sheets(records: Iterable[TrainingRecord]) -> list:
    """A unit's records: a summary line per cadre and period, and every cadre's entries."""
    records = list(records)
    summary = [
        _person(record) + summary_row(period)
        for record in records
        for period in (record.year_period, record.long_period)
    ]
    entries = [
        _person(record) + _entry_row(line)
        for record in records
        for line in record.long_period.lines
    ]
    return [
        (_l("Summary"), PERSON_COLUMNS + SUMMARY_COLUMNS, summary),
        (_l("Entries"), PERSON_COLUMNS + ENTRY_COLUMNS, entries),
    ]


def unit_xlsx(records: Iterable[TrainingRecord]) -> bytes:
    return exports.xlsx_bytes(unit_sheets(records))


def filename(record: TrainingRecord, extension: str) -> str:
    """A plain ASCII file name, safe in any Content-Disposition header."""
    return f"training-record-{record.user.id}-{record.year}.{extension}"
