"""A server's connections: one that dropped while it waited in the pool is replaced before a
request uses it; one used a moment ago is not tried first (a round trip on every request); a
request that only read keeps the statements its connection prepared, and one that changed rows
without committing changes nothing."""

import pytest
import sqlalchemy as sa

from courseware import db as database
from courseware.access import public
from courseware.accounts.models import User
from courseware.db import db
from tests.conftest import Auth, postgresql_url


@pytest.fixture
def server_app(app, backend):
    if backend != "postgresql":
        pytest.skip("about a database server's connections; SQLite is a file")
    return app


def signed_in(app, make_user):
    make_user(username="zhang")
    helper = Auth(app.test_client())
    assert helper.login("zhang").status_code == 302
    return helper.client


def end_the_apps_connections(app) -> int:
    """End, on the server, every connection waiting in the app's pool, as a restart would (and
    none of another engine's); return how many."""
    with app.app_context():
        engine = db.engine
        waiting = [engine.connect() for _ in range(engine.pool.checkedin())]
        pids = {c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in waiting}
        for connection in waiting:
            connection.close()  # back into the pool
    other = sa.create_engine(postgresql_url(), poolclass=sa.pool.NullPool)
    with other.connect() as connection:
        for pid in pids:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()
    return len(pids)


def test_a_connection_dropped_while_it_waited_is_replaced(server_app, make_user, monkeypatch):
    client = signed_in(server_app, make_user)
    assert client.get("/my-learning").status_code == 200
    assert end_the_apps_connections(server_app) >= 1
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
    assert client.get("/my-learning").status_code == 200
    assert client.get("/my-learning").status_code == 200


def test_a_connection_used_a_moment_ago_is_not_tried_first(server_app, make_user, monkeypatch):
    client = signed_in(server_app, make_user)
    with server_app.app_context():
        dialect = db.engine.dialect
    tried = []
    real_ping = dialect.do_ping
    monkeypatch.setattr(
        dialect, "do_ping", lambda connection: tried.append(1) or real_ping(connection)
    )
    for _ in range(3):
        assert client.get("/my-learning").status_code == 200
    assert tried == []
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", -1.0)  # every connection has waited too long
    assert client.get("/my-learning").status_code == 200
    assert tried


def prepared_on_the_pooled_connection(app) -> int:
    """How many statements PostgreSQL holds prepared for the one connection in the app's pool."""
    with app.app_context():
        engine = db.engine
        assert engine.pool.checkedin() == 1  # the requests ran one after another, on one connection
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT count(*) FROM pg_prepared_statements"
            ).scalar()


def test_a_connection_keeps_its_prepared_statements_across_reading_requests(server_app, make_user):
    client = signed_in(server_app, make_user)
    # The driver prepares a statement once a connection has run it five times.
    for _ in range(7):
        assert client.get("/my-learning").status_code == 200
    assert prepared_on_the_pooled_connection(server_app) > 0


def test_a_request_that_changed_rows_without_committing_leaves_them_unchanged(
    server_app, make_user
):
    user_id = make_user(username="zhang", name="张三")

    @server_app.route("/_test/rename-unsaved/<how>")
    @public
    def rename_unsaved(how):
        if how == "object":  # changed in the session only
            db.session.get(User, user_id).name = "王五"
            return "renamed"
        # Sent to the database, never committed.
        db.session.execute(sa.update(User).where(User.id == user_id).values(name="李四"))
        if how == "failed":
            raise RuntimeError("the request failed after its change")
        return "renamed"

    client = server_app.test_client()
    server_app.testing = False  # a failing view answers 500 instead of raising into the test
    for how, status in (("statement", 200), ("object", 200), ("failed", 500)):
        assert client.get(f"/_test/rename-unsaved/{how}").status_code == status
        with server_app.app_context():
            assert db.session.get(User, user_id).name == "张三"


def test_a_request_whose_flush_failed_and_was_caught_still_answers(server_app, make_user):
    make_user(username="zhang")

    @server_app.route("/_test/duplicate-caught")
    @public
    def duplicate_caught():
        db.session.add(User(username="zhang", name="another", role="learner", password_hash="x"))
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            return "refused"  # the view forgot to roll back
        return "added"

    response = server_app.test_client().get("/_test/duplicate-caught")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "refused")
