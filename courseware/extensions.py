"""Extension objects bound to the app in create_app()."""

from pathlib import Path

import click
from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

MIGRATIONS = Path(__file__).parent / "migrations"


def init_migrate(app: Flask):
    """Set up Flask-Migrate for `app` and return its state (app.extensions["migrate"]).

    Flask-Migrate imports Alembic and Mako, some 25 MB that every web worker would hold for the
    `flask db` commands and backups alone; so create_app leaves placeholders that call this when a
    command or a migration first asks for it."""
    state = app.extensions.get("migrate")
    if state is not None and not isinstance(state, _PendingMigrate):
        return state
    from flask_migrate import Migrate

    from courseware.db import db

    Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    return app.extensions["migrate"]


class _PendingMigrate:
    """app.extensions["migrate"] until Flask-Migrate is set up: the first attribute read sets it
    up (flask_migrate.upgrade() in a test, the migrations' env.py) and answers from it."""

    def __init__(self, app: Flask):
        self._app = app

    def __getattr__(self, name):
        return getattr(init_migrate(self._app), name)


class _MigrateCommands(click.Group):
    """`flask db …`: Flask-Migrate's commands, imported when the group is first used."""

    def __init__(self, app: Flask):
        super().__init__("db", help="Perform database migrations.")
        self._app = app

    def _commands(self) -> click.Group:
        init_migrate(self._app)
        from flask_migrate.cli import db as commands

        return commands

    def parse_args(self, ctx, args):
        # The group's own options (--directory, -x) and its callback are Flask-Migrate's too.
        commands = self._commands()
        self.params, self.callback = commands.params, commands.callback
        return super().parse_args(ctx, args)

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands().get_command(ctx, name)


def defer_migrate(app: Flask) -> None:
    """Register the placeholders init_migrate replaces on first use."""
    app.extensions["migrate"] = _PendingMigrate(app)
    app.cli.add_command(_MigrateCommands(app))
