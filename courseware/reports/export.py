"""The completion reports as files, for the web and the command line alike.

Both write the summary through the functions here, so a download and `flask --app courseware
report export` hold the same sheets: one line per unit, class or course, and the overdue
enrolments behind them. The cells, the neutralisation and the streaming are courseware.exports'.
"""

from __future__ import annotations

from flask_babel import gettext as _

from courseware import exports
from courseware.db import db
from courseware.exports import database
from courseware.i18n import text
from courseware.reports import queries


def overdue_rows(by: str, lines: list[queries.Line]) -> list[list]:
    """The enrolments past their due date and not completed, under the line they count in; the
    course by its title in the reader's language, unless the line already is the course."""
    return [
        [line.label, user.username, user.name]
        + ([] if by == "course" else [text(course.title)])
        + [due]
        for line in lines
        for user, course, due in line.overdue
    ]


def summary_table(by: str, lines: list[queries.Line]) -> tuple[list, list[list]]:
    """The summary's columns and rows: one line per unit, class or course."""
    return queries.summary_columns(by), queries.summary_rows(lines)


def summary_sheets(by: str, lines: list[queries.Line]) -> list[exports.Sheet]:
    """The summary workbook: the lines, and the overdue enrolments behind them."""
    return [
        (_("summary"), *summary_table(by, lines)),
        (_("overdue"), queries.overdue_columns(by), overdue_rows(by, lines)),
    ]


def write_summary(target, fmt: str, by: str, lines: list[queries.Line]) -> int:
    """Write the summary to the path `target`: as CSV its one table (a CSV file holds one), as
    XLSX both sheets. Returns the lines written."""
    if fmt == "csv":
        exports.write_csv(target, *summary_table(by, lines))
    else:
        exports.write_xlsx(target, summary_sheets(by, lines))
    return len(lines)


def write_detail(filters: queries.Filters, fmt: str, target, progress=None) -> int:
    """The detailed rows, streamed from the database into a CSV or XLSX file at `target`.

    CSV leaves the per-cell work to the database (COPY on PostgreSQL, batches of the driver's
    tuples elsewhere: courseware.exports.database); both give the rows exports.stream_csv would.
    The header and the sheet's name are in the current language (a job forces its maker's)."""
    query = queries.detail_query(filters)
    columns = queries.detail_columns()
    if fmt == "xlsx":
        rows = database.streamed_rows(db.session, query)
        return exports.write_xlsx(target, [(_("completions"), columns, rows)], progress)
    return database.write_query_csv(db.session.connection(), query, target, columns, progress)
