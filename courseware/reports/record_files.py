"""A training record (个人培训档案) as files: an A4 PDF and an XLSX workbook for one cadre, and one
workbook for a unit's cadres. Cells pass through courseware.exports (text neutralised); the PDF is
set with courseware.pdftext's embedded fonts, so every character of a name prints."""

from __future__ import annotations

import io
from collections.abc import Iterable

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from courseware import exports, pdftext
from courseware.pdftext import markup
from courseware.reports.records import KIND_LABELS, KINDS, Period, TrainingRecord

MARGIN = 16 * mm
STYLES = {
    "title": pdftext.style("rec-title", 16, alignment=TA_LEFT, spaceAfter=4),
    "h2": pdftext.style("rec-h2", 12, alignment=TA_LEFT, spaceBefore=8, spaceAfter=3),
    "body": pdftext.style("rec-body", 9.5, alignment=TA_LEFT, spaceAfter=2),
    "cell": pdftext.style("rec-cell", 8.5, alignment=TA_LEFT),
    "muted": pdftext.style("rec-muted", 8.5, color=colors.HexColor("#555555"), alignment=TA_LEFT),
}

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


def _kind_label(line) -> str:
    label = str(KIND_LABELS[line.kind])
    return _("%(kind)s (reversal)", kind=label) if line.reversal else label


def _summary_row(period: Period) -> list:
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
        _kind_label(line),
        line.title,
        line.hours,
        line.completed_at,
        line.note,
    ]


def _person(record: TrainingRecord) -> list:
    return [record.user.username, record.user.name, record.unit, record.rank_level or ""]


def record_sheets(record: TrainingRecord) -> list:
    """One cadre's record: the summary per period, then every entry of the five years."""
    summary = [_summary_row(record.year_period), _summary_row(record.long_period)]
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
        _person(record) + _summary_row(period)
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


def _p(text, kind: str = "cell", bold: bool = False) -> Paragraph:
    return Paragraph(markup("" if text is None else str(text), bold=bold), STYLES[kind])


def _hours(value) -> str:
    return "—" if value is None else f"{value:g}"


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def record_pdf(record: TrainingRecord) -> bytes:
    """The record on A4: who, the summary per period with the quota, then each period's entries."""
    width = A4[0] - 2 * MARGIN
    story = [
        _p(_("Training record of %(name)s", name=record.user.name), "title"),
        _p(
            _(
                "Username: %(username)s · Unit: %(unit)s",
                username=record.user.username,
                unit=record.unit or "—",
            ),
            "body",
        ),
    ]
    if record.quota_hours is None:
        story.append(_p(_("No rank band is recorded, so no quota applies."), "body"))
    else:
        story.append(
            _p(
                ngettext(
                    "Quota: %(hours)s credit hours in %(num)d year.",
                    "Quota: %(hours)s credit hours in %(num)d years.",
                    record.quota_years,
                    hours=_hours(record.quota_hours),
                ),
                "body",
            )
        )
    story.append(_p(split_note(), "muted"))
    story.append(Spacer(1, 3 * mm))
    header = [_p(str(h), bold=True) for _, h in SUMMARY_COLUMNS]
    rows = [header]
    for period in (record.year_period, record.long_period):
        row = _summary_row(period)
        rows.append([_p(row[0])] + [_p(_hours(v)) for v in row[1:]])
    story.append(_table(rows, [width * 0.13] + [width * 0.0967] * 9))
    for period in (record.year_period, record.long_period):
        story.append(_p(_("Entries, %(period)s", period=period.label), "h2"))
        if not period.lines:
            story.append(_p(_("None."), "body"))
            continue
        rows = [[_p(str(h), bold=True) for _, h in ENTRY_COLUMNS[:4]]]
        for line in period.lines:
            rows.append(
                [
                    _p(line.earned_on.isoformat()),
                    _p(_kind_label(line)),
                    _p(line.title),
                    _p(_hours(line.hours)),
                ]
            )
        story.append(_table(rows, [width * 0.16, width * 0.2, width * 0.5, width * 0.14]))
    story.append(Spacer(1, 4 * mm))
    story.append(_p(_("Printed on %(date)s", date=format_date(None, "long")), "muted"))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Training record of %(name)s", name=record.user.name),
        author=_("Courseware"),
    )
    document.build(story)
    return buffer.getvalue()


def filename(record: TrainingRecord, extension: str) -> str:
    """A plain ASCII file name, safe in any Content-Disposition header."""
    return f"training-record-{record.user.id}-{record.year}.{extension}"
