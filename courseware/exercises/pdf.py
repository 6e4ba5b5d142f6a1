"""The after-action report as an A4 PDF: a trainee's own run, or a live class with every team.

The same parts as the page — scores with their reasons, the observers' ratings beside them, the
improvement plan, expected against actual action, the observers' notes, the curves, the timeline
and the debrief — set with courseware.pdftext's fonts, so Chinese prints wherever the PDF is read.
"""

from __future__ import annotations

import math
import re

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from courseware import pdftext
from courseware.exercises import messages
from courseware.i18n import text
from courseware.pdftext import markup

MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#b0b7c3")
HEAD = colors.HexColor("#e8edf3")
SERIES_COLOURS = {
    "reach": colors.HexColor("#c62828"),
    "sentiment": colors.HexColor("#1565c0"),
    "trust": colors.HexColor("#2e7d32"),
}

STYLES = {
    "title": pdftext.style("aar-title", 17, alignment=TA_LEFT, spaceAfter=4),
    "h2": pdftext.style("aar-h2", 13, alignment=TA_LEFT, spaceBefore=8, spaceAfter=4),
    "h3": pdftext.style("aar-h3", 11, alignment=TA_LEFT, spaceBefore=6, spaceAfter=2),
    "body": pdftext.style("aar-body", 9.5, alignment=TA_LEFT, spaceAfter=2),
    "small": pdftext.style("aar-small", 8.5, alignment=TA_LEFT),
    "muted": pdftext.style("aar-muted", 8.5, color=colors.HexColor("#555555"), alignment=TA_LEFT),
}


def _p(value, kind: str = "body", bold: bool = False) -> Paragraph:
    return Paragraph(markup(str(value if value is not None else ""), bold=bold), STYLES[kind])


def _table(header: list[str], rows: list[list], widths: list[float]) -> Table:
    """A table whose cells wrap, its header repeated on every page it runs over."""
    data = [[_p(h, "small", bold=True) for h in header]]
    data += [[c if isinstance(c, Paragraph) else _p(c, "small") for c in row] for row in rows]
    table = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _chart(series: list, duration: int) -> Drawing:
    """Sentiment and trust (0–100) and rumour reach (log scale) over the simulated minutes."""
    width, height = WIDTH, 45 * mm
    drawing = Drawing(width, height + 6 * mm)
    drawing.add(Line(0, 0, width, 0, strokeColor=GRID))
    drawing.add(Line(0, 0, 0, height, strokeColor=GRID))
    if not series:
        return drawing
    top = max(max(r for _m, r, _s, _t in series), 10)

    def x(minute):
        return minute / max(duration, 1) * width

    def reach_y(reach):
        return math.log10(max(reach, 1)) / math.log10(top) * height

    lines = {
        "reach": [(x(m), reach_y(r)) for m, r, _s, _t in series],
        "sentiment": [(x(m), s / 100 * height) for m, _r, s, _t in series],
        "trust": [(x(m), t / 100 * height) for m, _r, _s, t in series],
    }
    for key, points in lines.items():
        flat = [v for point in points for v in point]
        if len(flat) >= 4:
            drawing.add(PolyLine(flat, strokeColor=SERIES_COLOURS[key], strokeWidth=1.2))
    top_reach = format(int(top), ",")
    labels = [
        ("reach", _("rumour reach (log scale, top %(n)s)", n=top_reach)),
        ("sentiment", _("public sentiment")),
        ("trust", _("trust")),
    ]
    left = 0
    for key, label in labels:
        drawing.add(
            Line(
                left,
                height + 3 * mm,
                left + 6 * mm,
                height + 3 * mm,
                strokeColor=SERIES_COLOURS[key],
                strokeWidth=2,
            )
        )
        font = pdftext.FONT if any(not pdftext.is_latin(c) for c in label) else pdftext.LATIN
        drawing.add(String(left + 7 * mm, height + 2 * mm, label, fontName=font, fontSize=7.5))
        left += width / 3
    return drawing


def _markdown(source: str) -> list:
    """A debrief's Markdown as paragraphs: headings, list items and quotations, bold kept."""
    flowables = []
    for line in (source or "").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        bold = re.sub(r"\*\*(.+?)\*\*", r"\1", stripped)
        if heading:
            flowables.append(_p(re.sub(r"\*\*(.+?)\*\*", r"\1", heading.group(2)), "h3"))
        elif re.match(r"^([-*]|\d+\.)\s+", stripped):
            flowables.append(_p("• " + re.sub(r"^([-*]|\d+\.)\s+", "", bold), "body"))
        elif stripped.startswith(">"):
            flowables.append(_p(bold.lstrip("> "), "muted"))
        else:
            flowables.append(_p(bold, "body"))
    return flowables


def _said(who: str, what: str) -> str:
    """ "Who: what", with the colon of the reader's language."""
    return _("%(where)s: %(message)s", where=who, message=what)


def _title(scenario) -> str:
    return _("After-action report: %(title)s", title=text(scenario.title))


def _who(event, report) -> str:
    persona = report["persona"](event.persona) if event.persona else None
    return text(persona.name) if persona else ""


def _event_text(event) -> str:
    return text(event.text) if isinstance(event.text, dict) else str(event.text or "")


KINDS = {
    "inject": lambda: "",
    "adhoc": lambda: _("Instructor"),
    "post": lambda: _("Your post"),
    "reply": lambda: _("Your reply"),
    "call": lambda: _("Phone call"),
    "decide": lambda: _("Decision"),
}


def team_story(report: dict, heading: str, subtitle: str = "") -> list:
    """One run's report as flowables, under its heading."""
    scenario, scores, run = report["scenario"], report["scores"], report["run"]
    story = [_p(heading, "title")]
    if subtitle:
        story.append(_p(subtitle, "muted"))
    if not run.finished:
        story.append(_p(_("The exercise is still running; this report shows it so far."), "muted"))
    story.append(Spacer(1, 2 * mm))
    story.append(
        _p(
            _(
                "Total: %(s)s of 100 (completed at %(n)s)",
                s=_number(scores.total),
                n=_number(scenario.min_score),
            ),
            "h3",
        )
    )
    story.append(
        _table(
            [_("Dimension"), _("Weight"), _("Score"), _("Why")],
            [
                [
                    str(messages.DIMENSIONS.get(d.name, d.name)),
                    _number(d.weight),
                    _number(d.score),
                    "\n".join(messages.say(messages.REASONS, c, p, scenario) for c, p in d.reasons),
                ]
                for d in scores.dimensions
            ],
            [0.22, 0.1, 0.1, 0.58],
        )
    )
    observed = report.get("observed") or {}
    rated = [c for c in observed.get("ratings", []) if c.count]
    if observed.get("ratings"):
        story.append(_p(_("Observers' ratings"), "h2"))
        story.append(
            _table(
                [_("Capability"), _("Combined"), _("Range"), _("Observers")],
                [
                    [
                        text(c.capability.name),
                        f"{_number(c.mean)} ({c.nearest})" if c.count else "—",
                        f"{c.lowest}–{c.highest}" if c.count else "—",
                        str(c.count),
                    ]
                    for c in observed["ratings"]
                ],
                [0.46, 0.2, 0.17, 0.17],
            )
        )
        if rated:
            story.append(
                _p(
                    _(
                        "P = 4 performed without challenges, S = 3 with some challenges, M = 2 with major challenges, U = 1 unable to be performed."
                    ),
                    "muted",
                )
            )
    story.append(_p(_("Improvement plan"), "h2"))
    for number, (code, params) in enumerate(scores.plan, start=1):
        story.append(_p(f"{number}. {messages.say(messages.PLAN, code, params, scenario)}"))
    story.append(_p(_("How the situation developed"), "h2"))
    story.append(_chart(report["state"].series, scenario.duration))
    story.append(_p(_("Expected and actual action"), "h2"))
    rows = []
    for row in report["rows"]:
        persona = scenario.persona(row["inject"].persona)
        answer = row["answer"]
        rows.append(
            [
                str(int(row["minute"])),
                _said(text(persona.name), text(row["inject"].text))
                if persona
                else text(row["inject"].text),
                text(row["inject"].expected) or str(messages.EXPECTS[row["inject"].expects]),
                _("minute %(m)d", m=int(answer.minute)) + " " + _event_text(answer)
                if answer
                else "—",
                str(messages.STATUS[row["status"]]),
            ]
        )
    story.append(
        _table(
            [_("Minute"), _("Event"), _("Expected"), _("What you did"), _("In time?")],
            rows,
            [0.08, 0.34, 0.26, 0.22, 0.1],
        )
    )
    if observed.get("notes"):
        story.append(_p(_("Observers' notes"), "h2"))
        for note in observed["notes"]:
            pinned = scenario.inject(note.inject_id) if note.inject_id else None
            where = _("minute %(m)d", m=int(note.minute))
            if pinned:
                where += " · " + messages.excerpt(text(pinned.text), 40)
            author = note.author.name if note.author else ""
            story.append(_p(f"{where} — {author}", "muted"))
            story.append(_p(note.text))
    story.append(_p(_("Timeline replayed"), "h2"))
    reviews = report.get("reviews") or {}
    for event in report["state"].log:
        if event.kind not in KINDS:
            continue
        label = KINDS[event.kind]() or str(messages.CHANNELS.get(event.channel, event.channel))
        who = _who(event, report)
        where = f"{_('minute %(m)d', m=int(event.minute))} · {label}{' · ' + who if who else ''}"
        line = _said(where, _event_text(event))
        if event.score is not None:
            score = reviews[event.ref].score if event.ref in reviews else event.score.well
            line += " — " + _("well: %(s)s", s=_number(score))
        story.append(_p(line, "small"))
    return story


def _document(title: str, story: list) -> bytes:
    return pdftext.a4_pdf(story, title, _("Courseware"), MARGIN)


def _debrief(scenario) -> list:
    return [PageBreak(), _p(_("Debrief"), "title"), *_markdown(text(scenario.debrief))]


def run_report(report: dict, player: str, now) -> bytes:
    """One run's after-action report: a learner's, or one team's of a live class."""
    scenario = report["scenario"]
    title = _title(scenario)
    subtitle = " · ".join(part for part in (player, format_datetime(now, "medium")) if part)
    story = team_story(report, title, subtitle)
    story += _debrief(scenario)
    return _document(title, story)


def class_report(scenario, teams: list[tuple[dict, str, str]], now) -> bytes:
    """A live class's report: a summary of every team, then each team's report on its own pages."""
    title = _title(scenario)
    story = [_p(title, "title"), _p(format_datetime(now, "medium"), "muted"), Spacer(1, 3 * mm)]
    capabilities = scenario.capabilities
    header = [_("Team"), _("Members"), _("Total")] + [text(c.name) for c in capabilities]
    rows = []
    for report, name, members in teams:
        ratings = {c.capability.id: c for c in (report.get("observed") or {}).get("ratings", [])}
        rows.append(
            [name, members, _number(report["scores"].total)]
            + [
                f"{_number(ratings[c.id].mean)} ({ratings[c.id].nearest})"
                if c.id in ratings and ratings[c.id].count
                else "—"
                for c in capabilities
            ]
        )
    rest = 1 - 0.14 - 0.3 - 0.1
    widths = [0.14, 0.3, 0.1] + [rest / max(len(capabilities), 1)] * len(capabilities)
    story.append(KeepTogether([_p(_("The teams at a glance"), "h2"), _table(header, rows, widths)]))
    story.append(
        _p(
            ngettext(
                "%(num)d team; the observers' ratings are means on P = 4 … U = 1.",
                "%(num)d teams; the observers' ratings are means on P = 4 … U = 1.",
                len(teams),
            ),
            "muted",
        )
    )
    for report, name, members in teams:
        story.append(PageBreak())
        story += team_story(report, name, members)
    story += _debrief(scenario)
    return _document(title, story)
