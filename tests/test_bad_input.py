"""Bad input answers 4xx with a message, never 500: page numbers, ids, JSON bombs, a locked database."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from courseware.accounts.models import Role
from courseware.db import db
from tests.api.conftest import make_token  # noqa: F401  (a fixture)
from tests.conftest import Auth, csrf_token, make_app
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "query, message",
    [
        ("page=99999999999999999999", "1,000,000"),
        ("page=-1", "1,000,000"),
        ("page=0", "1,000,000"),
        ("page=abc", "1,000,000"),
        ("page=2000000", "1,000,000"),
        ("unit=99999999999999999999999", "too large"),
    ],
)
def test_page_numbers_and_ids_out_of_range_are_refused_with_a_message(
    app, make_user, query, message
):
    make_user(Role.ADMIN, username="boss")
    boss = Auth(app.test_client())
    boss.login("boss")
    response = boss.client.get(f"/admin/users?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_page_number_in_range_is_served(app, make_user):
    make_user(Role.ADMIN, username="boss")
    boss = Auth(app.test_client())
    boss.login("boss")
    assert boss.client.get("/admin/users?page=3").status_code == 200


def test_an_id_too_large_for_the_database_is_not_found(app, make_user):
    make_user(Role.ADMIN, username="boss")
    boss = Auth(app.test_client())
    boss.login("boss")
    assert boss.client.get("/admin/users/99999999999999999999999").status_code == 404


def test_a_json_nesting_bomb_is_bad_input(app, client, make_token):
    token = make_token()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/api/v1/users",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


def test_a_method_not_allowed_says_which_are(client):
    response = client.open("/login", method="TRACE")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"] and "TRACE" not in response.headers["Allow"]


def test_a_locked_sqlite_database_answers_503_with_retry_after(tmp_path):
    """Only SQLite locks the whole database, so this runs on SQLite alone."""
    path = tmp_path / "locked.sqlite3"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
    client = app.test_client()
    token = csrf_token(client)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        response = client.post(
            "/login",
            data={"username": "zhang", "password": "x", "csrf_token": token},
            headers={"Accept": "application/json", "Accept-Language": "en"},
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        with app.app_context():
            db.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "busy" in response.get_data(as_text=True)


def test_gunicorn_names_no_server_software(tmp_path):
    port = free_port()
    env = {
        "COURSEWARE_SECRET_KEY": "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "courseware:create_app()",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"GET /login HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    head = conn.recv(4096).decode("latin-1")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer")
    finally:
        server.terminate()
        server.wait(timeout=10)
    server_line = next(line for line in head.split("\r\n") if line.lower().startswith("server:"))
    assert "gunicorn" not in server_line.lower()
