"""Migrations build the whole schema from empty, on SQLite and on PostgreSQL."""

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from courseware.db import db
from tests.conftest import database_url, make_app


def test_migrations_from_empty_match_the_models(backend, tmp_path):
    app = make_app(database_url(backend, tmp_path))
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == []
    assert {"user", "unit", "cohort", "audit_event", "user_session", "login_failure"} <= tables


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    app = make_app(database_url("sqlite", tmp_path))
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        db.engine.dispose()


def test_migrations_go_down_and_up_again(backend, tmp_path):
    app = make_app(database_url(backend, tmp_path))
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        db.engine.dispose()
