"""CPU per request, measured, and what it means for a province: the figures of docs/capacity.md.

Needs wrk (Debian package `wrk`), the load generator, which runs as its own process.

Run: .venv/bin/python bench/capacity.py [seconds-per-kind] [databases]
     defaults:                         5                  sqlite,postgresql

For each database it makes a throwaway database (a temporary SQLite file; on PostgreSQL a database
courseware_capacity_<pid> on 127.0.0.1:5432, user postgres, dropped afterwards), migrates it, loads
the course files and the demo class, and serves it with gunicorn (2 sync workers, the project's
gunicorn.conf.py). It signs in the demo's learner and instructor through the real form, starts one
attempt of the final quiz, and then loads each kind of request below with wrk for `seconds`
(8 connections) while reading, from /proc, the CPU that gunicorn's processes and (on PostgreSQL)
the database server's processes use. For each kind it prints requests per second, the p99 latency,
and the CPU milliseconds one request costs the app and the database: CPU used ÷ requests served.
Those do not depend on how busy the machine is the way requests per second do, which is why the
capacity plan is built on them.

Then it applies them to the load of a province (PROVINCE below: 100,000 cadres, 5,000 reading at the
busiest hour, 1,000 starting one quiz within ten seconds) and prints the CPU cores each part needs and
the app servers that makes, so every line of docs/capacity.md can be traced to this output.

Every answer save carries a sequence number one higher than the last (a wrk Lua counter, one wrk
thread, one connection), as one attempt page sends them; a save the server refuses counts as an
error and is shown.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quiz_storm import (  # noqa: E402
    AttemptPage,
    Client,
    cpu_seconds,
    database_cpu_seconds,
    flask_commands,
    postgres_database,
    QUIZ_PAGE,
)
from quiz_storm import sign_in as storm_sign_in  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
COURSE = "/courses/microblogging-and-leadership"
LESSON = f"{COURSE}/speak-early-well-truthfully"
CONNECTIONS = 8
PASSWORD = "courseware-demo"  # the demo class's

# The busiest hour of a province, as the capacity plan assumes it (docs/capacity.md says why).
PROVINCE = {
    "cadres": 100_000,
    "reading at once": 5_000,  # learners with a lesson open at the busiest hour
    "beat every (s)": 15,  # LESSON_BEAT_SECONDS: an open, visible lesson page reports its time
    "page every (s)": 120,  # a reader opens a new page (lesson, course, my learning) this often
    "quiz takers": 1_000,  # starting one quiz together
    "starts within (s)": 10,  # … within these seconds: start + attempt page each
    "save every (s)": 30,  # then each saves an answer this often until they hand in
    "headroom": 0.6,  # plan cores to be busy at most this share of the time
    "cores per server": 8,
}


def server_env(database_url: str, folder: Path) -> dict:
    return dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY="capacity",
        COURSEWARE_LESSONS_DIR=str(ROOT / "lessons"),
        PYTHONPATH=str(ROOT),
    )


def prepare(env) -> None:
    # The content first, so the demo's instructors become editors of its courses.
    flask_commands(env, ["db", "upgrade"], ["content", "sync"], ["demo"])


def start_server(env, port: int):
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            "2",
            "--threads",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "courseware:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError as error:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start") from error
            time.sleep(0.1)
    raise SystemExit("gunicorn did not open its port")


def sign_in(port: int, username: str, page: str) -> Client:
    return storm_sign_in(port, username, page, PASSWORD)


def cookie_of(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def lua(method: str, path: str, headers: dict, body: str | None, counter: int | None) -> str:
    """A wrk script: every request the same, or (counter: the first sequence number) a save whose
    sequence goes up by one."""
    lines = ["local headers = {}"]
    for name, value in headers.items():
        lines.append(f"headers[{json.dumps(name)}] = {json.dumps(value)}")
    if counter:
        lines += [
            f"local n = {counter - 1}",
            "request = function()",
            "  n = n + 1",
            f"  return wrk.format({json.dumps(method)}, {json.dumps(path)}, headers,",
            f"    {json.dumps(body)} .. '&sequence=' .. n)",
            "end",
        ]
    else:
        lines += [
            "request = function()",
            f"  return wrk.format({json.dumps(method)}, {json.dumps(path)}, headers,"
            f" {json.dumps(body) if body is not None else 'nil'})",
            "end",
        ]
    return "\n".join(lines) + "\n"


# The next sequence number a save may carry: each run of saves goes on from the last one's.
_sequence = [1]


def load(port, case, seconds, server_pid, postgres: bool) -> dict:
    """Run wrk on one kind of request; return its rate, p99, errors and CPU per request."""
    method, path, headers, body, counted = case
    counter = _sequence[0] if counted else None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua(method, path, headers, body, counter))
    app_before, db_before = cpu_seconds(server_pid), database_cpu_seconds() if postgres else 0.0
    out = subprocess.run(
        [
            "wrk",
            "-t1" if counted else "-t2",
            # Saves of one attempt go one after another, as one attempt page sends them.
            "-c1" if counted else f"-c{CONNECTIONS}",
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
    app_cpu = cpu_seconds(server_pid) - app_before
    db_cpu = (database_cpu_seconds() - db_before) if postgres else 0.0
    os.unlink(script.name)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    if counted:
        _sequence[0] += requests + 10  # past every number sent, answered or not
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)$", out, re.M)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99": p99.group(1) if p99 else "?",
        "errors": int(errors.group(1)) if errors else 0,
        "app_ms": 1000 * app_cpu / max(requests, 1),
        "db_ms": 1000 * db_cpu / max(requests, 1),
    }


def cases(port: int) -> dict:
    """Every kind of request measured: (method, path, headers, body, counted sequence)."""
    learner = sign_in(port, "learner01", QUIZ_PAGE)
    teacher = sign_in(port, "teacher1", "/classes")
    status, response, _, _ = learner.request(
        "POST", f"{QUIZ_PAGE}/start", [("csrf_token", learner.token)]
    )
    attempt = re.search(r"/quizzes/attempts/(\d+)$", response.getheader("Location") or "")
    if status != 302 or attempt is None:
        raise SystemExit(f"starting the quiz answered {status}")
    attempt_path = f"/quizzes/attempts/{attempt.group(1)}"
    _, _, page, _ = learner.request("GET", attempt_path)
    parsed = AttemptPage(page)
    first = min(p for p, fields in parsed.answer.items() if fields)
    form = [("csrf_token", learner.token)]
    for position in sorted(parsed.blank):
        form += parsed.answer[position] if position == first else parsed.blank[position]
    _, _, lesson, _ = learner.request("GET", LESSON)
    beat_page = {
        "lesson": int(re.search(r'data-lesson="(\d+)"', lesson).group(1)),
        "revision": int(re.search(r'data-revision="(\d+)"', lesson).group(1)),
        "seconds": 0,
        "position": 0,
    }
    headers = {"Cookie": cookie_of(learner), "X-CSRFToken": learner.token}
    visit = _open_visit(port, headers, beat_page)
    # As the page sends it while the reader is active (idle: seconds since the last scroll or key).
    beat = json.dumps(
        {
            "visit": visit,
            "lesson": beat_page["lesson"],
            "revision": beat_page["revision"],
            "seconds": 1,
            "reached_end": False,
            "position": 0.5,
            "idle": 3,
            "checks_seen": 0,
        }
    )
    classes = re.search(r'href="/teach/classes/(\d+)/progress"', _page(teacher, "/classes"))
    learner_get = {"Cookie": cookie_of(learner)}
    teacher_get = {"Cookie": cookie_of(teacher)}
    found = {
        "lesson page": ("GET", LESSON, learner_get, None, False),
        "reading heartbeat": (
            "POST",
            "/progress/beat",
            headers | {"Content-Type": "application/json"},
            beat,
            False,
        ),
        "course page": ("GET", COURSE, learner_get, None, False),
        "my learning": ("GET", "/my-learning", learner_get, None, False),
        "catalogue": ("GET", "/courses/", learner_get, None, False),
        "quiz intro": ("GET", QUIZ_PAGE, learner_get, None, False),
        "attempt page": ("GET", attempt_path, learner_get, None, False),
        "answer save": (
            "POST",
            f"{attempt_path}/save",
            learner_get
            | {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
            urlencode(form),
            True,
        ),
        "instructor: classes": ("GET", "/classes", teacher_get, None, False),
        "instructor: reports": ("GET", "/reports/", teacher_get, None, False),
    }
    if classes:
        found["instructor: class grid"] = (
            "GET",
            f"/teach/classes/{classes.group(1)}/progress",
            teacher_get,
            None,
            False,
        )
    return found


def _page(client: Client, path: str) -> str:
    status, _, text, _ = client.request("GET", path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    return text


def _open_visit(port: int, headers: dict, body: dict) -> int:
    """The lesson page's first heartbeat opens the visit later beats credit."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST", "/progress/beat", json.dumps(body), headers | {"Content-Type": "application/json"}
    )
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"the first heartbeat answered {response.status}: {text[:200]}")
    return json.loads(text)["visit"]


def worker_memory_mb(server_pid: int) -> list[float]:
    sizes = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{server_pid}$", status, re.M):
            sizes.append(int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1)) / 1024)
    return sorted(sizes)


def run(label: str, database_url: str, seconds: float) -> dict:
    postgres = database_url.startswith("postgresql")
    with tempfile.TemporaryDirectory() as folder:
        env = server_env(database_url, Path(folder))
        prepare(env)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = start_server(env, port)
        try:
            kinds = cases(port)
            print(
                f"\n{label}: gunicorn 2 sync workers; wrk {seconds:g} s a kind, {CONNECTIONS} connections"
            )
            print(
                f"  {'request':26} {'req/s':>7} {'p99':>9} {'errors':>6} {'app CPU':>10} {'db CPU':>9}"
            )
            results = {}
            for name, case in kinds.items():
                load(port, case, 1, server.pid, postgres)  # warm up
                r = results[name] = load(port, case, seconds, server.pid, postgres)
                db = f"{r['db_ms']:6.2f} ms" if postgres else "      —"
                print(
                    f"  {name:26} {r['rate']:7.0f} {r['p99']:>9} {r['errors']:6d} "
                    f"{r['app_ms']:7.2f} ms {db}"
                )
            memory = worker_memory_mb(server.pid)
            print("  worker memory after the run (MB): " + ", ".join(f"{m:.0f}" for m in memory))
            results["_memory"] = memory
            return results
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()


def province(label: str, r: dict) -> None:
    """The cores a province's busiest hour needs, from this database's CPU per request."""
    p = PROVINCE

    def cost(name):
        return (r[name]["app_ms"] + r[name]["db_ms"]) / 1000, r[name]["db_ms"] / 1000

    reading_beats = p["reading at once"] / p["beat every (s)"]
    reading_pages = p["reading at once"] / p["page every (s)"]
    page_mix = ["lesson page", "course page", "my learning", "catalogue"]
    page_cpu = sum(cost(n)[0] for n in page_mix) / len(page_mix)
    page_db = sum(cost(n)[1] for n in page_mix) / len(page_mix)
    starts = p["quiz takers"] / p["starts within (s)"]
    saves = p["quiz takers"] / p["save every (s)"]
    parts = {
        "reading heartbeats": (reading_beats, *cost("reading heartbeat")),
        "pages (mix of four)": (reading_pages, page_cpu, page_db),
        "quiz starts + attempt pages": (
            starts,
            cost("quiz intro")[0] + cost("attempt page")[0],
            cost("quiz intro")[1] + cost("attempt page")[1],
        ),
        "answer saves": (saves, *cost("answer save")),
    }
    print(
        f"\n{label}: the busiest hour of a province ({p['reading at once']:,} reading, "
        f"{p['quiz takers']:,} starting one quiz within {p['starts within (s)']} s)"
    )
    total = total_db = 0.0
    for name, (rate, cpu, db) in parts.items():
        total += rate * cpu
        total_db += rate * db
        print(
            f"  {name:30} {rate:7.0f} req/s × {cpu * 1000:6.2f} ms = {rate * cpu:5.2f} cores"
            f" (of which the database {rate * db:4.2f})"
        )
    need = total / p["headroom"]
    servers = -(-need // p["cores per server"])
    print(
        f"  total {total:.2f} cores busy; at {p['headroom']:.0%} busy at most: {need:.1f} cores"
        f" = {servers:.0f} app server(s) of {p['cores per server']} cores"
        + (f"; the database's share {total_db:.2f} cores" if total_db else "")
    )


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    databases = (sys.argv[2] if len(sys.argv) > 2 else "sqlite,postgresql").split(",")
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the load with wrk: apt-get install wrk (or `make bench`).")
    print(f"machine: {os.cpu_count()} cores, load average before: {os.getloadavg()[0]:.1f}")
    measured = {}
    if "sqlite" in databases:
        with tempfile.TemporaryDirectory() as folder:
            measured["SQLite"] = run("SQLite", f"sqlite:///{folder}/capacity.sqlite3", seconds)
    if "postgresql" in databases:
        name = f"courseware_capacity_{os.getpid()}"
        postgres_database(name, create=True)
        try:
            measured["PostgreSQL"] = run("PostgreSQL", f"{PG_SERVER}/{name}", seconds)
        finally:
            postgres_database(name, create=False)
    for label, results in measured.items():
        province(label, results)


if __name__ == "__main__":
    main()
