"""Courseware: a self-hosted training platform for cadres (干部)."""

import inspect
import os
import secrets
from pathlib import Path

from flask import Flask


class Courseware(Flask):
    """Flask, with one change: whether a view or hook is a coroutine function is worked out once
    per function, not on every call. Flask asks it of every hook and view on every request, a
    dozen times a page, and inspect's answer costs more than the rest of a hook's call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_functions = {}

    def ensure_sync(self, func):
        try:
            return self._sync_functions[func]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)
        if inspect.iscoroutinefunction(func):
            return super().ensure_sync(func)
        self._sync_functions[func] = func
        return func


def create_app(test_config=None):
    """Create and configure the application: defaults → instance/config.py → environment → tests."""
    app = Courseware(__name__, instance_relative_config=True)
    app.config.from_object("courseware.defaults")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COURSEWARE")
    app.config.pop("PASSWORD", None)  # COURSEWARE_PASSWORD is the CLI's, never a setting
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config is not None:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(app)

    _init_extensions(app)
    _register_blueprints(app)
    return app


def _instance_secret_key(instance: Path) -> str:
    """Read the secret key from instance/secret_key, generating it on first run."""
    path = instance / "secret_key"
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _database_url(app: Flask) -> str:
    """Default to SQLite in the instance folder; accept plain postgresql:// URLs for psycopg 3."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        return "sqlite:///" + os.path.join(app.instance_path, "courseware.sqlite3")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _init_extensions(app: Flask) -> None:
    from courseware import access, forms, i18n, jobs, permissions, security, templating, uploads
    from courseware.accounts import sessions
    from courseware.content import markdown
    from courseware.db import db, end_reads_with_commit, ping_when_idle
    from courseware.extensions import csrf, defer_migrate

    db.init_app(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server's connection can drop between requests; a local file cannot.
        with app.app_context():
            ping_when_idle(db.engine)
            end_reads_with_commit(app, db.engine)
    defer_migrate(app)
    # Access is checked before CSRF, so a stranger is sent to sign in, not told the token is bad.
    access.init_app(app)
    uploads.init_app(app)  # before the CSRF check, which reads the request body
    csrf.init_app(app)
    jobs.init_app(app)
    sessions.init_app(app)
    i18n.init_app(app)
    markdown.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    forms.use_fast_html_params()
    forms.use_kept_wtforms_translations()
    permissions.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from courseware import (
        accounts,
        api,
        backup,
        certificates,
        classroom,
        exercises,
        lessons,
        notifications,
        progress,
        quizzes,
        reports,
    )
    from courseware.accounts import cli, views
    from courseware.admin import views as admin_views
    from courseware.api import admin_views as api_admin_views
    from courseware.api import views as api_views
    from courseware.certificates import class_views as class_certificate_views
    from courseware.certificates import cli as certificates_cli
    from courseware.certificates import views as certificate_views
    from courseware.classroom import live_views as classroom_live_views
    from courseware.classroom import teach_views as classroom_teach_views
    from courseware.classroom import views as classroom_views
    from courseware.content import cli as content_cli
    from courseware.errors import handlers
    from courseware.exercises import author_views as scenario_author_views
    from courseware.exercises import cli as exercise_cli
    from courseware.exercises import observe_views as exercise_observe_views
    from courseware.exercises import teach_views as exercise_teach_views
    from courseware.exercises import timeline_views as exercise_timeline_views
    from courseware.exercises import views as exercise_views
    from courseware.lessons import (
        author_views,
        course_views,  # noqa: F401  (adds its routes to the author blueprint)
    )
    from courseware.main import views as main_views
    from courseware.notifications import views as notification_views
    from courseware.progress import admin_views as credit_views
    from courseware.progress import check_views, class_views
    from courseware.progress import import_views as training_import_views
    from courseware.progress import reading_views as lesson_views
    from courseware.progress import teach_views as progress_teach_views
    from courseware.progress import views as progress_views
    from courseware.quizzes import bank_views, builder_views, history_views, teach_views
    from courseware.quizzes import cli as quiz_cli
    from courseware.quizzes import views as quiz_views
    from courseware.reports import cli as report_cli
    from courseware.reports import record_cli, record_views
    from courseware.reports import views as report_views

    app.register_blueprint(main_views.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(lesson_views.bp)
    app.register_blueprint(author_views.bp)
    app.register_blueprint(progress_views.bp)
    app.register_blueprint(check_views.bp)
    app.register_blueprint(quiz_views.bp)
    app.register_blueprint(teach_views.bp)
    app.register_blueprint(builder_views.bp)
    app.register_blueprint(bank_views.bp)
    app.register_blueprint(history_views.bp)
    app.register_blueprint(exercise_views.bp)
    app.register_blueprint(exercise_teach_views.bp)
    app.register_blueprint(exercise_observe_views.bp)
    app.register_blueprint(exercise_timeline_views.bp)
    app.register_blueprint(scenario_author_views.bp)
    app.register_blueprint(progress_teach_views.bp)
    app.register_blueprint(class_views.bp)
    app.register_blueprint(credit_views.bp)
    app.register_blueprint(training_import_views.bp)
    app.register_blueprint(report_views.bp)
    app.register_blueprint(record_views.bp)
    app.register_blueprint(certificate_views.bp)
    app.register_blueprint(class_certificate_views.bp)
    app.register_blueprint(notification_views.bp)
    app.register_blueprint(api_views.bp)
    app.register_blueprint(api_admin_views.bp)
    app.register_blueprint(classroom_views.bp)
    app.register_blueprint(classroom_teach_views.bp)
    app.register_blueprint(classroom_live_views.teach_bp)
    app.register_blueprint(classroom_live_views.bp)
    handlers.init_app(app)
    # The order matters: content steps run as registered, lessons (the courses) first.
    lessons.init_app(app)
    quizzes.init_app(app)
    exercises.init_app(app)
    # The ledger credits 学时 before the certificate is issued.
    progress.init_app(app)
    certificates.init_app(app)
    notifications.init_app(app)
    classroom.init_app(app)
    api.init_app(app)
    # Each domain's kinds of background job, for the job queue's worker.
    accounts.init_app(app)
    reports.init_app(app)
    cli.init_app(app)
    content_cli.init_app(app)
    quiz_cli.init_app(app)
    exercise_cli.init_app(app)
    report_cli.init_app(app)
    app.cli.add_command(record_cli.records_cli)
    certificates_cli.init_app(app)
    backup.init_app(app)
