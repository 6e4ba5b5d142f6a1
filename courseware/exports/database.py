"""The fast CSV path for exports of millions of rows, straight from a query.

The cells are the ones courseware.exports.stream_csv writes, but no Python call is made per cell:
the neutralisation and formatting are done in SQL (neutralised_sql, csv_ready) and the rows go to
the file in batches of the driver's own tuples (write_csv_rows, on SQLite) or, on PostgreSQL,
straight from COPY (copy_csv). write_query_csv picks the one for the connection's database.
"""

from __future__ import annotations

import csv
import select
from collections.abc import Callable, Iterable, Iterator

import sqlalchemy as sa

from courseware.exports import BATCH, header_cells, WHOLE_LIMIT
from courseware.textsafety import FORMULA_TRIGGERS

# Rows fetched from the database at a time, as plain tuples for a CSV file.
CSV_BATCH = 20_000


def streamed_rows(session, query) -> Iterator[tuple]:
    """Rows of a Core query fetched in batches with a server-side cursor where the database has one."""
    result = session.execute(query.execution_options(stream_results=True, yield_per=BATCH))
    for partition in result.partitions():
        yield from partition


def neutralised_sql(column, dialect: str):
    """textsafety.neutralise as SQL: a quote before text whose first character is a formula trigger.

    The first character's code is looked up in a list (ascii() on PostgreSQL, unicode() on SQLite),
    which costs the database next to nothing; one substr() comparison per trigger took longer than
    the rest of a large export."""
    codes = [sa.literal_column(str(ord(t))) for t in FORMULA_TRIGGERS if t != "\0"]
    matches = (sa.func.ascii if dialect == "postgresql" else sa.func.unicode)(column).in_(codes)
    if (
        dialect != "postgresql"
    ):  # PostgreSQL text cannot hold NUL; SQLite's unicode() gives NULL for it
        matches = sa.or_(
            matches,
            sa.and_(
                column < sa.func.char(sa.literal_column("1")), column != sa.literal_column("''")
            ),
        )
    return sa.case((matches, sa.literal_column("''''", sa.String) + column), else_=column)


def csv_ready(query, dialect: str):
    """The query with each cell as csv_cell writes it, computed by the database: text columns
    neutralised, times to the second ("2026-05-03 09:30:00"), whole numbers without ".0" on SQLite
    (PostgreSQL prints them so already). Other values are left to the csv module, or to COPY."""
    columns = []
    for column in query.selected_columns:
        kind = column.type
        if isinstance(kind, sa.String):
            expression = neutralised_sql(column, dialect)
        elif isinstance(kind, sa.DateTime):
            if dialect == "postgresql":
                expression = sa.func.date_trunc(sa.literal_column("'second'"), column, type_=kind)
            else:
                # SQLAlchemy stores a DateTime in SQLite as text, "YYYY-MM-DD HH:MM:SS.ffffff".
                expression = sa.type_coerce(sa.func.substr(column, 1, 19), sa.String)
        elif isinstance(kind, sa.Float) and dialect != "postgresql":
            whole = sa.cast(column, sa.Integer)
            expression = sa.case(
                (sa.and_(column == whole, sa.func.abs(column) < WHOLE_LIMIT), whole), else_=column
            )
        else:
            expression = column
        columns.append(expression.label(None))
    return query.with_only_columns(*columns, maintain_column_froms=True)


def csv_start(out, columns: Iterable, lineterminator: str = "\r\n") -> None:
    """The UTF-8 byte order mark Excel needs and the header line, on a text file."""
    out.write("\ufeff")
    csv.writer(out, lineterminator=lineterminator).writerow(header_cells(columns))


def write_csv_rows(connection, query, out, progress: Callable[[int], None] | None = None) -> int:
    """Rows of a csv_ready query into a text file in batches: no Python call per cell or per row.

    For SQLite, whose driver reads rows from the file as they are fetched (PostgreSQL uses COPY).
    The rows are taken from the driver's cursor as they are: csv_ready left nothing for SQLAlchemy
    to convert, and making a Row of each took a third of the export's time."""
    writer = csv.writer(out)
    result = connection.execute(query)
    count = 0
    try:
        while rows := result.cursor.fetchmany(CSV_BATCH):
            writer.writerows(rows)
            count += len(rows)
            if progress:
                progress(count)
    finally:
        result.close()
    return count


def write_query_csv(
    connection, query, target, columns: Iterable, progress: Callable[[int], None] | None = None
) -> int:
    """The rows of a Core query as a CSV file at the path `target`, the fastest way the database
    allows: COPY on PostgreSQL, the driver's tuples in batches elsewhere. The file reads back as
    the rows courseware.exports.stream_csv would write; returns the rows written."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return copy_csv(connection, query, target, columns, progress)
    with open(target, "w", encoding="utf-8", newline="") as out:
        csv_start(out, columns)
        count = write_csv_rows(connection, csv_ready(query, dialect), out, progress)
    if progress:
        progress(count)
    return count


def copy_csv(
    connection, query, target, columns: Iterable, progress: Callable[[int], None] | None = None
) -> int:
    """PostgreSQL only: the rows of `query` written to the file `target` by COPY ... TO STDOUT, the
    database doing the CSV and the neutralisation (csv_ready), Python only moving the bytes.

    Same BOM, header and rows as stream_csv, read as CSV; lines end in LF rather than CRLF, and a
    text cell that is empty rather than missing is written "" (both read back the same)."""
    compiled = csv_ready(query, "postgresql").compile(
        dialect=connection.dialect,
        compile_kwargs={"literal_binds": True, "render_postcompile": True},
    )
    statement = f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv)"
    with open(target, "w", encoding="utf-8", newline="") as text:
        csv_start(text, columns, lineterminator="\n")
    try:
        with open(target, "ab", buffering=1 << 20) as out:
            return _copy_out(
                connection.connection.driver_connection.pgconn, statement, out, progress
            )
    except BaseException:
        # The connection may be left in the middle of the COPY: the pool must not hand it out again.
        connection.invalidate()
        raise


def _copy_out(pgconn, statement: str, out, progress: Callable[[int], None] | None) -> int:
    """Run COPY ... TO STDOUT on psycopg's libpq connection and write each row to `out`.

    psycopg's own Copy object costs a generator and a lock for every row, which took as long as the
    database's whole work; here a row costs one call into libpq and one write. libpq hands over one
    row per call, so the count is exact. The connection stays non-blocking: waiting is done by
    select(), which lets other threads of the process run."""
    from psycopg import pq  # PostgreSQL's driver, loaded only where PostgreSQL is used

    def wait_for_input():
        select.select([pgconn.socket], [], [])
        pgconn.consume_input()

    def result():
        while pgconn.is_busy():
            wait_for_input()
        return pgconn.get_result()

    pgconn.send_query(statement.encode())
    started = result()
    if started.status != pq.ExecStatus.COPY_OUT:
        raise RuntimeError(f"COPY did not start: {started.error_message.decode(errors='replace')}")
    count = 0
    while True:
        size, data = pgconn.get_copy_data(1)
        if size > 0:
            out.write(data)
            count += 1
            if progress and count % CSV_BATCH == 0:
                progress(count)
        elif size == 0:
            wait_for_input()
        else:
            break
    finished = list(iter(result, None))
    if any(r.status != pq.ExecStatus.COMMAND_OK for r in finished):
        raise RuntimeError(
            "COPY failed: " + "; ".join(r.error_message.decode(errors="replace") for r in finished)
        )
    if progress:
        progress(count)
    return count
