"""The worker `make run` serves with (courseware/serving.py), in a real gunicorn with one worker:
it closes without waiting for the client, frees itself from a stalled client, and still delivers a
whole response when the app left the request body unread."""

import os
import socket
import threading
import time

import pytest

from courseware import serving
from tests.servers import ROOT, start_gunicorn


def read_response(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes."""
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn started as `make run` starts it (the project's gunicorn.conf.py), with one worker:
    its port and its log."""
    folder = tmp_path_factory.mktemp("serving")
    env = dict(
        os.environ,
        SECRET_KEY="serving",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
    )
    server, port = start_gunicorn(env, workers=1, stderr=(folder / "server.log").open("w"))
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"GET /login HTTP/1.1\r\nHost: t\r\n\r\n")
                    if read_response(conn).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer: " + (folder / "server.log").read_text())
        yield port, folder / "server.log"
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def port(server):
    return server[0]


def test_the_project_serves_with_its_worker():
    """gunicorn.conf.py names the worker, so `make run` and the benchmarks use it."""
    config = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)
    assert config["worker_class"] == "courseware.serving.Worker"


def test_the_worker_serves_the_next_client_while_the_last_keeps_its_end_open(port):
    """gunicorn's own close waits up to 2 s for the client to close first; a sync worker would
    serve no one meanwhile."""
    first = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        first.sendall(b"GET /login HTTP/1.1\r\nHost: t\r\n\r\n")
        assert read_response(first).startswith(b"HTTP/1.1 200")  # the server closed its end
        # `first` stays open: the next client is served at once all the same.
        began = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as second:
            second.sendall(b"GET /login HTTP/1.1\r\nHost: t\r\n\r\n")
            assert read_response(second).startswith(b"HTTP/1.1 200")
        assert time.monotonic() - began < 1.0
    finally:
        first.close()


def test_a_connection_that_sends_nothing_yet_holds_no_worker(port):
    """Browsers open connections ahead of need; the kernel keeps them from the worker until a
    request arrives on them."""
    idle = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        time.sleep(0.2)
        began = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as busy:
            busy.sendall(b"GET /login HTTP/1.1\r\nHost: t\r\n\r\n")
            assert read_response(busy).startswith(b"HTTP/1.1 200")
        assert time.monotonic() - began < 2.0
        idle.sendall(b"GET /login HTTP/1.1\r\nHost: t\r\n\r\n")  # used at last: served
        assert read_response(idle).startswith(b"HTTP/1.1 200")
    finally:
        idle.close()


def test_a_stalled_client_frees_the_worker_after_the_read_timeout(server):
    port, log = server
    stalled = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        stalled.sendall(b"GET /login HTTP/1.1\r\nHost: t\r\n")  # and the rest never comes
        time.sleep(0.2)  # the one worker has taken it
        began = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as waiting:
            waiting.sendall(b"GET /login HTTP/1.1\r\nHost: t\r\n\r\n")
            assert read_response(waiting).startswith(b"HTTP/1.1 200")
        waited = time.monotonic() - began
        assert serving.READ_TIMEOUT - 1 < waited < serving.READ_TIMEOUT + 5
        assert read_response(stalled) == b""  # the stalled client was let go, unanswered
        logged = log.read_text()
        assert "A client's connection stalled for 10 s; closed it." in logged
        assert "Traceback" not in logged
    finally:
        stalled.close()


@pytest.mark.parametrize("size", [1, 20_000, 60_000])
def test_a_body_the_app_did_not_read_does_not_cut_the_response_short(port, size):
    """A POST to a page that does not exist is answered without reading its body. The unread body
    is read before the close, so the close does not reset the connection under the response."""
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            head = f"POST /no-such-page HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\n\r\n"
            body = b"x" * size
            conn.sendall(head.encode() + body)
            response = read_response(conn)
        status, _, rest = response.partition(b"\r\n")
        assert status == b"HTTP/1.1 404 NOT FOUND"
        headers, _, page = rest.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in headers.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        assert len(page) == length


def test_close_promptly_does_not_wait_for_the_peer():
    ours, peer = socket.socketpair()
    try:
        began = time.monotonic()
        serving.close_promptly(ours)
        assert time.monotonic() - began < 0.5
        assert peer.recv(10) == b""  # the peer sees the end
    finally:
        peer.close()


def test_close_promptly_lingers_while_unread_bytes_keep_coming():
    """Bytes nobody read are read until the peer closes, as gunicorn's close does."""
    ours, peer = socket.socketpair()
    try:
        peer.sendall(b"unannounced")

        def send_more_then_close():
            time.sleep(0.3)
            peer.sendall(b"more")
            peer.shutdown(socket.SHUT_WR)

        sender = threading.Thread(target=send_more_then_close)
        sender.start()
        began = time.monotonic()
        serving.close_promptly(ours, timeout=5)
        sender.join()
        assert 0.25 < time.monotonic() - began < 4
    finally:
        peer.close()


def test_finish_body_reads_to_the_end_within_its_limits():
    class Body:
        def __init__(self, size, delay=0.0):
            self.left, self.delay = size, delay

        def read(self, n):
            time.sleep(self.delay)
            chunk = min(n, self.left)
            self.left -= chunk
            return b"x" * chunk

    body = Body(30_000)
    assert serving.finish_body(body, time.monotonic() + 5) is True
    assert body.left == 0
    assert serving.finish_body(Body(500_000), time.monotonic() + 5, limit=65_536) is False
    assert serving.finish_body(Body(30_000, delay=0.2), time.monotonic() + 0.3) is False
