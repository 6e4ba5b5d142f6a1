"""Lesson page and reading heartbeat against a bare route, served by gunicorn on SQLite.

Needs wrk (Debian package `wrk`), the load generator, which runs as its own process.

Run: .venv/bin/python bench/lesson_page.py [seconds-per-measurement] [connections] [rounds] [threads]

Starts gunicorn (2 workers) on a fresh SQLite database with the demo class and the course files,
then measures with wrk, in one run:
  (a) a bare route returning a fixed string from the same app,
  (b) a signed-in learner opening a lesson page (everything that view reads and writes),
  (c) the reading heartbeat, a signed-in write.
Prints requests per second, p50 and p99 latency for each, and the ratios b/a and c/a.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
LESSON = "/courses/microblogging-and-leadership/speak-early-well-truthfully"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(folder) -> dict:
    """The environment of a benchmark's server: a fresh SQLite database in `folder`, this checkout."""
    return dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        SECRET_KEY="bench",
        COURSEWARE_LESSONS_DIR=str(ROOT / "lessons"),
        PYTHONPATH=str(ROOT),
    )


def prepare(env):
    for args in (["db", "upgrade"], ["demo"], ["content", "sync"]):
        subprocess.run(
            [BIN / "flask", "--app", "courseware", *args], env=env, check=True, capture_output=True
        )


def sign_in(port, username):
    """Sign in through the real form; return the session cookie and a CSRF token."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urlencode({"username": username, "password": "courseware-demo", "csrf_token": token})
    conn.request(
        "POST",
        "/login",
        body,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    cookie = response.getheader("Set-Cookie").split(";")[0]
    conn.request("GET", LESSON, headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read().decode()
    # The page put a CSRF token into the session, so the cookie changed.
    cookie = (response.getheader("Set-Cookie") or cookie).split(";")[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    lesson = int(re.search(r'data-lesson="(\d+)"', page).group(1))
    revision = int(re.search(r'data-revision="(\d+)"', page).group(1))
    # The page's first heartbeat opens the visit that later beats credit.
    body = json.dumps({"lesson": lesson, "revision": revision, "seconds": 0, "position": 0})
    conn.request(
        "POST",
        "/progress/beat",
        body,
        {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"},
    )
    visit = json.loads(conn.getresponse().read())["visit"]
    return cookie, token, visit


def wrk_script(method, headers, body) -> str:
    """A wrk Lua script setting the method, headers and body of every request."""
    lines = [f'wrk.method = "{method}"']
    for name, value in headers.items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    return "\n".join(lines) + "\n"


def _seconds(text: str) -> float:
    """wrk's latency such as 812.00us, 9.41ms, 1.02s or 1.50m, in seconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise SystemExit(f"cannot read wrk's latency {text!r}")
    number, unit = match.groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def measure(port, method, path, headers, body, seconds, connections):
    """Load one URL with wrk (a separate process); return (req/s, p50, p99, non-2xx/3xx count)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(method, headers, body))
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    if "Latency Distribution" not in out:
        raise SystemExit(f"wrk gave no latency figures:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # The percentile lines of wrk's "Latency Distribution" block, e.g. "     99%   12.41ms".
    p50 = _seconds(re.search(r"^\s+50%\s+(\S+)$", out, re.M).group(1))
    p99 = _seconds(re.search(r"^\s+99%\s+(\S+)$", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p50, p99, int(errors.group(1)) if errors else 0


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the load with wrk: apt-get install wrk (or `make bench`).")
    with tempfile.TemporaryDirectory() as folder:
        env = bench_env(folder)
        prepare(env)
        port = free_port()
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--workers",
                "2",
                # Above 1, gunicorn's threaded worker; else the project's (gunicorn.conf.py).
                *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
                "--bind",
                f"127.0.0.1:{port}",
                "bench.bare_app:app",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            cookie, token, visit = sign_in(port, "learner01")
            beat = json.dumps(
                {"visit": visit, "seconds": 1, "reached_end": False, "position": 0.5, "idle": 0}
            )
            cases = {
                "(a) bare route": ("GET", "/bench/bare", {}, None),
                "(b) lesson page": ("GET", LESSON, {"Cookie": cookie}, None),
                "(c) heartbeat": (
                    "POST",
                    "/progress/beat",
                    {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"},
                    beat,
                ),
            }
            kind = (
                "workers (courseware.serving)"
                if threads == 1
                else f"threaded workers × {threads} threads"
            )
            print(
                f"wrk, {rounds} rounds of {seconds:g} s each, {connections} connections; gunicorn 2 {kind}; SQLite"
            )
            for method, path, headers, body in cases.values():
                measure(port, method, path, headers, body, 1, connections)  # warm up
            # Interleave the cases and take medians, so a passing disturbance hits all of them.
            runs = {name: [] for name in cases}
            for _ in range(rounds):
                for name, (method, path, headers, body) in cases.items():
                    runs[name].append(
                        measure(port, method, path, headers, body, seconds, connections)
                    )
            for name, results in runs.items():
                rate, p50, p99 = (statistics.median(r[i] for r in results) for i in range(3))
                errors = sum(r[3] for r in results)
                print(
                    f"{name:18} {rate:8.0f} req/s   p50 {p50 * 1000:6.1f} ms   p99 {p99 * 1000:6.1f} ms   errors {errors}"
                )
            ratios_b = [
                b[0] / a[0]
                for a, b in zip(runs["(a) bare route"], runs["(b) lesson page"], strict=True)
            ]
            ratios_c = [
                c[0] / a[0]
                for a, c in zip(runs["(a) bare route"], runs["(c) heartbeat"], strict=True)
            ]
            print(
                f"ratio b/a {statistics.median(ratios_b):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios_b)}; goal ≥ 0.30)"
            )
            print(
                f"ratio c/a {statistics.median(ratios_c):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios_c)}; "
                "goal ≥ 0.10 with p99 < 0.5 s)"
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
