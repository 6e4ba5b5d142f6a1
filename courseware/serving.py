"""The gunicorn worker `make run` serves with: gunicorn's sync worker, fitted to phones on a
classroom's Wi-Fi.

Why a sync worker and not gunicorn's threaded one: a burst of a whole class (a thousand learners
starting one quiz within seconds, `bench/quiz_storm.py`) is bound by CPU, and the threaded worker
spends a third more CPU a request (its threads take turns at one interpreter lock, and each
connection passes from the accepting thread to a pool thread and back) while it accepts every
connection it can see and queues them inside one process, however busy, instead of leaving them to
whichever worker is free. A sync worker takes one connection at a time from the queue its siblings
share, and serves it to the end.

What a sync worker lacks, this one adds:

- A connection is handed to a worker only once its request has begun to arrive (TCP_DEFER_ACCEPT,
  as nginx's `deferred`): browsers open connections ahead of need (a preconnect) and may send
  nothing on them for seconds, which would hold a worker that reads one connection at a time.
- A phone that stalls in the middle of its request (it walked out of the Wi-Fi's reach) frees the
  worker after READ_TIMEOUT seconds, not after the arbiter's 30 s, which would also kill the worker.
- A page goes into the kernel's send buffer whole (SEND_BUFFER), so the worker does not wait while
  a slow phone takes it in: the kernel goes on sending after the worker has moved on.
- The connection is closed as soon as the response is out. gunicorn lingers after every response
  until the client has closed its own end (up to 2 s), so that request bytes the app left unread
  never make the close a reset that cuts the response short; a sync worker serves no one while it
  lingers, a round trip of the room's Wi-Fi for every request. Here the unread rest of the request
  body is read first (bounded, as gunicorn bounds it), and the close waits only when bytes the
  request did not announce have arrived.

What it cannot do: like any sync worker, it tells the arbiter it is alive only between requests, so
a response that takes longer than gunicorn's timeout (30 s) to reach a slow client is cut off. The
largest downloads (a province's exports) are for servers behind a buffering proxy (README,
"Deployment on PostgreSQL with gunicorn"), which takes a response at once.
"""

from __future__ import annotations

import logging
import socket
import time

from gunicorn import util
from gunicorn.workers.sync import SyncWorker

READ_TIMEOUT = 10.0  # seconds a client may let pass between two packets of its request
# Bytes; the kernel caps it at net.core.wmem_max. Without it a new connection starts with 16 kB
# (net.ipv4.tcp_wmem) and the worker waits for the phone to acknowledge the rest of a page.
SEND_BUFFER = 1 << 20
# Seconds the kernel holds back a connection on which nothing has arrived; a browser drops an
# unused preconnected connection sooner.
DEFER_ACCEPT = 30
DRAIN_BYTES = 65_536  # at most this much of an unread request body is read before the close
DRAIN_SECONDS = 2.0  # and for at most this long


def finish_body(body, deadline: float, limit: int = DRAIN_BYTES) -> bool:
    """Read and drop what the app left unread of a request body; False when it is longer than
    `limit` or does not arrive before `deadline` (a time.monotonic())."""
    drained = 0
    while drained <= limit and time.monotonic() < deadline:
        chunk = body.read(8192)
        if not chunk:
            return True
        drained += len(chunk)
    return False


def close_promptly(
    sock: socket.socket, timeout: float = DRAIN_SECONDS, max_drain: int = DRAIN_BYTES
):
    """Send the end of the response and close, without waiting for the client to close first.

    Takes the place of gunicorn's util.close_graceful (same arguments). Only when bytes have
    arrived that nobody read (a client sending more than its request announced) does it linger
    as gunicorn does, reading them until the client closes, `max_drain` bytes or `timeout` seconds,
    so that closing does not reset the connection before the client has read the response."""
    try:
        try:
            sock.shutdown(socket.SHUT_WR)
            sock.setblocking(False)
            pending = sock.recv(max_drain)
        except OSError:  # nothing arrived (BlockingIOError), or the client is gone
            return
        deadline = time.monotonic() + timeout
        drained = len(pending)
        while pending and drained < max_drain and time.monotonic() < deadline:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            try:
                pending = sock.recv(4096)
            except OSError:
                return
            drained += len(pending)
    finally:
        util.close(sock)


class StalledClientNote(logging.Filter):
    """gunicorn logs a client that stalled past READ_TIMEOUT (in its request, or taking in the
    response) as a socket error with a traceback. It is a phone that left the Wi-Fi's reach: worth
    a line in the log, not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], TimeoutError):
            record.msg = "A client's connection stalled for %g s; closed it."
            record.args = (READ_TIMEOUT,)
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def defer_accept(listener) -> None:
    """Have the kernel hand over a TCP listener's connections only once data has arrived on them
    (Linux; elsewhere, and for a Unix socket, nothing changes)."""
    option = getattr(socket, "TCP_DEFER_ACCEPT", None)
    if option is not None and listener.family in (socket.AF_INET, socket.AF_INET6):
        listener.setsockopt(socket.IPPROTO_TCP, option, DEFER_ACCEPT)


class Worker(SyncWorker):
    """gunicorn's sync worker with deferred accepts, a read timeout, a send buffer for a whole page
    and a prompt close (see the module's text)."""

    def init_process(self):
        # gunicorn's sync worker closes each connection through util.close_graceful, looked up when
        # it is called: this worker's process closes promptly instead.
        util.close_graceful = close_promptly
        for listener in self.sockets:
            defer_accept(listener)
        self.log.error_log.addFilter(StalledClientNote())
        super().init_process()

    def accept(self, listener):
        client, addr = listener.accept()
        client.settimeout(READ_TIMEOUT)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        util.close_on_exec(client)
        self.handle(listener, client, addr)

    def handle_request(self, listener, req, client, addr):
        super().handle_request(listener, req, client, addr)
        body = getattr(req, "body", None)
        if body is None or getattr(body, "failed", False):
            return
        client.settimeout(DRAIN_SECONDS)
        try:
            finish_body(body, time.monotonic() + DRAIN_SECONDS)
        except OSError:  # the client is gone, or stopped sending: the close resets nothing it reads
            pass
