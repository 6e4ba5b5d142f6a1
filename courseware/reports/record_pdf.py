"""A training record (个人培训档案) as an A4 PDF, set with courseware.pdftext's embedded fonts, so
every character of a name prints. ReportLab loads with this module: web workers import it only
when a record is printed."""

from __future__ import annotations

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from courseware import pdftext
from courseware.pdftext import markup
from courseware.reports.record_files import (
    ENTRY_COLUMNS,
    kind_label,
    split_note,
    SUMMARY_COLUMNS,
    summary_row,
)
from courseware.reports.records import TrainingRecord

MARGIN = 16 * mm
STYLES = {
    "title": pdftext.style("rec-title", 16, alignment=TA_LEFT, spaceAfter=4),
    "h2": pdftext.style("rec-h2", 12, alignment=TA_LEFT, spaceBefore=8, spaceAfter=3),
    "body": pdftext.style("rec-body", 9.5, alignment=TA_LEFT, spaceAfter=2),
    "cell": pdftext.style("rec-cell", 8.5, alignment=TA_LEFT),
    "muted": pdftext.style("rec-muted", 8.5, color=colors.HexColor("#555555"), alignment=TA_LEFT),
}


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
        row = summary_row(period)
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
                    _p(kind_label(line)),
                    _p(line.title),
                    _p(_hours(line.hours)),
                ]
            )
        story.append(_table(rows, [width * 0.16, width * 0.2, width * 0.5, width * 0.14]))
    story.append(Spacer(1, 4 * mm))
    story.append(_p(_("Printed on %(date)s", date=format_date(None, "long")), "muted"))

    return pdftext.a4_pdf(
        story, _("Training record of %(name)s", name=record.user.name), _("Courseware"), MARGIN
    )
