"""The detailed completion export on 3 million rows: the project's CSV and XLSX against the database's own dump.

Run: .venv/bin/python bench/report_export.py [cadres] [completions-per-cadre] [databases] [exports]
     defaults:                               100000   30                      sqlite,postgresql csv,csv-module,xlsx
     (fewer for a quick run, e.g. `bench/report_export.py 5000 30 sqlite`; the XLSX export of 3
     million rows takes 15-20 minutes per database here, so `... 100000 30 sqlite,postgresql
     csv,csv-module` leaves it out)

For each database it creates a throwaway database (a SQLite file in a temporary folder; on PostgreSQL
a database courseware_bench_<pid> on 127.0.0.1:5432, user postgres, dropped at the end even on
Ctrl-C), creates the schema with `flask --app courseware db upgrade`, and bulk-inserts straight into
the tables (executemany on SQLite, COPY FROM STDIN on PostgreSQL): a unit tree (a province, 20
departments, 10 offices each), 30 courses, `cadres` users (phone numbers with leading zeros, a few
names that start like a formula) and `cadres` × `completions-per-cadre` course completions. Then,
in one run, it times:

  raw dump   the database's own tool writing the same rows to a CSV file: `sqlite3 -csv -header`
             or `psql -c "\\copy (SELECT ...) TO 'file' CSV HEADER"`, running the SQL that SQLAlchemy
             renders for queries.detail_query (no filters) for that dialect. It runs once before and
             once after the exports (after an untimed warm-up run) and the ratios use the mean of the two;
  csv        the project's CSV export: export.write_detail(Filters(), "csv", path) in an app context
             (on PostgreSQL a COPY driven from the application, on SQLite text neutralised in SQL
             and rows written by csv.writer.writerows in batches);
  csv module the previous CSV path, for comparison: exports.stream_csv over database.streamed_rows
             (SQLAlchemy Core streamed into the csv module, every cell through csv_cell);
  xlsx       the project's XLSX export: export.write_detail(Filters(), "xlsx", path), openpyxl's
             write-only mode, as a background export job runs it.

Each export runs in a fresh child process; the time is measured inside the child around the
write_detail call only (not Python's start-up or the app's imports), and the child reports its peak
resident memory (resource.getrusage ru_maxrss) and what it had before the export began. The
project's CSV is checked against the csv-module CSV: same rows, parsed, for the first and last 1,000.

Prints a table per database with each time, its ratio to the raw dump and each child's peak memory,
and whether the goals are met: CSV at most 1.3x the raw dump on PostgreSQL and 3x on SQLite, XLSX
under 40x, and memory under 100 MB. The memory goal is judged on what the export adds to the
process (peak minus the peak before the export began): importing the app alone already takes about
100 MB of resident memory here, which no export can lower. The machine these figures come from has 2 cores shared with
other work, so expect some noise between runs; the ratios are measured within one run.
"""

import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
DEPARTMENTS, OFFICES = 20, 10
COURSES = 30
GOAL_CSV = {"sqlite": 3.0, "postgresql": 1.3}
GOAL_XLSX = 40.0
GOAL_MB = 100
CHECK_ROWS = 1000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
# A few cadres whose names a spreadsheet would run as a formula: the export must neutralise them.
ODD_NAMES = ['=HYPERLINK("http://x")', "+86 王", "-李四", "@SUM(A1)", "\t赵六", '张,"三"']


# --- steps run inside the app (a child process with the database's environment) ---------------


def child_export(kind: str, target: str) -> None:
    """Run one export and print, as JSON, its rows, seconds and memory."""
    from courseware import create_app, exports
    from courseware.db import db
    from courseware.exports import database
    from courseware.reports import export, queries

    app = create_app()
    with app.app_context():
        db.session.execute(db.select(1))  # connect before the clock starts, as a running app has
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        began = time.perf_counter()
        if kind == "csv-module":
            count = 0

            def counted():
                nonlocal count
                for row in database.streamed_rows(
                    db.session, queries.detail_query(queries.Filters())
                ):
                    count += 1
                    yield row

            with open(target, "w", encoding="utf-8", newline="") as out:
                for chunk in exports.stream_csv(
                    queries.header(queries.detail_columns()), counted()
                ):
                    out.write(chunk)
        else:
            count = export.write_detail(queries.Filters(), kind, target)
        seconds = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": count, "seconds": seconds, "peak_kb": peak, "before_kb": before}))


def child_sql(dialect: str) -> None:
    """Print the SQL SQLAlchemy renders for detail_query (no filters) on this dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    from courseware.reports import queries

    compiled = queries.detail_query(queries.Filters()).compile(
        dialect=(postgresql.dialect() if dialect == "postgresql" else sqlite.dialect()),
        compile_kwargs={"literal_binds": True},
    )
    print(" ".join(str(compiled).split()))


def in_app(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


# --- the data -----------------------------------------------------------------------------------

EPOCH = dt.datetime(2025, 1, 1, 8, 0)


def sqlite_time(moment: dt.datetime) -> str:
    """How SQLAlchemy stores a DateTime in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def units() -> list[tuple]:
    rows = [(1, "浙江省", None)]
    for d in range(DEPARTMENTS):
        dept = 2 + d * (OFFICES + 1)
        rows.append((dept, f"第{d + 1}部", 1))
        rows += [(dept + 1 + o, f"第{o + 1}处", dept) for o in range(OFFICES)]
    return rows


def courses() -> list[tuple]:
    return [
        (
            c + 1,
            f"course-{c + 1:02d}",
            json.dumps({"zh": f"课程{c + 1}"}, ensure_ascii=False),
            [1.0, 1.5, 2.0, 2.5, 3.0, 4.0][c % 6],
        )
        for c in range(COURSES)
    ]


def users(cadres: int, unit_rows: list[tuple]):
    offices = [u[0] for u in unit_rows if u[2] not in (None, 1)] + [
        u[0] for u in unit_rows if u[2] == 1
    ]
    rng = random.Random(7)
    for i in range(1, cadres + 1):
        if i % 997 == 0:
            name = ODD_NAMES[(i // 997) % len(ODD_NAMES)]
        else:
            name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN) for _ in range(rng.randint(1, 2))
            )
        unit = None if i % 5003 == 0 else offices[i % len(offices)]
        yield (i, f"{i:07d}", name, unit, f"0{rng.randint(100, 999)}{rng.randint(0, 9999999):07d}")


def completions(cadres: int, per_cadre: int):
    """Completion rows (id, user, course, completed_at, score); the ids in an order unlike the users'."""
    rng = random.Random(11)
    n = 0
    for u in range(1, cadres + 1):
        for c in range(1, per_cadre + 1):
            n += 1
            moment = EPOCH + dt.timedelta(
                seconds=rng.randint(0, 500 * 86400), microseconds=rng.randint(0, 999999)
            )
            score = (
                None
                if n % 17 == 0
                else rng.choice((60.0, 72.5, 80.0, 85.0, 90.5, 100.0, 66.66666666666667))
            )
            yield (n, u, (c - 1) % COURSES + 1, moment, score)


def fill_sqlite(path: Path, cadres: int, per_cadre: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    now = sqlite_time(EPOCH)
    unit_rows = units()
    conn.executemany(
        "INSERT INTO unit (id, name, parent_id, created_at) VALUES (?, ?, ?, ?)",
        [(*u, now) for u in unit_rows],
    )
    conn.executemany(
        "INSERT INTO course (id, slug, title, summary, audience, credit_hours, items, completion, settings_hash,"
        " updated_at) VALUES (?, ?, ?, '{}', '{}', ?, '[]', '{}', '', ?)",
        [(*c, now) for c in courses()],
    )
    conn.executemany(
        'INSERT INTO "user" (id, username, name, role, unit_id, position, phone, password_hash,'
        " must_change_password, is_demo, active, created_at)"
        " VALUES (?, ?, ?, 'learner', ?, '', ?, 'bench-not-a-hash', 0, 0, 1, ?)",
        ((*u, now) for u in users(cadres, unit_rows)),
    )
    conn.executemany(
        "INSERT INTO course_completion (id, user_id, course_id, completed_at, rule, score) VALUES (?, ?, ?, ?, '{}', ?)",
        ((n, u, c, sqlite_time(m), s) for n, u, c, m, s in completions(cadres, per_cadre)),
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def fill_postgresql(url: str, cadres: int, per_cadre: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        unit_rows = units()
        with cur.copy("COPY unit (id, name, parent_id, created_at) FROM STDIN") as copy:
            for u in unit_rows:
                copy.write_row((*u, EPOCH))
        with cur.copy(
            "COPY course (id, slug, title, summary, audience, credit_hours, items, completion,"
            " settings_hash, updated_at) FROM STDIN"
        ) as copy:
            for c_id, slug, title, hours in courses():
                copy.write_row((c_id, slug, title, "{}", "{}", hours, "[]", "{}", "", EPOCH))
        with cur.copy(
            'COPY "user" (id, username, name, role, unit_id, position, phone, password_hash,'
            " must_change_password, is_demo, active, created_at) FROM STDIN"
        ) as copy:
            for i, username, name, unit, phone in users(cadres, unit_rows):
                copy.write_row(
                    (
                        i,
                        username,
                        name,
                        "learner",
                        unit,
                        "",
                        phone,
                        "bench-not-a-hash",
                        False,
                        False,
                        True,
                        EPOCH,
                    )
                )
        with cur.copy(
            "COPY course_completion (id, user_id, course_id, completed_at, rule, score) FROM STDIN"
        ) as copy:
            for n, u, c, moment, score in completions(cadres, per_cadre):
                copy.write_row((n, u, c, moment, "{}", score))
        for table, column in (
            ("unit", "id"),
            ("course", "id"),
            ("user", "id"),
            ("course_completion", "id"),
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'),"
                f' (SELECT max({column}) FROM "{table}"))'
            )
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def postgres_database(name: str, create: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- the measurements ---------------------------------------------------------------------------


def raw_dump(dialect: str, database, sql: str, target: Path) -> float:
    began = time.perf_counter()
    if dialect == "sqlite":
        with open(target, "wb") as out:
            done = subprocess.run(
                ["sqlite3", "-csv", "-header", str(database), sql],
                stdout=out,
                stderr=subprocess.PIPE,
            )
    else:
        copy = f"\\copy ({sql}) TO '{target}' CSV HEADER"
        done = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", database, "-c", copy],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    seconds = time.perf_counter() - began
    if done.returncode:
        raise SystemExit(f"the raw dump failed: {done.stderr.decode(errors='replace')}")
    return seconds


def rows_of(path: Path, which: str) -> list[list[str]]:
    """The first or last CHECK_ROWS data rows of a CSV file, parsed (the BOM dropped)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        if which == "first":
            return [row for _, row in zip(range(CHECK_ROWS), reader)]
        tail: list = []
        for row in reader:
            tail.append(row)
            if len(tail) > 2 * CHECK_ROWS:
                del tail[:CHECK_ROWS]
        return tail[-CHECK_ROWS:]


def run(
    dialect: str, env, database, cadres: int, per_cadre: int, folder: Path, exports: list[str]
) -> dict:
    expected = cadres * per_cadre
    began = time.perf_counter()
    if dialect == "sqlite":
        fill_sqlite(database, cadres, per_cadre)
    else:
        fill_postgresql(database, cadres, per_cadre)
    print(
        f"  {dialect}: {expected:,} completion rows inserted in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    sql = in_app(env, "_sql", dialect).strip()
    dump = folder / "raw.csv"
    raw_dump(
        dialect, database, sql, dump
    )  # warm-up: the table in the page cache, as for the exports
    dumped_rows = sum(1 for _ in open(dump, "rb")) - 1
    if dumped_rows != expected:
        raise SystemExit(f"the raw dump wrote {dumped_rows} rows, expected {expected}")
    raws = [raw_dump(dialect, database, sql, dump)]
    print(f"  raw dump {raws[0]:.2f} s", flush=True)
    results = {}
    for kind in exports:
        suffix = "xlsx" if kind == "xlsx" else "csv"
        target = folder / f"{kind}.{suffix}"
        results[kind] = json.loads(
            in_app(env, "_export", kind, str(target)).strip().splitlines()[-1]
        )
        results[kind]["bytes"] = target.stat().st_size
        print(f"  {kind:10} {results[kind]['seconds']:.2f} s", flush=True)
        if results[kind]["rows"] != expected:
            raise SystemExit(f"{kind} wrote {results[kind]['rows']} rows, expected {expected}")
    raws.append(raw_dump(dialect, database, sql, dump))
    print(f"  raw dump {raws[1]:.2f} s", flush=True)
    same = None
    if "csv" in exports and "csv-module" in exports:
        same = all(
            rows_of(folder / "csv.csv", w) == rows_of(folder / "csv-module.csv", w)
            for w in ("first", "last")
        )
    return {
        "rows": expected,
        "raw": raws,
        "raw_mb": dump.stat().st_size / 1e6,
        "same": same,
        **results,
    }


def report(dialect: str, r: dict) -> bool:
    raw = sum(r["raw"]) / len(r["raw"])
    print(
        f"\n{dialect}: {r['rows']:,} rows   (raw dump {r['raw'][0]:.2f} s before, {r['raw'][1]:.2f} s after;"
        f" {r['raw_mb']:.0f} MB)"
    )
    print(
        f"  {'':26}{'seconds':>9}{'x raw':>8}{'peak MB':>9}{'before MB':>11}{'added MB':>10}{'file MB':>9}"
    )
    tool = "raw dump (" + ("sqlite3 -csv" if dialect == "sqlite" else "psql \\copy") + ")"
    print(f"  {tool:26}{raw:9.2f}{1:8.2f}{'':>9}{'':>11}{'':>10}{r['raw_mb']:9.0f}")
    labels = {
        "csv": "CSV (write_detail)",
        "csv-module": "CSV, csv module (before)",
        "xlsx": "XLSX (write_detail)",
    }
    for kind, label in labels.items():
        if kind not in r:
            print(f"  {label:26}{'not run':>9}")
            continue
        x = r[kind]
        print(
            f"  {label:26}{x['seconds']:9.2f}{x['seconds'] / raw:8.2f}{x['peak_kb'] / 1024:9.0f}"
            f"{x['before_kb'] / 1024:11.0f}{(x['peak_kb'] - x['before_kb']) / 1024:10.0f}{x['bytes'] / 1e6:9.0f}"
        )
    added = {k: (r[k]["peak_kb"] - r[k]["before_kb"]) / 1024 for k in ("csv", "xlsx") if k in r}
    goals = []
    if "csv" in r:
        goals.append(
            (
                f"CSV at most {GOAL_CSV[dialect]}x the raw dump",
                r["csv"]["seconds"] / raw <= GOAL_CSV[dialect],
            )
        )
    if "xlsx" in r:
        goals.append(
            (f"XLSX under {GOAL_XLSX:.0f}x the raw dump", r["xlsx"]["seconds"] / raw < GOAL_XLSX)
        )
    for kind, mb in added.items():
        goals.append(
            (
                f"{kind.upper()} adds under {GOAL_MB} MB to the process (peak {r[kind]['peak_kb'] / 1024:.0f} MB"
                f" with the app's {r[kind]['before_kb'] / 1024:.0f} MB)",
                mb < GOAL_MB,
            )
        )
    if r["same"] is not None:
        goals.append(
            (f"CSV rows equal the csv module's (first and last {CHECK_ROWS}, parsed)", r["same"])
        )
    for text, met in goals:
        print(f"  {'met    ' if met else 'MISSED '} {text}")
    return all(met for _, met in goals)


def main():
    cadres = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    per_cadre = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    databases = (sys.argv[3] if len(sys.argv) > 3 else "sqlite,postgresql").split(",")
    exports = (sys.argv[4] if len(sys.argv) > 4 else "csv,csv-module,xlsx").split(",")
    if not set(exports) <= {"csv", "csv-module", "xlsx"}:
        raise SystemExit("exports: a comma-separated list of csv, csv-module, xlsx")
    if not 1 <= per_cadre <= COURSES:
        raise SystemExit(
            f"completions-per-cadre must be 1 to {COURSES} (one completion per course)"
        )
    if "sqlite" in databases and not shutil.which("sqlite3"):
        raise SystemExit("the sqlite3 command-line tool is missing: apt-get install -y sqlite3")
    if "postgresql" in databases and not shutil.which("psql"):
        raise SystemExit("psql is missing: apt-get install -y postgresql-client")
    # Ctrl-C raises KeyboardInterrupt; make a plain kill unwind the same way, so the database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"{cadres:,} cadres x {per_cadre} completions = {cadres * per_cadre:,} rows; "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} (shared with other work)",
        flush=True,
    )
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_APP")}
    base.setdefault("SECRET_KEY", "bench")
    results = {}
    for dialect in databases:
        with tempfile.TemporaryDirectory(prefix="report-export-") as tmp:
            folder = Path(tmp)
            if dialect == "sqlite":
                database = folder / "bench.sqlite3"
                env = dict(base, DATABASE_URL=f"sqlite:///{database}")
            elif dialect == "postgresql":
                name = f"courseware_bench_{os.getpid()}"
                database = f"{PG_SERVER}/{name}"
                env = dict(
                    base, DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                )
                postgres_database(name, create=True)
            else:
                raise SystemExit(f"unknown database {dialect!r}: sqlite or postgresql")
            try:
                done = subprocess.run(
                    [BIN / "flask", "--app", "courseware", "db", "upgrade"],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    raise SystemExit(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")
                results[dialect] = run(dialect, env, database, cadres, per_cadre, folder, exports)
            finally:
                if dialect == "postgresql":
                    postgres_database(name, create=False)
    ok = all([report(dialect, r) for dialect, r in results.items()])
    print("\nall goals met" if ok else "\nsome goals missed")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_export":
        child_export(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "_sql":
        child_sql(sys.argv[2])
    else:
        main()
