"""Streaming exports: CSV (UTF-8 with a BOM, for Excel) and XLSX (typed cells), memory flat in the rows.

Every text cell passes through textsafety.neutralise, so no exported cell runs as a formula.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator

from courseware.textsafety import neutralise

# The most rows a worksheet holds; longer exports continue on the next sheet.
XLSX_MAX_ROWS = 1_048_576
# Rows fetched from the database at a time.
BATCH = 5_000
# Columns whose digits are identifiers, kept as text so a spreadsheet keeps leading zeros.
TEXT_COLUMNS = {"username", "phone", "code"}


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value) if isinstance(value, str) else value


def stream_csv(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text in chunks, for a streamed response or a file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_cell(value, column: str):
    """Numbers stay numbers and dates dates; identifiers become text; text is neutralised, and the
    control characters a worksheet cannot hold are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if column in TEXT_COLUMNS or isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", neutralise(str(value)))
    return value


def write_xlsx(target, sheets: list[tuple[str, list[str], Iterable[Iterable]]],
               progress: Callable[[int], None] | None = None, max_rows: int = XLSX_MAX_ROWS) -> int:
    """Write sheets to `target` (a path or a binary file) in openpyxl's write-only mode, which keeps
    no rows in memory; a sheet longer than `max_rows` continues on "name (2)". Returns rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    written = 0
    for title, header, rows in sheets:
        part, sheet, used = 1, None, 0
        date_style = "yyyy-mm-dd hh:mm"
        for row in rows:
            if sheet is None or used >= max_rows:
                sheet = book.create_sheet(title if part == 1 else f"{title} ({part})")
                part += 1
                sheet.append(header)
                used = 1
            cells = []
            for column, value in zip(header, row):
                cell = WriteOnlyCell(sheet, value=xlsx_cell(value, column))
                if isinstance(value, dt.datetime):
                    cell.number_format = date_style
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
            used += 1
            written += 1
            if progress and written % BATCH == 0:
                progress(written)
        if sheet is None:
            sheet = book.create_sheet(title)
            sheet.append(header)
    book.save(target)
    if progress:
        progress(written)
    return written


def streamed_rows(session, query) -> Iterator[tuple]:
    """Rows of a Core query fetched in batches with a server-side cursor where the database has one."""
    result = session.execute(query.execution_options(stream_results=True, yield_per=BATCH))
    for partition in result.partitions():
        yield from partition
