"""Fixtures: an app on an empty database per test (SQLite, and PostgreSQL when TEST_DATABASE_URL is
set), a client, a CLI runner, factories for users and units, and a signed-in helper.

Every test gets a whole, empty database, but building one is dear (create_all takes a fifth to
half a second), so each test process builds the schema once: on SQLite it copies a file made at
the start, on PostgreSQL it deletes the last test's rows and restarts the ids. Under pytest-xdist
(`make test` runs the tests in parallel) each worker has a PostgreSQL database of its own beside
TEST_DATABASE_URL's (test → test_gw0, test_gw1, …), created on first use.
"""

import functools
import os
import re
import shutil
import textwrap

import jinja2
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from werkzeug.routing.rules import Rule
from werkzeug.security import generate_password_hash

from courseware import caching, create_app, defaults
from courseware.accounts.models import Cohort, Role, Unit, User
from courseware.content.steps import check_all, sync_content
from courseware.db import db

PASSWORD = "correct-horse-battery"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])

# The property tests check what is drawn, not how fast: on a machine busy with the parallel browser
# tests (and in a fresh clone, before Hypothesis has built its tables) one draw can take a second.
settings.register_profile("courseware", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("courseware")


# --- one app per test, cheaply -------------------------------------------------------------------


def _cache_url_builders() -> None:
    """Compile each URL rule's builder once per process, not once per app.

    Werkzeug compiles two small Python functions for every rule an app registers; with some 120
    rules that is most of create_app's time (a fifth of a second), paid by every test. The
    functions are made from the rule's text and defaults alone and take the rule as their first
    argument, so one compiled for a rule serves the same rule in every later app."""
    compile_builder = Rule._compile_builder
    compiled = {}

    def cached(self, append_unknown=True):
        key = (
            self.rule,
            tuple(self._trace),
            repr(sorted((self.defaults or {}).items())),
            tuple((name, type(conv)) for name, conv in sorted(self._converters.items())),
            append_unknown,
        )
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = cached


_cache_url_builders()


def postgresql_url() -> str:
    """TEST_DATABASE_URL, or under pytest-xdist a database of this worker's own beside it."""
    url = sa.make_url(os.environ["TEST_DATABASE_URL"])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        url = url.set(database=f"{url.database}_{worker}")
    return url.render_as_string(hide_password=False)


_created: set[str] = set()


def _create_database(url: str) -> None:
    """Create the worker's database through the server's `postgres` database, once."""
    if url in _created:
        return
    parsed = sa.make_url(url)
    engine = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    engine.dispose()
    _created.add(url)


def reset_postgresql(url: str) -> None:
    """Drop everything in the test database's public schema."""
    _create_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    _schema.pop(url, None)


# What the public schema holds: every table, index and sequence with its number of columns. A
# test that changed it (migrations, a restore from a dump) makes the next test build it anew.
SCHEMA_SIGNATURE = sa.text(
    "SELECT c.relname, c.relkind, c.relnatts FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1, 2"
)

# Per PostgreSQL URL: (engine kept for emptying, the schema's signature, the SQL that empties it).
_schema: dict[str, tuple] = {}


def empty_postgresql(url: str) -> None:
    """Leave the database with the whole schema and no rows, ids starting again from 1.

    DELETE in dependency order is some fifty times quicker than TRUNCATE or create_all on a
    database this small."""
    if url in _schema:
        engine, signature, empty = _schema[url]
        try:
            with engine.begin() as conn:
                if [tuple(row) for row in conn.execute(SCHEMA_SIGNATURE)] == signature:
                    conn.exec_driver_sql(empty)
                    return
        except sa.exc.DBAPIError:
            pass  # rows the deletes cannot pass: build it anew
        engine.dispose()
    reset_postgresql(url)
    engine = sa.create_engine(url)
    db.metadata.create_all(engine)
    with engine.begin() as conn:
        signature = [tuple(row) for row in conn.execute(SCHEMA_SIGNATURE)]
        sequences = conn.scalars(
            sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        ).all()
    # A cycle of foreign keys is broken by a key added after its tables (use_alter): clear those
    # columns first, then delete from the tables that refer before those they refer to.
    statements = [
        f'UPDATE "{fk.table.name}" SET '
        + ", ".join(f'"{column.name}" = NULL' for column in fk.columns)
        for table in db.metadata.sorted_tables
        for fk in table.foreign_key_constraints
        if fk.use_alter
    ]
    statements += [f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables)]
    statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
    # One statement, so one round trip.
    empty = "DO $$ BEGIN " + "; ".join(statements) + "; END $$"
    _schema[url] = (engine, signature, empty)


def database_url(backend: str, tmp_path) -> str:
    """A database with no tables at all, for tests that build the schema themselves."""
    if backend == "postgresql":
        url = postgresql_url()
        reset_postgresql(url)
        return url
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per process for every app, not once per app.

    Each app has its own Jinja environment, and compiling a template is the dearest part of the
    first request that renders it (tens of milliseconds for the base layout). Every test app
    comes from create_app with the same environment, so the code compiled for one serves all;
    a template whose source changed has another checksum and is compiled again."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


# Password hashes at a small fraction of the real cost: every sign-in checks a hash of each cost,
# and at full cost the tests' thousands of sign-ins spent a quarter of the suite's time in scrypt.
# Tests of the costs themselves are marked `full_password_cost` and get the real settings.
CHEAP_PASSWORD_HASHES = {
    "PASSWORD_HASH_CHOSEN": "scrypt:1024:8:1",
    "PASSWORD_HASH_GENERATED": "scrypt:128:8:1",
}


def make_app(url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": True,
        **CHEAP_PASSWORD_HASHES,
    }
    config.update(overrides)
    app = create_app(config)
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory):
    """A SQLite file holding the whole schema and no rows, for each test to copy."""
    path = tmp_path_factory.mktemp("schema") / "empty.sqlite3"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        with db.engine.connect() as conn:
            # Everything into the main file, which is all that is copied.
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def app(request, backend, tmp_path):
    """An application whose database is empty for this test, with the whole schema."""
    # The per-process caches hold rows of the last test's database: start without them.
    caching.clear_all()
    if backend == "postgresql":
        url = postgresql_url()
    else:
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        shutil.copyfile(request.getfixturevalue("sqlite_schema"), tmp_path / "test.sqlite3")
    # Jobs queue in a file of the test's own; none runs unless the test starts a worker or says inline.
    overrides = {"JOBS_BROKER": f"sqlite:///{tmp_path / 'jobs.db'}"}
    if request.node.get_closest_marker("full_password_cost"):
        overrides.update(
            PASSWORD_HASH_CHOSEN=defaults.PASSWORD_HASH_CHOSEN,
            PASSWORD_HASH_GENERATED=defaults.PASSWORD_HASH_GENERATED,
        )
    if backend == "postgresql":
        # A test database need not outlive a crash of its server: a commit that does not wait for
        # the disk makes the tests' many small transactions several times quicker.
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": "-c synchronous_commit=off"}
        }
    app = make_app(url, **overrides)
    if backend == "postgresql":
        empty_postgresql(url)  # after create_app, which imports every model
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_unit(app):
    """Create a unit path such as ("浙江省", "省委组织部") and return the last unit's id."""

    def make(*names):
        with app.app_context():
            parent = None
            for name in names:
                unit = db.session.scalar(
                    sa.select(Unit).where(
                        Unit.name == name,
                        Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id,
                    )
                )
                if unit is None:
                    unit = Unit(name=name, parent=parent)
                    db.session.add(unit)
                    db.session.flush()
                parent = unit
            db.session.commit()
            return parent.id

    return make


@pytest.fixture
def make_user(app):
    """Create a user with sensible defaults and return its id."""
    counter = iter(range(1, 10_000))

    def make(role=Role.LEARNER, username=None, password=PASSWORD, **fields):
        with app.app_context():
            user = User(
                username=username or f"{Role(role).value}{next(counter)}",
                name=fields.pop("name", "测试用户"),
                role=Role(role).value,
                must_change_password=fields.pop("must_change_password", False),
                **fields,
            )
            user.password_hash = password_hash(password, app.config["PASSWORD_HASH_GENERATED"])
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@functools.cache
def password_hash(password: str, method: str) -> str:
    """The hash set_password(password, generated=True) makes, made once per password and method:
    scrypt is slow on purpose, and most tests make several users with the same password."""
    return generate_password_hash(password, method=method)


@pytest.fixture
def make_class(app):
    """Create a class (班次) taught by `instructors` with `members` (user ids); return its id."""
    counter = iter(range(1, 10_000))

    def make(instructors=(), members=(), name=None, unit_id=None):
        with app.app_context():
            cohort = Cohort(name=name or f"班次{next(counter)}", unit_id=unit_id)
            cohort.instructors.extend(db.session.get(User, i) for i in instructors)
            cohort.members.extend(db.session.get(User, i) for i in members)
            db.session.add(cohort)
            db.session.commit()
            return cohort.id

    return make


CSRF_PATTERN = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client, path="/login") -> str:
    """Fetch a page and return the CSRF token it carries."""
    response = client.get(path, follow_redirects=True)
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


class Auth:
    """Sign in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD, **kwargs):
        token = csrf_token(self.client)
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            **kwargs,
        )

    def logout(self):
        token = csrf_token(self.client, "/")
        return self.client.post("/logout", data={"csrf_token": token})

    def post(self, path, data=None, **kwargs):
        """POST with a valid CSRF token taken from the home page."""
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token(self.client, "/"))
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def admin(make_user, auth):
    """Sign in as an administrator; return the user id."""
    user_id = make_user(Role.ADMIN, username="boss", name="管理员")
    response = auth.login("boss")
    assert response.status_code == 302
    return user_id


# --- lessons -------------------------------------------------------------------------------

COURSE_YAML = """\
title:
  zh: 测试课程
  en: Test course
summary:
  zh: 用于测试。
  en: For tests.
credit_hours: 2
items:
  - lesson: first
  - lesson: second
completion:
  lessons: all
"""


def lesson_text(title, body, minutes=10, objectives=("目标一",)):
    front = f"title: {title}\n"
    if minutes is not None:
        front += f"minutes: {minutes}\n"
    if objectives:
        front += "objectives:\n" + "".join(f"  - {o}\n" for o in objectives)
    return f"---\n{front}---\n\n{textwrap.dedent(body).strip()}\n"


@pytest.fixture
def lessons_dir(app, tmp_path):
    """A lessons folder with one course of two lessons (the first translated); the app reads it."""
    root = tmp_path / "lessons"
    course = root / "test-course"
    course.mkdir(parents=True)
    (course / "course.yaml").write_text(COURSE_YAML, "utf-8")
    (course / "01-first.md").write_text(
        lesson_text("第一课", "## 导语\n\n第一课正文。\n\n## 讨论\n\n见[第二课](02-second.md)。"),
        "utf-8",
    )
    (course / "01-first.en.md").write_text(
        lesson_text(
            "Lesson one",
            "## Introduction\n\nThe first lesson.",
            minutes=None,
            objectives=("Goal one",),
        ),
        "utf-8",
    )
    (course / "02-second.md").write_text(lesson_text("第二课", "第二课正文。", minutes=4), "utf-8")
    app.config["LESSONS_DIR"] = str(root)
    app.config["QUIZZES_DIR"] = str(tmp_path / "quizzes")
    app.config["EXERCISES_DIR"] = str(tmp_path / "exercises")
    return course


@pytest.fixture
def sync(app):
    """Check and sync the lessons folder; return the report."""

    def run(take_files=False):
        with app.app_context():
            found, problems = check_all()
            assert problems == []
            report = sync_content(found, take_files=take_files)
            db.session.commit()
            return report

    return run
