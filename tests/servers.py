"""Real servers for the tests that need one: a free port, and gunicorn started from the project's
folder, so with its gunicorn.conf.py, as `make run` starts it."""

import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict, workers: int, stderr=subprocess.DEVNULL
) -> tuple[subprocess.Popen, int]:
    """gunicorn serving the app on a free port, once that port takes connections: the process and
    the port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
        + ["courseware:create_app()"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn ended before it served") from None
            time.sleep(0.05)
    return process, port
