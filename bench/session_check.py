"""What the per-request session check costs the lesson page: the same page from two servers, one
checking the session against the database on every request (the platform) and one taking the user
from the worker's memory (bench/unchecked_app.py), measured in alternating rounds of one run.

Needs wrk (Debian package `wrk`), the load generator, which runs as its own process.

Run: .venv/bin/python bench/session_check.py [seconds-per-measurement] [connections] [rounds]

Both servers run gunicorn with 2 sync workers and the project's gunicorn.conf.py over one fresh
SQLite database with the demo class, and one at a time. Prints each round's requests per second,
the medians, and the checked server's throughput as a share of the unchecked one's (goal: within
10 %, issue 17's fourth point); then the workers' CPU time a request on each, which other work on a
shared machine disturbs less.
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lesson_page import bench_env, LESSON, measure, sign_in  # noqa: E402
from pages import serve, workers_cpu  # noqa: E402

BIN = Path(sys.executable).parent
GOAL = 0.90


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the load with wrk: apt-get install wrk (or `make bench`).")
    with tempfile.TemporaryDirectory() as folder:
        env = bench_env(folder)
        for command in (["db", "upgrade"], ["content", "sync"], ["demo"]):
            subprocess.run(
                [BIN / "flask", "--app", "courseware", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        checked, checked_port = serve("courseware:create_app()", env)
        unchecked, unchecked_port = serve("bench.unchecked_app:app", env)
        try:
            # One session for both: the servers share the database and the secret key.
            cookie = sign_in(checked_port, "learner01")[0]
            headers = {"Cookie": cookie}
            servers = {"checked": checked_port, "unchecked": unchecked_port}
            for port in servers.values():
                measure(port, "GET", LESSON, headers, None, 1, connections)  # warm up
            rates = {name: [] for name in servers}
            cpu = {name: [] for name in servers}  # workers' CPU seconds per request
            procs = {"checked": checked, "unchecked": unchecked}
            print(
                f"wrk, {rounds} rounds of {seconds:g} s, {connections} connections; "
                f"gunicorn 2 sync workers each; SQLite; {LESSON}"
            )
            for number in range(1, rounds + 1):
                for name, port in servers.items():
                    before = workers_cpu(procs[name])
                    rate, _p50, _p99, errors = measure(
                        port, "GET", LESSON, headers, None, seconds, connections
                    )
                    if errors:
                        raise SystemExit(f"{name}: {errors} responses were not 2xx or 3xx")
                    rates[name].append(rate)
                    cpu[name].append((workers_cpu(procs[name]) - before) / (rate * seconds))
                print(
                    f"round {number}: checked {rates['checked'][-1]:7.0f} req/s, "
                    f"unchecked {rates['unchecked'][-1]:7.0f} req/s"
                )
            share = statistics.median(
                c / u for c, u in zip(rates["checked"], rates["unchecked"], strict=True)
            )
            print(
                f"median: checked {statistics.median(rates['checked']):.0f} req/s, "
                f"unchecked {statistics.median(rates['unchecked']):.0f} req/s; "
                f"checked/unchecked {share:.2f} (goal ≥ {GOAL:.2f}: "
                f"{'met' if share >= GOAL else 'NOT MET'})"
            )
            checked_ms = statistics.median(cpu["checked"]) * 1000
            unchecked_ms = statistics.median(cpu["unchecked"]) * 1000
            print(
                f"worker CPU a request: checked {checked_ms:.2f} ms, unchecked {unchecked_ms:.2f} ms; "
                f"unchecked/checked {unchecked_ms / checked_ms:.2f}"
            )
        finally:
            for server in (checked, unchecked):
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=10)


if __name__ == "__main__":
    main()
