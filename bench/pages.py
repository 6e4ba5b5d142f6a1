"""Every page a learner, an instructor and an administrator reach from the demo's links, measured
against a separate bare Flask "hello" app served the same way in the same run.

Needs wrk (Debian package `wrk`), the load generator, which runs as its own process.

Run: .venv/bin/python bench/pages.py [seconds-per-page] [connections] [max-pages-per-role]

Starts two gunicorn servers, each with 2 sync workers, the project's gunicorn.conf.py and a fresh
SQLite database with the demo class: bench/hello_app.py and Courseware. Signs in as the demo's
learner, instructor and administrator, follows the links of each one's pages (GET only, same site,
one page per URL shape: /lessons/12 and /lessons/13 count once), then loads each page with wrk.
Prints each page's requests per second and its ratio to the hello app, measured just before it,
against the goals: learner pages ≥ 0.15×, staff pages ≥ 0.10×, the lesson page ≥ 0.25×.
Then prints each gunicorn worker's resident memory (goal ≤ 60 MB a worker).
"""

import http.client
import os
import re
import shutil
import signal
import socket
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


def crawl(port: int, cookie: str, limit: int) -> list[str]:
    """Follow same-site links from the home page, breadth first; one page per URL shape."""
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
        pages.append(path)
        parser = Links()
        parser.feed(body.decode("utf-8", "replace"))
        for href in parser.links:
            href = urldefrag(href).url
            if href.startswith("/") and not href.startswith("//") and not SKIP.search(href):
                queue.append(href)
    return pages


def worker_memory_mb(server: subprocess.Popen) -> list[float]:
    """Resident memory of each of the gunicorn master's worker processes, in MB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        sizes.append(kb / 1024)
    return sizes


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the load with wrk: apt-get install wrk (or `make bench`).")
    with tempfile.TemporaryDirectory() as folder:
        env = bench_env(folder)
        # The content first, so the demo's instructors become editors of its courses.
        for args in (["db", "upgrade"], ["content", "sync"], ["demo"]):
            subprocess.run(
                [BIN / "flask", "--app", "courseware", *args],
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
            failures = 0
            for role, username in ROLES.items():
                cookie = sign_in(port, username)
                for path in crawl(port, cookie, limit):
                    headers = {"Cookie": cookie}
                    base = measure(hello_port, "GET", "/", {}, None, seconds, connections)[0]
                    rate, _p50, _p99, errors = measure(
                        port, "GET", path, headers, None, seconds, connections
                    )
                    goal = (
                        LESSON_GOAL if re.search(r"^/courses/[^/]+/[^/]+$", path) else GOALS[role]
                    )
                    ratio = rate / base
                    met = ratio >= goal and not errors
                    failures += not met
                    print(
                        f"{role:11} {path[:58]:58} {rate:8.0f} {base:8.0f} {ratio:6.3f}  ≥ {goal:.2f} "
                        f"{'met' if met else 'NOT MET'}{f' ({errors} errors)' if errors else ''}"
                    )
            loaded = worker_memory_mb(app)
            print(
                "worker memory (MB): after start "
                + ", ".join(f"{m:.0f}" for m in started)
                + "; after the pages "
                + ", ".join(f"{m:.0f}" for m in loaded)
                + f" (goal ≤ {WORKER_MB_GOAL})"
            )
            print(f"{failures} pages below their goal")
        finally:
            for server in (hello, app):
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=10)


if __name__ == "__main__":
    main()
