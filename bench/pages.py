"""Every page a learner, an instructor and an administrator reach from the demo's links, measured
against a separate bare Flask "hello" app served the same way in the same run.

Needs wrk (Debian package `wrk`), the load generator, which runs as its own process.

Run: .venv/bin/python bench/pages.py [seconds-per-page] [connections] [max-pages-per-role]
          [--only REGEX] [--repeat N]

--only measures just the pages whose path matches; --repeat measures each page N times (3 unless
told; each time against the hello app just before it), in N rounds over all the pages, and judges
the median ratio: on a shared machine one measurement of two seconds moves by a fifth from one run
to the next as other work comes and goes, and a burst of it can last tens of seconds; with the
measurements of a page minutes apart, the median is what the page does rather than what the
neighbours did.

Starts two gunicorn servers, each with 2 sync workers, the project's gunicorn.conf.py and a fresh
SQLite database with the demo class: bench/hello_app.py and Courseware. Signs in as the demo's
learner, instructor and administrator, follows the links of each one's pages (GET only, same site,
one page per URL shape: /lessons/12 and /lessons/13 count once), then loads each page with wrk.
Prints each page's requests per second and its ratio to the hello app, measured just before it
(and, as "cpu", the ratio of the two servers' worker CPU time per request, which other work on a
shared machine disturbs less),
against the goals: learner pages ≥ 0.15×, staff pages ≥ 0.10×, the lesson page ≥ 0.25× (a page
that opens a reading visit; a course's about and glossary pages are learner pages).
Then prints each gunicorn worker's memory (goal ≤ 60 MB a worker): resident (RSS, which counts the
pages a worker shares with the master and the other workers in full), proportional (PSS, shared
pages divided among the processes sharing them) and unique (USS, what the worker alone holds:
what one more worker costs). The workers are forked from a master that loaded the app
(gunicorn.conf.py preloads it), so PSS is the measure of the goal.
"""

import argparse
import http.client
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
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lesson_page import bench_env, free_port, measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The interpreter running this script is the project's: its folder holds flask and gunicorn.
BIN = Path(sys.executable).parent
PASSWORD = "courseware-demo"
ROLES = {"learner": "learner01", "instructor": "teacher1", "admin": "admin"}
GOALS = {"learner": 0.15, "instructor": 0.10, "admin": 0.10}
LESSON_GOAL = 0.25
WORKER_MB_GOAL = 60
# Links that change state, download files or leave the pages a person reads.
SKIP = re.compile(
    r"/logout|/static/|\.(csv|xlsx|pdf|gift|yaml|png|svg)(\?|$)|/export|/download|/api/"
)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def shape(path: str) -> str:
    """The URL's shape: numbers and query values do not make a new page."""
    parts = urlsplit(path)
    return re.sub(r"\d+", "N", parts.path)


def wait_for(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


def serve(app: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", app],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_for(port)
    return server, port


def sign_in(port: int, username: str) -> str:
    """Sign in through the real form; return the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urlencode({"username": username, "password": PASSWORD, "csrf_token": token})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/login", body, headers)
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"{username} could not sign in ({response.status})")
    return response.getheader("Set-Cookie").split(";")[0]


def crawl(port: int, cookie: str, limit: int) -> list[tuple[str, bool]]:
    """Follow same-site links from the home page, breadth first; one page per URL shape.
    Returns each page's path and whether it is a lesson page (it carries the reading heartbeat's
    data-lesson attribute)."""
    seen, pages, queue = set(), [], ["/"]
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or "text/html" not in (response.getheader("Content-Type") or ""):
            continue
        text = body.decode("utf-8", "replace")
        pages.append((path, "data-lesson=" in text))
        parser = Links()
        parser.feed(text)
        for href in parser.links:
            href = urldefrag(href).url
            if href.startswith("/") and not href.startswith("//") and not SKIP.search(href):
                queue.append(href)
    return pages


def memory_mb(pid: int) -> dict[str, float]:
    """A process's resident (RSS), proportional (PSS) and unique (USS) memory, in MB."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()

    def kb(field):
        return int(re.search(rf"^{field}:\s+(\d+) kB", rollup, re.M).group(1))

    return {
        "rss": kb("Rss") / 1024,
        "pss": kb("Pss") / 1024,
        "uss": (kb("Private_Clean") + kb("Private_Dirty")) / 1024,
    }


def worker_memory_mb(server: subprocess.Popen) -> list[dict[str, float]]:
    """The memory of each of the gunicorn master's worker processes (see memory_mb)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [memory_mb(int(pid)) for pid in children]


def describe_memory(sizes: list[dict[str, float]]) -> str:
    return ", ".join(f"RSS {m['rss']:.0f} / PSS {m['pss']:.0f} / USS {m['uss']:.0f}" for m in sizes)


def short(path: str, width: int = 58) -> str:
    """The path cut in the middle to fit its column: the end tells an editor from its history."""
    if len(path) <= width:
        return path
    half = (width - 1) // 2
    return f"{path[:half]}…{path[-(width - 1 - half) :]}"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seconds", nargs="?", type=float, default=2, help="seconds a page")
    parser.add_argument("connections", nargs="?", type=int, default=8)
    parser.add_argument("limit", nargs="?", type=int, default=25, help="pages a role at most")
    parser.add_argument("--only", type=re.compile, help="measure only paths matching this")
    parser.add_argument("--repeat", type=int, default=3, help="measure each page this often")
    return parser.parse_args()


def main():
    args = arguments()
    seconds, connections, limit = args.seconds, args.connections, args.limit
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the load with wrk: apt-get install wrk (or `make bench`).")
    with tempfile.TemporaryDirectory() as folder:
        env = bench_env(folder)
        # The content first, so the demo's instructors become editors of its courses.
        for command in (["db", "upgrade"], ["content", "sync"], ["demo"]):
            subprocess.run(
                [BIN / "flask", "--app", "courseware", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        hello, hello_port = serve("bench.hello_app:app", env)
        app, port = serve("courseware:create_app()", env)
        try:
            for _ in range(8):  # every worker has loaded the app and served a page
                conn = http.client.HTTPConnection("127.0.0.1", port)
                conn.request("GET", "/login")
                conn.getresponse().read()
            time.sleep(1)
            started = worker_memory_mb(app)
            print(
                f"wrk, {seconds:g} s a page, {connections} connections; gunicorn 2 sync workers each; SQLite"
            )
            print(f"{'role':11} {'page':58} {'req/s':>8} {'hello':>8} {'ratio':>6}  goal")
            pages = []  # (role, cookie, path, goal), every role's pages found first
            for role, username in ROLES.items():
                cookie = sign_in(port, username)
                for path, is_lesson in crawl(port, cookie, limit):
                    if not args.only or args.only.search(path):
                        pages.append(
                            (role, cookie, path, LESSON_GOAL if is_lesson else GOALS[role])
                        )
            # Each round measures every page once, so a page's measurements lie minutes apart and
            # a passing burst of other work on the machine disturbs one of them, not all.
            ratios: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.repeat):
                for role, cookie, path, goal in pages:
                    ratios.setdefault((role, path), []).append(
                        measure_page(
                            role,
                            path,
                            goal,
                            cookie,
                            (hello, hello_port),
                            (app, port),
                            seconds,
                            connections,
                        )
                    )
            failures = 0
            if args.repeat > 1:
                print(f"median of {args.repeat} rounds:")
            for role, _cookie, path, goal in pages:
                ratio = statistics.median(ratios[(role, path)])
                if args.repeat > 1:
                    print(
                        f"{role:11} {short(path):58} {'median':>17} {ratio:6.3f}  ≥ {goal:.2f} "
                        f"{'met' if ratio >= goal else 'NOT MET'}"
                    )
                failures += ratio < goal
            loaded = worker_memory_mb(app)
            master = memory_mb(app.pid)
            print(f"worker memory (MB), goal ≤ {WORKER_MB_GOAL} PSS a worker:")
            print(f"  after start:     {describe_memory(started)}")
            print(f"  after the pages: {describe_memory(loaded)}")
            print(
                f"  master: RSS {master['rss']:.0f} / PSS {master['pss']:.0f} / USS {master['uss']:.0f}"
            )
            print(f"{failures} pages below their goal")
        finally:
            for server in (hello, app):
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=10)


def workers_cpu(server: subprocess.Popen) -> float:
    """CPU seconds (user and system) the gunicorn master's workers have used so far."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure_page(role, path, goal, cookie, hello, app, seconds, connections) -> float:
    """Load one page with wrk just after the hello app; print and return the ratio (0 when a
    response was an error). Also printed: the ratio of the hello app's worker CPU time per request
    to the page's, which other work on a shared machine disturbs less than throughput."""
    headers = {"Cookie": cookie}
    (hello, hello_port), (app, port) = hello, app
    before = workers_cpu(hello)
    base = measure(hello_port, "GET", "/", {}, None, seconds, connections)[0]
    hello_cpu = (workers_cpu(hello) - before) / (base * seconds)
    before = workers_cpu(app)
    rate, _p50, _p99, errors = measure(port, "GET", path, headers, None, seconds, connections)
    page_cpu = (workers_cpu(app) - before) / (rate * seconds)
    ratio = rate / base
    met = ratio >= goal and not errors
    print(
        f"{role:11} {short(path):58} {rate:8.0f} {base:8.0f} {ratio:6.3f}  ≥ {goal:.2f} "
        f"{'met' if met else 'NOT MET'}{f' ({errors} errors)' if errors else ''}"
        f"  cpu {hello_cpu / page_cpu:5.3f}"
    )
    return 0.0 if errors else ratio


if __name__ == "__main__":
    main()
