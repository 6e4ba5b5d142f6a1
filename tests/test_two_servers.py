"""Two app servers over one PostgreSQL and one Redis, as a province runs them: what is done on one
is seen on the other. A session ended on one is refused by the other; a live exercise controlled
on one is followed on the other; an export and a roster import started on one finish even though
the web worker that took the request is killed with SIGKILL (and, for the import, the job worker
half-way through it), and their results are served by the other."""

import http.client
import io
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from courseware import jobs
from courseware.accounts.models import Cohort, Role, RosterUpload, User
from courseware.db import db
from tests.conftest import PASSWORD
from tests.exercises.conftest import add_exercise, DRILL
from tests.servers import free_port
from tests.test_job_queue import (
    KILL_ROWS,
    redis_is_up,
    REDIS_URL,
    roster_bytes,
    wait_for,
    Workers,
)

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """One person's browser: cookies kept across both servers, as behind a load balancer."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port, method, path, body=None, headers=None):
        """One request; return the status, the headers and the body."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for _attempt in range(50):  # a server whose worker was just killed starts another
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request(method, path, body, headers)
                response = conn.getresponse()
                break
            except (ConnectionError, http.client.RemoteDisconnected):
                time.sleep(0.2)
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";")[0].partition("=")
            if value and "1970" not in header:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        conn.close()
        return response.status, response.headers, data

    def get(self, port, path, **headers):
        return self.request(port, "GET", path, headers=headers)

    def token(self, port) -> str:
        """A CSRF token from the home page (or the sign-in page it sends a stranger to)."""
        status, headers, page = self.get(port, "/")
        if status == 302:
            status, headers, page = self.get(port, path_of(headers))
        return CSRF.search(page.decode()).group(1)

    def post(self, port, path, form=None, files=None):
        form = {"csrf_token": self.token(port), **(form or {})}
        if files is None:
            body = urlencode(form)
            content_type = "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in form.items()
            ]
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        return self.request(port, "POST", path, body, {"Content-Type": content_type})

    def sign_in(self, port, username):
        token = self.token(port)
        form = {"username": username, "password": PASSWORD, "csrf_token": token}
        status, _, _ = self.request(
            port,
            "POST",
            "/login",
            urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302


def path_of(headers) -> str:
    return (
        "/" + headers["Location"].split("/", 3)[3]
        if "://" in headers["Location"]
        else (headers["Location"])
    )


def kill_workers(master: subprocess.Popen) -> None:
    """SIGKILL every worker of a gunicorn server (its master starts new ones)."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    assert children
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)


@pytest.fixture
def servers(app, backend, tmp_path, lessons_dir):
    """Two gunicorn servers (one worker each) and a job worker over the test's PostgreSQL and Redis."""
    if backend != "postgresql":
        pytest.skip("two servers share one PostgreSQL")
    if not redis_is_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    app.config.update(
        JOBS_BROKER=REDIS_URL,
        JOBS_QUEUE_NAME=f"test-{uuid.uuid4().hex[:12]}",
        JOBS_STALE_SECONDS=2,
        JOBS_MAX_ATTEMPTS=3,
    )
    folder = tmp_path / "workers"
    folder.mkdir()
    workers = Workers(app, folder)
    env = workers.env(
        LESSONS_DIR=app.config["LESSONS_DIR"],
        QUIZZES_DIR=app.config["QUIZZES_DIR"],
        EXERCISES_DIR=app.config["EXERCISES_DIR"],
    )
    masters = []
    for _ in range(2):
        port = free_port()
        masters.append(
            (
                port,
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind"]
                    + [f"127.0.0.1:{port}", "courseware:create_app()"],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=(folder / f"server-{port}.log").open("w"),
                ),
            )
        )
    workers.start()
    for port, _ in masters:
        wait_for(lambda port=port: Browser().get(port, "/login")[0] == 200, what="the server")
    yield masters, workers
    for _, master in masters:
        master.terminate()
        master.wait(timeout=10)
    workers.stop_all()
    jobs.huey(app).flush()


def test_two_servers_share_sessions_live_exercises_and_jobs(
    app, servers, make_user, make_unit, lessons_dir, sync, tmp_path
):
    ((a, server_a), (b, _)), workers = servers
    add_exercise(lessons_dir, tmp_path, sync, DRILL)
    make_unit("浙江省", "省委组织部")
    make_user(Role.ADMIN, username="boss")
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher")
    learner_id = make_user(Role.LEARNER, username="learner", unit_id=None)
    with app.app_context():
        cohort = Cohort(name="2026 春季班")
        cohort.members.append(db.session.get(User, learner_id))
        cohort.instructors.append(db.session.get(User, teacher_id))  # instructors run their own
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id
        exercise_id = db.session.scalar(sa.text("SELECT id FROM exercise"))

    # A session ended on A is refused by B on the next request.
    leaving = Browser()
    leaving.sign_in(a, "learner")
    assert leaving.get(b, "/password")[0] == 200
    old_cookies = dict(leaving.cookies)
    assert leaving.post(a, "/logout")[0] == 302
    replay = Browser()
    replay.cookies = old_cookies
    status, headers, _ = replay.get(b, "/password")
    assert status == 302 and "/login" in headers["Location"]

    # A live exercise controlled on A is followed on B.
    teacher, learner = Browser(), Browser()
    teacher.sign_in(a, "teacher")
    learner.sign_in(b, "learner")
    status, headers, _ = teacher.post(
        a,
        f"/teach/exercises/{exercise_id}/live",
        {"cohort": cohort_id, "teams": "1", "speed": "1"},
    )
    assert status == 302
    live_id = int(headers["Location"].rsplit("/", 1)[1])
    page = learner.get(b, "/exercises/live")[2].decode()
    run_id = int(re.search(r"/exercises/runs/(\d+)", page).group(1))
    control = f"/teach/exercises/live/{live_id}/control"
    assert teacher.post(a, control, {"command": "start"})[0] in (200, 302)
    assert "超市的盐被抢光了！" in learner.get(b, f"/exercises/runs/{run_id}/feed")[2].decode()
    assert teacher.post(a, control, {"command": "next"})[0] in (200, 302)
    assert "碘盐能防辐射吗？" in learner.get(b, f"/exercises/runs/{run_id}/feed")[2].decode()

    # An export and a roster import started on A, whose web worker is killed at once, finish on
    # the job worker; B shows their progress and serves their results.
    boss = Browser()
    boss.sign_in(a, "boss")
    status, headers, _ = boss.post(a, "/reports/exports?by=unit", {"format": "xlsx"})
    assert status == 302
    kill_workers(server_a)
    export = path_of(headers)
    wait_for(lambda: b"data-hx-get" not in boss.get(b, export, **{"HX-Request": "true"})[2])
    status, headers, data = boss.get(b, export + "/download")
    assert status == 200, data[:500]
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "单位"
    # The import's job worker is killed too, half-way: the next one finishes it.
    status, headers, _ = boss.post(
        a, "/admin/import", files={"file": ("roster.csv", roster_bytes(KILL_ROWS))}
    )
    assert status == 302, status
    preview = path_of(headers)
    assert boss.post(a, preview + "/commit")[0] == 302
    kill_workers(server_a)
    upload_id = int(preview.rsplit("/", 1)[1])

    def half_way():
        with app.app_context():
            return db.session.get(RosterUpload, upload_id).done > 0

    wait_for(half_way, what="the import to be half-way")
    workers.processes[0].send_signal(signal.SIGKILL)
    workers.processes[0].wait()
    with app.app_context():
        assert db.session.get(RosterUpload, upload_id).status == "running"
    workers.start()

    def imported():
        _, headers, _ = boss.get(b, preview + "/progress", **{"HX-Request": "true"})
        return headers.get("HX-Redirect")

    assert wait_for(imported, what="the import").endswith(preview + "/done")
    page = boss.get(b, preview + "/done")[2].decode()
    assert f"新建 {KILL_ROWS} 个账号" in page, workers.logs()
