"""Streaming exports: CSV (UTF-8 with a BOM, for Excel) and XLSX (typed cells), memory flat in the rows.

Every text cell passes through textsafety.neutralise, so no exported cell runs as a formula. The
detailed CSV, millions of rows, is written without a Python call per cell: the same neutralisation
is done in SQL (neutralised_sql) and the rows go to the file in batches (write_csv_rows) or, on
PostgreSQL, straight from COPY (copy_detail_csv).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator

import sqlalchemy as sa

from courseware.textsafety import FORMULA_TRIGGERS, neutralise

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
    """Numbers stay numbers and dates dates; identifiers become text; text is neutralised (the
    writer drops the control characters a worksheet cannot hold)."""
    if value is None:
        return None
    if column in TEXT_COLUMNS or isinstance(value, str):
        return neutralise(str(value))
    return value


def write_xlsx(target, sheets: list[tuple[str, list[str], Iterable[Iterable]]],
               progress: Callable[[int], None] | None = None, max_rows: int = XLSX_MAX_ROWS) -> int:
    """Write sheets to `target` (a path or a binary file), streaming: no rows are kept in memory; a
    sheet longer than `max_rows` continues on "name (2)". Returns the rows written."""
    from courseware.reports.xlsx import write_workbook

    return write_workbook(target, sheets, cell=xlsx_cell, progress=progress, max_rows=max_rows, every=BATCH)


def streamed_rows(session, query) -> Iterator[tuple]:
    """Rows of a Core query fetched in batches with a server-side cursor where the database has one."""
    result = session.execute(query.execution_options(stream_results=True, yield_per=BATCH))
    for partition in result.partitions():
        yield from partition


def neutralised_sql(column, dialect: str):
    """textsafety.neutralise as SQL: a quote before text whose first character is a formula trigger."""
    char = sa.func.chr if dialect == "postgresql" else sa.func.char
    first = sa.func.substr(column, 1, 1)
    matches = [first == (sa.literal_column(f"'{t}'") if t.isprintable() else char(sa.literal_column(str(ord(t)))))
               for t in FORMULA_TRIGGERS if t != "\0"]
    if dialect != "postgresql":  # PostgreSQL text cannot hold NUL; SQLite's text functions stop at it
        matches.append(sa.and_(column < char(sa.literal_column("1")), column != sa.literal_column("''")))
    matches = sa.or_(*matches)
    return sa.case((matches, sa.literal_column("''''", sa.String) + column), else_=column)


def csv_ready(query, dialect: str):
    """The query with each cell as csv_cell writes it, computed by the database: text columns
    neutralised, times to the second ("2026-05-03 09:30:00"); on PostgreSQL numbers as Python
    prints them too (90 becomes "90.0"), for COPY. Other values are left to the csv module."""
    columns = []
    for column in query.selected_columns:
        kind = column.type
        if isinstance(kind, sa.String):
            expression = neutralised_sql(column, dialect)
        elif isinstance(kind, sa.DateTime):
            pattern = "YYYY-MM-DD HH24:MI:SS" if dialect == "postgresql" else "%Y-%m-%d %H:%M:%S"
            expression = sa.type_coerce(
                (sa.func.to_char if dialect == "postgresql" else sa.func.strftime)(
                    *((column, sa.literal_column(f"'{pattern}'")) if dialect == "postgresql"
                      else (sa.literal_column(f"'{pattern}'"), column))), sa.String)
        elif isinstance(kind, sa.Float) and dialect == "postgresql":
            text = sa.cast(column, sa.Text)
            expression = sa.case((text.regexp_match(sa.literal_column("'^-?[0-9]+$'")),
                                  text + sa.literal_column("'.0'")), else_=text)
        else:
            expression = column
        columns.append(expression.label(None))
    return query.with_only_columns(*columns, maintain_column_froms=True)


def csv_start(out, header: list[str], lineterminator: str = "\r\n") -> None:
    """The UTF-8 byte order mark Excel needs and the header line, on a text file."""
    out.write("\ufeff")
    csv.writer(out, lineterminator=lineterminator).writerow(header)


def write_csv_rows(connection, query, out, progress: Callable[[int], None] | None = None) -> int:
    """Rows of a csv_ready query into a text file in batches of BATCH: no Python call per cell."""
    writer = csv.writer(out)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    count = 0
    for partition in result.partitions():
        writer.writerows(partition)
        count += len(partition)
        if progress:
            progress(count)
    return count


def copy_detail_csv(connection, query, target, header: list[str],
                    progress: Callable[[int], None] | None = None) -> int:
    """PostgreSQL only: the rows of `query` written to the file `target` by COPY ... TO STDOUT, the
    database doing the CSV and the neutralisation (csv_ready), Python only moving the bytes.

    Same BOM, header and rows as stream_csv, read as CSV; lines end in LF rather than CRLF, and a
    text cell that is empty rather than missing is written "" (both read back the same)."""
    compiled = csv_ready(query, "postgresql").compile(
        dialect=connection.dialect, compile_kwargs={"literal_binds": True, "render_postcompile": True})
    statement = f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv)"
    driver = connection.connection.driver_connection  # the psycopg connection under SQLAlchemy's
    newlines = 0
    with open(target, "w", encoding="utf-8", newline="") as text:
        csv_start(text, header, lineterminator="\n")
    with open(target, "ab") as out, driver.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for chunk in copy:
                out.write(chunk)
                if progress:
                    before, newlines = newlines, newlines + bytes(chunk).count(b"\n")
                    if newlines // BATCH != before // BATCH:
                        progress(newlines)  # a cell holding a line break makes this an estimate
        count = cursor.rowcount
    if progress:
        progress(count)
    return count
