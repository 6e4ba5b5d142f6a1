"""Every spreadsheet the platform hands out: CSV (UTF-8 with a BOM, for Excel) and XLSX.

Reports, quiz results and item analysis, exercise reports and the sheets of initial passwords are
all written here, by the same rules:

- every text cell, headers included, passes through textsafety.neutralise (the one place that
  decides what a spreadsheet would run as a formula), so no exported cell runs as one;
- a file's columns are (key, header) pairs: the key says how the column's cells are written
  (TEXT_COLUMNS keep their digits as text), the header is what the reader sees. A header may be a
  lazy translation: it is turned into text when the file is written, so in the language of whoever
  asked for it (a request's reader; a background job forces its maker's; the command line speaks
  the terminal's). A bare string is a header whose column has no key;
- files that can be long are streamed: stream_csv yields the text in chunks and write_xlsx writes
  each row and forgets it, so memory stays flat in the rows. The detailed CSV of millions of rows
  has its own faster path in courseware.exports.database (COPY on PostgreSQL, driver tuples on
  SQLite), which writes the same cells.

This package imports nothing from the domain packages, so any of them may use it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator

from flask import Response, stream_with_context

from courseware.exports.xlsx import write_workbook
from courseware.textsafety import FORMULA_TRIGGERS, neutralise

__all__ = [
    "CSV_TYPE",
    "FORMULA_TRIGGERS",
    "XLSX_TYPE",
    "csv_cell",
    "csv_response",
    "csv_text",
    "header",
    "neutralise",
    "stream_csv",
    "write_csv",
    "write_xlsx",
    "xlsx_bytes",
    "xlsx_cell",
    "xlsx_response",
]

# Werkzeug adds "; charset=utf-8" to a text type itself: naming it here too sent it twice.
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The most rows a worksheet holds; longer exports continue on the next sheet.
XLSX_MAX_ROWS = 1_048_576
# Rows between two progress reports of an XLSX file.
BATCH = 5_000
# CSV rows written between two chunks of a stream.
CHUNK_ROWS = 1_000
# Columns whose digits are identifiers, kept as text so a spreadsheet keeps leading zeros.
TEXT_COLUMNS = {"username", "phone", "code"}
# Whole numbers below this are written without ".0" ("90", not "90.0"), as PostgreSQL prints them.
WHOLE_LIMIT = 10**15

Sheet = tuple[str, list, Iterable[Iterable]]


def columns_of(columns: Iterable) -> list[tuple[str, str]]:
    """(key, header) pairs with each header turned into text now, in the current language; a bare
    header becomes a column with no key."""
    return [
        (column[0], str(column[1])) if isinstance(column, tuple) else ("", str(column))
        for column in columns
    ]


def header(columns: Iterable) -> list[str]:
    """The header line of a file: the columns' headers in the current language."""
    return [text for _, text in columns_of(columns)]


def header_cells(columns: Iterable) -> list[str]:
    """A header line's cells: translated text, neutralised like every other cell of an export."""
    return [neutralise(text) for text in header(columns)]


def csv_cell(value):
    """A value as a CSV cell: times to the second, whole numbers without ".0", text neutralised."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < WHOLE_LIMIT:
        return int(value)
    return neutralise(value) if isinstance(value, str) else value


def stream_csv(columns: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text in chunks, BOM and header first, for a streamed response or a file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header_cells(columns))
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(columns: Iterable, rows: Iterable[Iterable]) -> str:
    """A whole CSV file as text, for files small enough to hold (a report of one run)."""
    return "".join(stream_csv(columns, rows))


def write_csv(target, columns: Iterable, rows: Iterable[Iterable]) -> int:
    """Stream a CSV file to the path `target`; return the rows written."""
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    with open(target, "w", encoding="utf-8", newline="") as out:
        for chunk in stream_csv(columns, counted()):
            out.write(chunk)
    return count


def xlsx_cell(value, key: str):
    """Numbers stay numbers and dates dates; identifiers become text; text is neutralised (the
    writer drops the control characters a worksheet cannot hold)."""
    if value is None:
        return None
    if key in TEXT_COLUMNS or isinstance(value, str):
        return neutralise(str(value))
    return value


def write_xlsx(
    target,
    sheets: Iterable[Sheet],
    progress: Callable[[int], None] | None = None,
    max_rows: int = XLSX_MAX_ROWS,
) -> int:
    """Write sheets to `target` (a path or a binary file), streaming: no rows are kept in memory; a
    sheet longer than `max_rows` continues on "name (2)". Returns the rows written.

    Each sheet is (title, columns, rows); its title and headers are turned into text as it is
    written, in the current language."""
    return write_workbook(
        target,
        ((str(title), columns_of(columns), rows) for title, columns, rows in sheets),
        cell=xlsx_cell,
        progress=progress,
        max_rows=max_rows,
        every=BATCH,
    )


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A small workbook as bytes, for a response or a database column."""
    out = io.BytesIO()
    write_xlsx(out, sheets)
    return out.getvalue()


def _attachment(filename: str) -> dict:
    return {"Content-Disposition": f"attachment; filename={filename}"}


def csv_response(filename: str, columns: Iterable, rows: Iterable[Iterable]) -> Response:
    """A CSV download streamed as it is written; the header is read in the request's language."""
    return Response(
        stream_with_context(stream_csv(columns, rows)),
        mimetype=CSV_TYPE,
        headers=_attachment(filename),
    )


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> Response:
    """An XLSX download (the zip must be whole before it is sent)."""
    return Response(xlsx_bytes(sheets), mimetype=XLSX_TYPE, headers=_attachment(filename))
