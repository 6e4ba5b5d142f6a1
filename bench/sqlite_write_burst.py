"""Concurrent writes to SQLite with and without WAL and a busy timeout.

Run: .venv/bin/python bench/sqlite_write_burst.py [writers] [writes-per-writer]
Prints, for each setting, how many writes were lost to "database is locked" and the write rate,
and the ratio between the settings, measured in the same run.
"""

import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path


def burst(path: Path, wal: bool, timeout_ms: int, writers: int, per_writer: int):
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE IF NOT EXISTS hit (id INTEGER PRIMARY KEY, at REAL)")
    setup.execute(f"PRAGMA journal_mode = {'WAL' if wal else 'DELETE'}")
    setup.commit()
    setup.close()
    lost = 0
    lock = threading.Lock()

    def write():
        nonlocal lost
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        for _ in range(per_writer):
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO hit (at) VALUES (?)", (time.time(),))
                conn.execute("COMMIT")
            except sqlite3.OperationalError:
                with lock:
                    lost += 1
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    pass
        conn.close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    total = writers * per_writer
    return lost / total, (total - lost) / elapsed


def main():
    writers = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    per_writer = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    results = {}
    for label, wal, timeout in (
        ("rollback journal, no timeout", False, 0),
        ("WAL, 5 s busy timeout", True, 5000),
    ):
        with tempfile.TemporaryDirectory() as folder:
            results[label] = burst(Path(folder) / "b.sqlite3", wal, timeout, writers, per_writer)
        lost, rate = results[label]
        print(f"{label:32} lost {lost:6.1%}   {rate:8.0f} writes/s")
    (lost_a, rate_a), (lost_b, rate_b) = results.values()
    print(f"kept writes, WAL+timeout vs none: {(1 - lost_b) / max(1 - lost_a, 1e-9):.2f}x")


if __name__ == "__main__":
    main()
