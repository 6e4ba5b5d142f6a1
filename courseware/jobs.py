"""Work that outlives its request, on a job queue: report exports, roster imports and the like.

Each job keeps its state and progress in its own database row, so that whichever server serves the
page that polls it can read them. The work runs in a worker process (`flask --app courseware jobs
worker`, Huey's consumer), fed through a durable broker: a SQLite file in the instance folder by
default, Redis when several app servers share the work (JOBS_BROKER).

A worker takes a message off the queue before it runs it, so a worker killed mid-job loses the
message: the rows make up for it. A job claims its row with a conditional UPDATE (only one claim
wins, so a message sent twice is harmless) and keeps a heartbeat on it while it runs; the reaper
sends a job whose heartbeat stopped once more, a bounded number of times, then marks it failed.
The heartbeat also stops when the work makes no progress for JOBS_STALL_SECONDS (it hangs on a
lock or a call that never returns while its worker lives on), so a hung job is reaped the same way.

This core module knows no domain: each domain registers its job kinds (`register`) in its init_app.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app, Flask, g, Response
from flask.cli import AppGroup
from sqlalchemy.orm import Mapped, mapped_column

from courseware.db import db, status_type
from courseware.timeutil import utcnow

EXTENSION = "courseware.jobs"
# What a row's error says when the reaper gave up on it; the page words it in its reader's language.
STOPPED = "stopped"
# A stored file is cut into chunks of this size: neither its writer nor its download holds it whole.
CHUNK_BYTES = 1024 * 1024

log = logging.getLogger(__name__)


class JobStatus(enum.StrEnum):
    """Where a background job stands; a job's row starts queued."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobProgress:
    """What a job's row tells the page that polls it; for models with status, done and total."""

    @property
    def under_way(self) -> bool:
        """Queued or running: the page keeps asking."""
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def succeeded(self) -> bool:
        return self.status == JobStatus.DONE

    @property
    def stopped(self) -> bool:
        """Failed because its worker stopped too many times, not because the work went wrong."""
        return self.status == JobStatus.FAILED and self.error == STOPPED

    @property
    def percent(self) -> int:
        """How much of the work is done, 0–100, for the progress bar."""
        if not self.total:
            return 0
        return min(100, max(0, 100 * self.done // self.total))


class JobFile(db.Model):
    """A job's output, kept in the database so that every app server can send it, until it expires."""

    __tablename__ = "job_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    chunks: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class FileJob(JobProgress):
    """The columns of a job that writes one file (an export, a class's certificates, a unit's
    records): its state and progress, the queue's bookkeeping (when it was last sent, how often a
    worker took it, the running worker's last sign of life), and the finished file, kept in the
    database until it expires (then None while the job is done)."""

    status: Mapped[JobStatus] = mapped_column(status_type(JobStatus), default=JobStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    queued_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    heartbeat_at: Mapped[dt.datetime | None]
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job_file.id", ondelete="SET NULL"))

    @property
    def expired(self) -> bool:
        """Done, but its file was deleted after its days."""
        return self.succeeded and self.file_id is None


class JobFileChunk(db.Model):
    """One piece of a stored file, in order."""

    __tablename__ = "job_file_chunk"

    file_id: Mapped[int] = mapped_column(
        sa.ForeignKey("job_file.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


@dataclass(frozen=True)
class JobKind:
    """A kind of job: the model of its rows and the work, work(job_id), run in an app context."""

    name: str
    model: type
    work: Callable[[int], None]


# --- registering and sending ------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Keep the app's job kinds, and add `flask jobs worker`."""
    app.extensions.setdefault(EXTENSION, {"kinds": {}, "huey": None, "reaped": 0.0})
    app.cli.add_command(jobs_cli)


def register(app: Flask, name: str, model: type, work: Callable[[int], None]) -> None:
    """Let jobs of this kind be sent to the worker; their rows need status, attempts,
    heartbeat_at, queued_at and error."""
    app.extensions[EXTENSION]["kinds"][name] = JobKind(name, model, work)


def register_periodic(app: Flask, name: str, work: Callable[[], None], minute: str = "*") -> None:
    """Have the worker run work() in an app context on a schedule (a crontab minute field)."""
    app.extensions[EXTENSION].setdefault("periodic", {})[name] = (work, minute)


def _state(app: Flask) -> dict:
    return app.extensions[EXTENSION]


def broker(app: Flask) -> str:
    """ "inline", "sqlite", "sqlite:///path" or a redis:// URL; JOBS_INLINE still means inline."""
    if app.config.get("JOBS_INLINE"):
        return "inline"
    return app.config.get("JOBS_BROKER") or "sqlite"


def huey(app: Flask):
    """The app's Huey, with its one task and its periodic tasks, made on first use (after a
    server forks its workers, and never for an app that runs its jobs inline)."""
    state = _state(app)
    if state["huey"] is None:
        state["huey"] = _make_huey(app)
    return state["huey"]


def _make_huey(app: Flask):
    from huey import crontab, RedisHuey, SqliteHuey

    url = broker(app)
    name = app.config.get("JOBS_QUEUE_NAME") or "courseware"
    # Jobs report through their rows: Huey keeps no results.
    if url.startswith(("redis://", "rediss://", "unix://")):
        queue = RedisHuey(name, url=url, results=False)
    elif url == "sqlite" or url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :] if url != "sqlite" else ""
        filename = path or str(Path(app.instance_path) / "jobs.sqlite3")
        queue = SqliteHuey(name, filename=filename, results=False)
    else:
        raise RuntimeError(f"JOBS_BROKER must be inline, sqlite or a redis:// URL, not {url!r}")

    @queue.task(name="run_job")
    def run_job(kind: str, job_id: int) -> None:
        run(app, kind, job_id)

    @queue.periodic_task(crontab(minute="*"), name="reap_stale")
    def reap() -> None:
        with app.app_context():
            reap_stale()

    @queue.periodic_task(crontab(minute="17"), name="expire_files")
    def expire() -> None:
        with app.app_context():
            expire_files()

    for task_name, (work, minute) in _state(app).get("periodic", {}).items():
        queue.periodic_task(crontab(minute=minute), name=task_name)(
            lambda work=work: _in_context(app, work)
        )

    state = _state(app)
    state["task"] = run_job
    return queue


def send(kind: str, job_id: int) -> None:
    """Have a queued job run: by a worker, or here and now when the broker is "inline".

    The row is committed before it is sent. A message that cannot be sent is logged, not raised:
    the row stays queued and the reaper sends it again."""
    app = current_app._get_current_object()
    if broker(app) == "inline":
        run(app, kind, job_id)
        return
    try:
        huey(app)
        _state(app)["task"](kind, job_id)
    except Exception:
        log.exception("could not queue %s job %s; the reaper will send it again", kind, job_id)


# --- running -----------------------------------------------------------------------------------


def _settings(app: Flask) -> tuple[dt.timedelta, int]:
    stale = dt.timedelta(seconds=float(app.config.get("JOBS_STALE_SECONDS", 60)))
    return stale, int(app.config.get("JOBS_MAX_ATTEMPTS", 3))


def _stall_seconds(app: Flask) -> float:
    return float(app.config.get("JOBS_STALL_SECONDS", 600))


def claim(model, job_id: int) -> int | None:
    """Take the job's row for this worker: queued, or running with a stopped heartbeat and
    attempts left. Only one claim wins, so a message sent twice runs the job once. Return the
    attempt's number, or None when the claim failed."""
    stale, max_attempts = _settings(current_app)
    now = utcnow()
    claimed = db.session.execute(
        sa.update(model)
        .where(
            model.id == job_id,
            sa.or_(
                model.status == JobStatus.QUEUED,
                sa.and_(
                    model.status == JobStatus.RUNNING,
                    model.heartbeat_at < now - stale,
                    model.attempts < max_attempts,
                ),
            ),
        )
        .values(status=JobStatus.RUNNING, attempts=model.attempts + 1, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    # Read in the claim's own transaction, while the row is this worker's.
    attempt = db.session.scalar(sa.select(model.attempts).where(model.id == job_id))
    db.session.commit()
    return attempt if claimed else None


def held(model, job_id: int):
    """The condition a job's last write puts on its row: still running on this attempt. A worker
    taken for stopped (and its job sent again) that comes back writes nothing, so the job's result
    is written once."""
    condition = sa.and_(model.id == job_id, model.status == JobStatus.RUNNING)
    attempt = g.get("job_attempt")
    return condition if attempt is None else sa.and_(condition, model.attempts == attempt)


def run(app: Flask, kind: str, job_id: int) -> bool:
    """Claim and run one job; False when another worker has it or it is over. When the work
    raises, the row says it failed, so that the page polling it stops waiting, and the error
    goes on to the worker's log."""
    job = _state(app)["kinds"][kind]
    with app.app_context():
        try:
            attempt = claim(job.model, job_id)
            if attempt is None:
                return False
            g.job_attempt = attempt
            with heartbeat(app, job.model, job_id, attempt):
                job.work(job_id)
            return True
        except Exception as error:
            db.session.rollback()
            fail(job.model, job_id, str(error)[:500] or type(error).__name__)
            raise  # for the worker's log
        finally:
            db.session.remove()


@contextmanager
def heartbeat(app: Flask, model, job_id: int, attempt: int):
    """Refresh the row's heartbeat from a thread of its own while the work runs and progresses.

    The work may go a while without writing progress, and its worker stays alive. But a job
    whose work has written nothing for JOBS_STALL_SECONDS has hung (a lock or a call that never
    returns): the heartbeat stops, and the reaper takes the job for stopped, sending it again or
    failing it. Progress is any write of the row by the work: set_state and progress writes set
    heartbeat_at, and `done` moves. Should the hung work come back, its next write is progress
    and the heartbeat goes on; if another attempt has the job by then, held() keeps it out."""
    stale, _ = _settings(app)
    stall = _stall_seconds(app)
    interval = max(0.2, min(stale.total_seconds(), stall) / 4)
    stop = threading.Event()
    mine = sa.and_(model.id == job_id, model.status == JobStatus.RUNNING, model.attempts == attempt)
    done = getattr(model, "done", sa.null())

    def beat():
        progress_at, seen, written = time.monotonic(), None, None
        stalled = False
        while not stop.wait(interval):
            try:
                with db.engine.connect() as conn:
                    row = conn.execute(sa.select(model.heartbeat_at, done).where(mine)).first()
                    if row is None:
                        return  # over, or another attempt has it
                    if row[0] != written or row[1] != seen:
                        progress_at, seen = time.monotonic(), row[1]
                    if time.monotonic() - progress_at > stall:
                        if not stalled:
                            log.warning(
                                "%s job %s made no progress for %.0f s: its heartbeat stops",
                                model.__tablename__,
                                job_id,
                                stall,
                            )
                        stalled = True
                        continue
                    stalled = False
                    now = utcnow()
                    conn.execute(sa.update(model).where(mine).values(heartbeat_at=now))
                    conn.commit()
                    written = now
            except sa.exc.OperationalError:
                pass  # SQLite busy with the job's own write: the next beat will do

    thread = threading.Thread(target=_in_context, args=(app, beat), daemon=True)
    thread.name = f"heartbeat-{model.__tablename__}-{job_id}"
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def _in_context(app: Flask, function) -> None:
    with app.app_context():
        function()


def set_state(model, row_id: int, **values) -> None:
    """Write a job's state in a commit of its own, for the page that polls it; it is a heartbeat too."""
    if hasattr(model, "heartbeat_at"):
        values.setdefault("heartbeat_at", utcnow())
    db.session.execute(sa.update(model).where(model.id == row_id).values(**values))
    db.session.commit()


def fail(model, row_id: int, error: str) -> None:
    """Mark a running job failed with its error (a row that keeps when it finished gets that
    too), unless another attempt has it now."""
    values = {"status": JobStatus.FAILED, "error": error}
    if hasattr(model, "finished_at"):
        values["finished_at"] = utcnow()
    db.session.execute(sa.update(model).where(held(model, row_id)).values(**values))
    db.session.commit()


# --- the reaper ----------------------------------------------------------------------------------


def reap_stale() -> list[tuple[str, int]]:
    """Send again the jobs whose worker stopped or whose work hung (heartbeat older than
    JOBS_STALE_SECONDS) while they have attempts left, and fail the others; send again queued
    jobs no worker took (the web worker may have died between its commit and the message).
    Return the jobs sent again."""
    app = current_app._get_current_object()
    stale, max_attempts = _settings(app)
    resent = []
    for kind in list(_state(app)["kinds"].values()):
        model, before = kind.model, utcnow() - stale
        given_up = {"status": JobStatus.FAILED, "error": STOPPED}
        if hasattr(model, "finished_at"):
            given_up["finished_at"] = utcnow()
        db.session.execute(
            sa.update(model)
            .where(
                model.status == JobStatus.RUNNING,
                model.heartbeat_at < before,
                model.attempts >= max_attempts,
            )
            .values(**given_up)
            .execution_options(synchronize_session=False)
        )
        running = sa.and_(
            model.status == JobStatus.RUNNING,
            model.heartbeat_at < before,
            model.attempts < max_attempts,
        )
        waiting = sa.and_(
            model.status == JobStatus.QUEUED,
            sa.or_(model.queued_at.is_(None), model.queued_at < before),
        )
        for condition in (running, waiting):
            for job_id in db.session.scalars(sa.select(model.id).where(condition)).all():
                # Conditional again: of two servers reaping at once, one sends it.
                requeued = db.session.execute(
                    sa.update(model)
                    .where(model.id == job_id, condition)
                    .values(status=JobStatus.QUEUED, queued_at=utcnow())
                    .execution_options(synchronize_session=False)
                ).rowcount
                if requeued:
                    resent.append((kind.name, job_id))
        db.session.commit()
    for name, job_id in resent:
        log.warning("sending %s job %s again: its worker stopped", name, job_id)
        send(name, job_id)
    return resent


def reap_now_and_then() -> None:
    """Reap from a page that polls a job, at most every few seconds per process: cheap, and a
    stopped job moves on even before the worker's own reaper comes round."""
    state = _state(current_app)
    stale, _ = _settings(current_app)
    if broker(current_app) == "inline":
        return  # no worker to stop: jobs run in their request
    if time.monotonic() - state["reaped"] >= min(5.0, stale.total_seconds() / 2):
        state["reaped"] = time.monotonic()
        reap_stale()


# --- files every server can serve ----------------------------------------------------------------


def store_file(path: Path, name: str) -> JobFile:
    """Copy a finished file into the database, chunk by chunk, in the caller's transaction."""
    days = float(current_app.config.get("JOB_FILES_DAYS", 7))
    stored = JobFile(name=name, expires_at=utcnow() + dt.timedelta(days=days))
    db.session.add(stored)
    db.session.flush()
    size = seq = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            # A plain INSERT: the session keeps no object holding the chunk.
            db.session.execute(
                sa.insert(JobFileChunk).values(file_id=stored.id, seq=seq, data=chunk)
            )
            size, seq = size + len(chunk), seq + 1
    stored.size, stored.chunks = size, seq
    return stored


def finish_with_file(model, job_id: int, path: Path, name: str, **values) -> bool:
    """Keep a job's finished file and mark the job done with it, in one transaction, if this attempt
    still holds the job (see held); otherwise keep nothing, since another attempt's file is the one
    kept. Returns whether the job was finished here."""
    stored = store_file(path, name)
    finished = db.session.execute(
        sa.update(model)
        .where(held(model, job_id))
        .values(status=JobStatus.DONE, file_id=stored.id, finished_at=utcnow(), **values)
    ).rowcount
    if not finished:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def kept_file(job: FileJob) -> JobFile | None:
    """The file a job finished with, or None once it has expired (or the job kept none)."""
    return db.session.get(JobFile, job.file_id) if job.file_id else None


def file_response(stored: JobFile, mimetype: str, filename: str) -> Response:
    """Send a kept file from the database, chunk by chunk, whichever server wrote it."""
    response = Response(file_chunks(stored.id), mimetype=mimetype)
    response.headers["Content-Length"] = str(stored.size)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def file_chunks(file_id: int) -> Iterator[bytes]:
    """A stored file's bytes, one chunk read at a time, for a streamed response (no app context
    needed once started)."""
    engine = db.engine
    count = db.session.scalar(sa.select(JobFile.chunks).where(JobFile.id == file_id)) or 0

    def chunks():
        with engine.connect() as conn:
            for seq in range(count):
                yield conn.execute(
                    sa.select(JobFileChunk.data).where(
                        JobFileChunk.file_id == file_id, JobFileChunk.seq == seq
                    )
                ).scalar_one()

    return chunks()


def expire_files() -> int:
    """Delete the stored files past their days (JOB_FILES_DAYS); return how many."""
    expired = db.select(JobFile.id).where(JobFile.expires_at < utcnow())
    ids = db.session.scalars(expired).all()
    if ids:
        db.session.execute(sa.delete(JobFileChunk).where(JobFileChunk.file_id.in_(ids)))
        db.session.execute(sa.delete(JobFile).where(JobFile.id.in_(ids)))
    db.session.commit()
    return len(ids)


# --- the worker ---------------------------------------------------------------------------------

jobs_cli = AppGroup("jobs", help="Run the job queue's worker.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads that run jobs.")
def worker_command(workers: int) -> None:
    """Run jobs from the queue until stopped (Ctrl-C or SIGTERM)."""
    app = current_app._get_current_object()
    if broker(app) == "inline":
        raise click.ClickException("JOBS_BROKER is inline: jobs run in the request, no worker.")
    logging.basicConfig(level=logging.INFO, format="[jobs] %(asctime)s %(levelname)s %(message)s")
    queue = huey(app)
    # Jobs left by a worker that stopped are sent again at once, not at the next minute.
    try:
        reap_stale()
    except sa.exc.SQLAlchemyError:
        log.exception("could not look for stopped jobs; the periodic reaper will")
        db.session.rollback()
    click.echo(f"Job worker: {workers} threads on {broker(app)}")
    consumer = queue.create_consumer(
        workers=workers, worker_type="thread", periodic=True, max_delay=1.0
    )
    consumer.run()
