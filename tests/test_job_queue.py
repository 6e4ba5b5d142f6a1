"""Jobs on the real queue: exports and roster imports run by the worker process on SQLite and on
Redis; a worker killed with SIGKILL in the middle of a job leaves it to the next worker, or, out of
attempts, failed with a message the page shows; stored files expire."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from courseware import jobs
from courseware.accounts.models import Role, RosterUpload, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.reports.models import ExportJob
from courseware.timeutil import utcnow
from tests.conftest import Auth

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
STALE_SECONDS = 2


def redis_is_up() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def wait_for(check, timeout=40.0, every=0.1, what="the job"):
    """Call check() until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


class Workers:
    """Job worker processes (`flask jobs worker`) over the test's database and broker."""

    def __init__(self, app, folder: Path):
        self.app, self.folder, self.processes = app, folder, []

    def env(self, **config) -> dict:
        settings = {
            "JOBS_BROKER": self.app.config["JOBS_BROKER"],
            "JOBS_QUEUE_NAME": self.app.config["JOBS_QUEUE_NAME"],
            "JOBS_STALE_SECONDS": STALE_SECONDS,
            "JOBS_MAX_ATTEMPTS": self.app.config["JOBS_MAX_ATTEMPTS"],
            **config,
        }
        return dict(
            os.environ,
            DATABASE_URL=self.app.config["SQLALCHEMY_DATABASE_URI"],
            SECRET_KEY=self.app.config["SECRET_KEY"],
            **{f"COURSEWARE_{key}": str(value) for key, value in settings.items()},
        )

    def start(self, app: str = "courseware", **config) -> subprocess.Popen:
        """Start a worker (of the app factory `app`) and wait until it takes jobs."""
        log = self.folder / f"worker-{len(self.processes)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", app, "jobs", "worker"],
            env=self.env(**config),
            cwd=ROOT,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        wait_for(lambda: "Job worker:" in log.read_text(), timeout=30, what="the worker")
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.folder.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, app, tmp_path):
    """Jobs sent to a real broker (the test's SQLite file, or Redis) for worker processes."""
    if request.param == "redis" and not redis_is_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    if request.param == "redis":
        app.config["JOBS_BROKER"] = REDIS_URL
    app.config.update(
        JOBS_QUEUE_NAME=f"test-{uuid.uuid4().hex[:12]}",
        JOBS_STALE_SECONDS=STALE_SECONDS,
        JOBS_MAX_ATTEMPTS=3,
    )
    folder = tmp_path / "workers"
    folder.mkdir()
    workers = Workers(app, folder)
    yield workers
    workers.stop_all()
    jobs.huey(app).flush()


@pytest.fixture
def completions(app, make_unit, lessons_dir, sync):
    """A course completed by many learners, written by two INSERT … SELECT."""

    def make(count):
        sync()
        unit_id = make_unit("浙江省", "省委组织部")
        with app.app_context():
            course_id = db.session.scalar(sa.select(Course.id))
            db.session.execute(
                sa.text(
                    'INSERT INTO "user" (username, name, role, position, phone, password_hash,'
                    " must_change_password, is_demo, active, created_at, unit_id)"
                    " WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq"
                    " WHERE n < :count)"
                    " SELECT 'bulk' || n, '学员' || n, 'learner', '', '', 'x', false, false, true,"
                    " :now, :unit FROM seq"
                ),
                {"count": count, "now": utcnow(), "unit": unit_id},
            )
            db.session.execute(
                sa.text(
                    "INSERT INTO course_completion (user_id, course_id, completed_at, rule, score)"
                    " SELECT id, :course, :when, '{}', 80 FROM \"user\" WHERE username LIKE 'bulk%'"
                ),
                {"course": course_id, "when": dt.datetime(2026, 3, 1, 9, 30)},
            )
            db.session.commit()

    return make


# Rows enough that an import runs for some seconds (a generated password's hash takes about 10 ms
# on a quiet machine), so a test can kill its worker half-way: 60 rows were done before the test
# saw the first progress.
KILL_ROWS = 400


def roster_bytes(count: int) -> bytes:
    lines = ["姓名,用户名,单位,职务,职级,手机"]
    lines += [f"学员{i},zj{i:04d},省委组织部,科员,," for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def start_export(client, fmt="xlsx") -> str:
    response = Auth(client).post("/reports/exports?by=unit", data={"format": fmt})
    assert response.status_code == 302, response.status_code
    return response.location


def export_row(app, location) -> ExportJob:
    with app.app_context():
        job = db.session.get(ExportJob, int(location.rstrip("/").split("/")[-1]))
        db.session.expunge(job)
        return job


def upload_roster(client, content: bytes) -> int:
    response = Auth(client).post(
        "/admin/import",
        data={"file": (io.BytesIO(content), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.status_code
    upload_id = int(response.location.rstrip("/").split("/")[-1])
    assert Auth(client).post(f"/admin/import/{upload_id}/commit").status_code == 302
    return upload_id


def upload_row(app, upload_id) -> RosterUpload:
    with app.app_context():
        row = db.session.get(RosterUpload, upload_id)
        db.session.expunge(row)
        return row


def poll_export(client, location):
    """Poll the status page as the browser does, until the job is over; return its last answer."""

    def over():
        page = client.get(location, headers={"HX-Request": "true"}).get_data(as_text=True)
        return None if "data-hx-get" in page else page

    return wait_for(over, what="the export")


def poll_import(client, upload_id):
    path = f"/admin/import/{upload_id}/progress"

    def over():
        response = client.get(path, headers={"HX-Request": "true"})
        page = response.get_data(as_text=True)
        return None if "data-hx-get" in page else (response, page)

    return wait_for(over, what="the import")


def bulk_users(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.username.like("zj%"))
        )


def test_an_export_and_a_roster_import_run_on_the_worker(app, client, admin, queue, completions):
    completions(3)
    queue.start()
    started = time.time()
    location = start_export(client, "csv")
    page = poll_export(client, location)
    assert "已完成：3 行。" in page, queue.logs()
    download = client.get(location + "/download")
    assert download.status_code == 200
    text = download.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("单位") and len(text.splitlines()) == 4
    upload_id = upload_roster(client, roster_bytes(3))
    response, _ = poll_import(client, upload_id)
    assert response.headers.get("HX-Redirect", "").endswith(f"/admin/import/{upload_id}/done")
    assert bulk_users(app) == 3
    # The file is in the database (job_file), not in a folder only this server can read: the
    # old folder gets nothing new.
    assert not any(
        path.stat().st_mtime >= started for path in (Path(app.instance_path) / "exports").glob("*")
    )


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_a_worker_killed_in_the_middle_of_an_export_leaves_it_to_the_next(
    app, client, admin, queue, completions
):
    completions(20_000)
    first = queue.start()
    location = start_export(client, "xlsx")
    wait_for(lambda: export_row(app, location).done > 0, what="the export to be half-way")
    first.send_signal(signal.SIGKILL)
    first.wait()
    stuck = export_row(app, location)
    assert stuck.status == "running" and 0 < stuck.done < 20_000
    queue.start()
    page = poll_export(client, location)
    assert "已完成：20,000 行。" in page, queue.logs()
    job = export_row(app, location)
    assert (job.status, job.attempts) == ("done", 2)
    book = load_workbook(io.BytesIO(client.get(location + "/download").data), read_only=True)
    assert sum(1 for _ in book.active.iter_rows(values_only=True)) == 20_001


@pytest.mark.parametrize("queue", ["redis"], indirect=True)
def test_a_worker_killed_in_the_middle_of_a_roster_import_leaves_it_to_the_next(
    app, client, admin, queue, make_unit
):
    make_unit("浙江省", "省委组织部")
    first = queue.start()
    upload_id = upload_roster(client, roster_bytes(KILL_ROWS))
    wait_for(lambda: upload_row(app, upload_id).done > 0, what="the import to be half-way")
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert upload_row(app, upload_id).status == "running" and bulk_users(app) == 0
    queue.start()
    response, _ = poll_import(client, upload_id)
    assert "HX-Redirect" in response.headers, queue.logs()
    row = upload_row(app, upload_id)
    assert (row.status, row.attempts, bulk_users(app)) == ("done", 2, KILL_ROWS)


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_a_job_out_of_attempts_fails_with_a_message_and_may_be_started_again(
    app, client, admin, queue, make_unit
):
    app.config["JOBS_MAX_ATTEMPTS"] = 1
    make_unit("浙江省", "省委组织部")
    first = queue.start()
    upload_id = upload_roster(client, roster_bytes(KILL_ROWS))
    wait_for(lambda: upload_row(app, upload_id).done > 0, what="the import to be half-way")
    first.send_signal(signal.SIGKILL)
    first.wait()
    _, page = poll_import(client, upload_id)
    assert "任务在完成前停止了 1 次" in page
    row = upload_row(app, upload_id)
    assert (row.status, row.error, bulk_users(app)) == ("failed", jobs.STOPPED, 0)
    # The message asks to start again: the preview offers it, and the next worker imports it.
    assert f"/admin/import/{upload_id}/commit" in client.get(f"/admin/import/{upload_id}").get_data(
        as_text=True
    )
    queue.start()
    assert Auth(client).post(f"/admin/import/{upload_id}/commit").status_code == 302
    response, _ = poll_import(client, upload_id)
    assert "HX-Redirect" in response.headers and bulk_users(app) == KILL_ROWS


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_a_job_that_hangs_while_its_worker_lives_is_sent_again(
    app, client, admin, queue, completions
):
    """The first attempt writes a row and then hangs; its heartbeat's thread lives on, but with no
    progress for JOBS_STALL_SECONDS the heartbeat stops, and the reaper sends the job again."""
    completions(3)
    queue.start("tests.hanging_export", JOBS_STALL_SECONDS=1, TEST_HANG_ATTEMPTS=1)
    location = start_export(client, "csv")
    page = poll_export(client, location)
    assert "已完成：3 行。" in page, queue.logs()
    job = export_row(app, location)
    assert (job.status, job.attempts) == ("done", 2)
    assert "made no progress for 1 s" in queue.logs()
    assert len(client.get(location + "/download").data.decode("utf-8-sig").splitlines()) == 4


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_a_job_that_hangs_on_every_attempt_fails_with_a_message(
    app, client, admin, queue, completions
):
    app.config["JOBS_MAX_ATTEMPTS"] = 2
    completions(3)
    queue.start("tests.hanging_export", JOBS_STALL_SECONDS=1, TEST_HANG_ATTEMPTS=2)
    location = start_export(client, "csv")
    page = poll_export(client, location)
    assert "任务在完成前停止了 2 次" in page, queue.logs()
    job = export_row(app, location)
    assert (job.status, job.error, job.file_id) == ("failed", jobs.STOPPED, None)


def test_a_job_that_progresses_keeps_its_heartbeat_however_long_it_runs(
    app, client, admin, completions
):
    """Rows written more often than JOBS_STALL_SECONDS keep the heartbeat beating, however long
    the work takes in all; the heartbeat's own writes are not progress, so it stops with it."""
    # A beat every 0.5 s, and 2 s before a job is stale: a gap of four beats, which a busy machine
    # running the other tests in parallel does not reach.
    app.config.update(JOBS_STALE_SECONDS=2.0, JOBS_STALL_SECONDS=3.0)
    completions(2)
    job_id = export_row(app, start_export(client, "csv")).id
    with app.app_context():
        assert jobs.claim(ExportJob, job_id) == 1
        with jobs.heartbeat(app, ExportJob, job_id, 1):
            for done in range(1, 15):  # 3.5 s in all, longer than the stall
                time.sleep(0.25)
                # Only `done` moves: the heartbeat_at the reaper reads is the thread's.
                db.session.execute(
                    sa.update(ExportJob).where(ExportJob.id == job_id).values(done=done)
                )
                db.session.commit()
                assert jobs.reap_stale() == []
            # No progress: after the stall the heartbeat stops, and the job goes stale.
            time.sleep(3.0 + 2.0 + 1.5)
            assert jobs.reap_stale() == [("export", job_id)]


def test_a_message_sent_twice_runs_the_job_once(app, client, admin, completions):
    """The claim is a conditional UPDATE: a second message for the same job does nothing."""
    from courseware.reports import jobs as export_jobs

    completions(2)
    location = start_export(client, "csv")
    job_id = export_row(app, location).id
    # No worker has it yet: the page says it waits for one.
    assert "正在等待任务进程开始导出" in client.get(location).get_data(as_text=True)
    assert export_jobs.run_job(app, job_id) is True
    assert export_jobs.run_job(app, job_id) is False
    assert export_row(app, location).attempts == 1


def test_a_worker_taken_for_stopped_writes_nothing_when_it_comes_back(
    app, client, admin, completions
):
    """A worker whose heartbeat stopped (a paused machine, say) and whose job was taken by the next
    attempt finds its claim gone at its last write: the job's result is written once."""
    from flask import g

    from courseware.reports.jobs import write_export

    completions(2)
    job_id = export_row(app, start_export(client, "csv")).id
    with app.app_context():
        assert jobs.claim(ExportJob, job_id) == 1
        db.session.execute(
            sa.update(ExportJob).values(heartbeat_at=utcnow() - dt.timedelta(minutes=5))
        )
        db.session.commit()
        assert jobs.claim(ExportJob, job_id) == 2
        assert jobs.claim(ExportJob, job_id) is None  # the new attempt's heartbeat is fresh
        g.job_attempt = 1
        write_export(job_id)
        job = db.session.get(ExportJob, job_id)
        assert (job.status, job.attempts, job.file_id) == ("running", 2, None)
        g.job_attempt = 2
        write_export(job_id)
        db.session.refresh(job)
        assert job.status == "done" and job.file_id is not None


def test_a_queued_job_never_sent_is_sent_again_by_the_reaper(app, client, admin, completions):
    """The web worker may die between its commit and its message: the row is enough."""
    completions(2)
    with app.app_context():
        boss = db.session.scalar(sa.select(User.id).where(User.role == Role.ADMIN.value))
        job = ExportJob(user_id=boss, params={"by": "unit"}, format="csv")
        job.queued_at = utcnow() - dt.timedelta(minutes=5)
        db.session.add(job)
        db.session.commit()
        assert jobs.reap_stale() == [("export", job.id)]
        assert jobs.huey(app).pending_count() == 1
        assert jobs.reap_stale() == []  # sent just now: not again


def test_files_expire_after_their_days_and_the_download_says_so(app, client, admin, completions):
    app.config["JOBS_INLINE"] = True
    completions(2)
    location = start_export(client, "csv")
    assert client.get(location + "/download").status_code == 200
    with app.app_context():
        db.session.execute(
            sa.update(jobs.JobFile).values(expires_at=utcnow() - dt.timedelta(seconds=1))
        )
        db.session.commit()
        assert jobs.expire_files() == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(jobs.JobFileChunk)) == 0
    gone = client.get(location + "/download")
    assert gone.status_code == 410
    assert "导出的文件已在 7 天后删除" in gone.get_data(as_text=True)


def test_a_stored_file_reads_back_whole_from_its_chunks(app, tmp_path):
    data = os.urandom(2 * jobs.CHUNK_BYTES + 12345)
    (tmp_path / "out.bin").write_bytes(data)
    with app.app_context():
        stored = jobs.store_file(tmp_path / "out.bin", "out.bin")
        db.session.commit()
        assert (stored.size, stored.chunks) == (len(data), 3)
        assert b"".join(jobs.file_chunks(stored.id)) == data
