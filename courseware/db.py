"""The database handle every module imports, and engine settings that keep SQLite honest."""

import enum
import functools
import time
from datetime import datetime, UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import event, MetaData
from sqlalchemy.engine import Engine

# Named constraints let Alembic alter them later, on SQLite as on PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))

SQLITE_BUSY_TIMEOUT_MS = 5000


def built_once(build):
    """Decorate a function that builds a statement (with `sa.bindparam` for its values) so that
    the statement is built on the first call and reused after.

    For the queries every page runs: building a select and working out its cache key costs more
    than running it on SQLite, and a statement object that is reused keeps its key."""
    return functools.cache(build)


def read_rows(statement, params: dict) -> list[sa.Row]:
    """Run a Core statement on the session's connection and return its rows, to read columns.

    For the standings every learner page shows: the ORM's work for each statement (events, the
    identity map, building objects) costs about twice what a small query takes on SQLite. Changes
    still pending in the session are flushed first, as the ORM's own queries would."""
    session = db.session()
    session.flush()
    return session.connection().execute(statement, params).all()


class RowPagination(Pagination):
    """A page of a select's rows, read as columns, not as ORM objects.

    Flask-SQLAlchemy's paginate() builds an object per row; a list of fifty accounts spent a
    quarter of its time on that. Its Pagination is made for subclasses that say how to read the
    items and the total, which are here a select of columns and a select of the count."""

    def _query_items(self) -> list[sa.Row]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return read_rows(select, {})

    def _query_count(self) -> int:
        return db.session.scalar(self._query_args["total"])


def paginate_rows(select: sa.Select, total: sa.Select, per_page: int) -> RowPagination:
    """The request's page (its `page` argument; past the end, an empty page) of `select`'s rows,
    with `total` (a select of one number) as the total."""
    return RowPagination(per_page=per_page, error_out=False, select=select, total=total)


# The statements every page of a kind runs (the session's row on every signed-in request, the
# lesson on a lesson page) are read on the driver's own cursor: SQLAlchemy's execution of a
# compiled statement (the compiled cache's lookup, an execution context, a result object and its
# rows) cost three times the query itself on SQLite (21 against 6 µs), a sixteenth of a lesson
# page. The SQL is compiled once for each connection, and the values are converted by the result
# processors SQLAlchemy itself would apply, chosen as it chooses them: by each column's type and
# the type the driver reports for it; parameters are converted as SQLAlchemy converts them.
_DRIVER_READS = "courseware.driver_reads"


def first_row_on_driver(statement: sa.Select, params: dict) -> tuple | None:
    """The first row of a SELECT, as a tuple of its columns' values converted as SQLAlchemy would,
    or None; run on the session's connection, in its transaction, with the SQL compiled once per
    connection. For a statement that every page of a kind runs before it changes anything: unlike
    the ORM's queries, it does not flush changes pending in the session first."""
    connection = db.session.connection()
    pooled = connection.connection
    reads = pooled.info.setdefault(_DRIVER_READS, {})
    read = reads.get(statement)
    if read is None:
        read = reads[statement] = _DriverRead(statement, connection.dialect)
    cursor = pooled.cursor()
    try:
        cursor.execute(read.sql, read.parameters(params))
        row = cursor.fetchone()
        conversions = read.conversions(cursor.description)
    finally:
        cursor.close()
    if row is None or not conversions:
        return row if row is None else tuple(row)
    values = list(row)
    for index, convert in conversions:
        values[index] = convert(values[index])
    return tuple(values)


class _DriverRead:
    """A SELECT compiled for one dialect: its SQL, how its parameters are passed, and how each
    column's value is converted."""

    def __init__(self, statement: sa.Select, dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self._positions = compiled.positiontup
        # By the name each parameter has in the SQL: the caller's key for each value to pass, and
        # values written into the statement (x == 0.5), converted once.
        self._given: list[tuple[str, str, object]] = []
        self._constants: dict[str, object] = {}
        for name, bind in compiled.binds.items():
            if bind.expanding or bind.callable:
                raise ValueError(f"{bind.key}: its SQL or value is made anew for each execution")
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required:
                self._given.append((name, bind.key, convert))
            else:
                self._constants[name] = convert(bind.value) if convert else bind.value
        self._plain = not self._constants and all(
            name == key and convert is None for name, key, convert in self._given
        )
        self._dialect = dialect
        self._types = [column.type for column in statement.selected_columns]
        self._conversions: list[tuple[int, object]] | None = None

    def parameters(self, params: dict):
        """The parameters in the form the driver takes: by position or by name, converted as
        SQLAlchemy converts them."""
        if self._plain:
            values = params
        else:
            values = dict(self._constants)
            for name, key, convert in self._given:
                values[name] = params[key] if convert is None else convert(params[key])
        if self._positions is None:
            return values
        return tuple(values[name] for name in self._positions)

    def conversions(self, description) -> list[tuple[int, object]]:
        """(index, processor) for each column whose value is converted, worked out on the first
        execution from the types the driver reports (a statement's columns keep their types)."""
        if self._conversions is None:
            dialect, found = self._dialect, []
            for index, (type_, column) in enumerate(zip(self._types, description, strict=True)):
                convert = type_.dialect_impl(dialect).result_processor(dialect, column[1])
                if convert is not None:
                    found.append((index, convert))
            self._conversions = found
        return self._conversions


def upsert(table: sa.Table):
    """INSERT … ON CONFLICT for the database in use (SQLite and PostgreSQL spell it alike)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


# A server's connection can drop while it waits in the pool (the server restarts, a firewall ends
# idle connections); one used a moment ago has almost never dropped. So a connection is tried
# ("SELECT 1") before use only when it has waited longer than this. SQLAlchemy's pool_pre_ping
# tried every one, a round trip that cost a twentieth of a page on PostgreSQL.
IDLE_PING_SECONDS = 10.0


def ping_when_idle(engine: Engine) -> None:
    """Try each connection the pool hands out that has waited longer than IDLE_PING_SECONDS; one
    that fails is replaced by a new one before the request uses it."""

    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _try_if_idle(dbapi_connection, record, proxy) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since <= IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool throws this connection away and hands out a new one.
            raise sa.exc.DisconnectionError(str(error)) from error


# psycopg prepares a statement on the server once a connection has run it five times, which spares
# PostgreSQL parsing and planning it again: a third to three quarters of a small query's time (the
# classroom's live poll: 1.0 ms unprepared, 0.24 ms prepared). But psycopg forgets every prepared
# statement on ROLLBACK, because a rolled-back DROP or ALTER may leave its plans pointing at
# nothing, and a request that only read ends its transaction with a ROLLBACK, so none was ever
# kept. A request that wrote nothing ends with COMMIT instead: for the data it is the same, as the
# transaction changed nothing, and the connection keeps what it has prepared.
_WROTE = "courseware.wrote"


def end_reads_with_commit(app, engine: Engine) -> None:
    """End each request's transaction with COMMIT when it sent only SELECTs and left nothing
    unsaved in the session; every other transaction (a write, an error) is rolled back as before."""

    @event.listens_for(engine, "begin")
    def _begun(conn) -> None:
        conn.info[_WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.startswith("SELECT "):
            conn.info[_WROTE] = True

    @app.teardown_appcontext
    def _commit_reads(error) -> None:
        # Registered after Flask-SQLAlchemy's own teardown, so it runs before the session is removed.
        if error is not None or not db.session.registry.has():
            return
        session = db.session()
        transaction = session.get_transaction()
        # Inactive: a flush failed and the view went on without rolling back.
        if transaction is None or not transaction.is_active:
            return
        if session.new or session.deleted or session.dirty:
            return
        if not session.connection().info.get(_WROTE, True):
            # The session is removed next; what was read stays readable, as after a rollback.
            session.expire_on_commit = False
            session.commit()


def status_type(statuses: type[enum.StrEnum], length: int = 16) -> sa.Enum:
    """A column type for a status enum: stored as the members' values in a plain VARCHAR (no
    database enum, no CHECK), read back as members; a value outside the enum is refused on write."""
    return sa.Enum(
        statuses,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """Turn on WAL, a busy timeout and foreign keys for every SQLite connection.

    Without a busy timeout concurrent writers fail at once with "database is locked";
    WAL lets readers go on while one request writes.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
    dbapi_connection.create_function("courseware_local_time", 2, _local_time, deterministic=True)


def _local_time(stored: str | None, zone: str) -> str | None:
    """SQLite: a stored UTC time ("YYYY-MM-DD HH:MM:SS…") in a zone with summer time, as text."""
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored[:19]).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")
