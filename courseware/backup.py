"""Backups that restore: a consistent copy of a live database and the instance files that matter.

Training records decide cadres' appraisals, and a classroom laptop's disk can die. A backup is one
gzipped tar archive:

- ``manifest.json`` — when, from which kind of database, at which migration, how many rows a table;
- ``database.sqlite3`` — SQLite's online backup API copies a consistent snapshot while the server
  keeps writing (readers and writers are not stopped; the copy is of one moment), or
  ``database.dump`` — PostgreSQL's ``pg_dump --format=custom``, itself one snapshot;
- ``instance/…`` — the secret key (sessions, CSRF tokens and certificate links depend on it) and
  ``config.py``; job outputs are kept in the database, so they travel in its copy.

``restore`` refuses to overwrite a database that holds rows unless told to (``force``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from courseware.db import db
from courseware.extensions import init_migrate

# Instance files worth keeping (job outputs live in the database); the database is copied apart.
INSTANCE_ITEMS = ("secret_key", "config.py")
# How many automatic backups `make run` keeps before a migration.
KEEP_AUTOMATIC = 5


class BackupError(click.ClickException):
    """A backup or restore that cannot be done, with a message that says why."""


@dataclass
class Manifest:
    created_at: str
    dialect: str
    revision: str | None
    rows: dict[str, int]

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2).encode()


def _engine() -> sa.Engine:
    return db.engine


def row_counts(engine: sa.Engine) -> dict[str, int]:
    """Count the rows of every table the models define that exists in the database."""
    names = set(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {
            table.name: conn.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name in names
        }


def current_revision(engine: sa.Engine) -> str | None:
    """Return the database's Alembic revision, or None before the first migration."""
    if "alembic_version" not in sa.inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))


def has_data(engine: sa.Engine) -> bool:
    """True when any table holds a row (the migration table aside)."""
    return any(count for name, count in row_counts(engine).items() if name != "alembic_version")


def _sqlite_path(engine: sa.Engine) -> Path:
    return Path(engine.url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the online backup API: one consistent moment."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_args(engine: sa.Engine) -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL client programs, from the engine's URL."""
    url = engine.url
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = {"PGPASSWORD": url.password} if url.password else {}
    return args + ["--dbname", url.database], env


def _run(command: list[str], env: dict) -> None:
    program = command[0]
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed: install PostgreSQL's client programs "
            "(apt-get install postgresql-client, of the server's major version) — see README, Backups."
        )
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(out: Path, instance: Path | None = None) -> Manifest:
    """Write a backup archive of the app's database and instance files to `out`."""
    engine = _engine()
    instance = Path(instance or current_app.instance_path)
    manifest = Manifest(
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        dialect=engine.dialect.name,
        revision=current_revision(engine),
        rows=row_counts(engine),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if engine.dialect.name == "sqlite":
            copy, name = Path(tmp) / "database.sqlite3", "database.sqlite3"
            _copy_sqlite(_sqlite_path(engine), copy)
        elif engine.dialect.name == "postgresql":
            copy, name = Path(tmp) / "database.dump", "database.dump"
            args, env = _pg_args(engine)
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(copy), *args], env)
        else:
            raise BackupError(f"no backup method for {engine.dialect.name}")
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", manifest.to_json())
            archive.add(copy, arcname=name)
            for item in INSTANCE_ITEMS:
                path = instance / item
                if path.exists():
                    archive.add(path, arcname=f"instance/{item}")
        # Rename last, so an interrupted backup never looks like a whole one.
        partial.replace(out)
    return manifest


def read_manifest(archive_path: Path) -> Manifest:
    """Read a backup's manifest, refusing a file that is not a backup."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            return Manifest(**json.load(member))
    except (tarfile.TarError, KeyError, OSError, ValueError, TypeError) as error:
        raise BackupError(f"{archive_path}: not a Courseware backup ({error})") from error


def restore(archive_path: Path, force: bool = False, instance: Path | None = None) -> Manifest:
    """Bring a backup back into the app's database and instance folder.

    Refuses to overwrite a database that holds rows unless `force` is set.
    """
    manifest = read_manifest(archive_path)
    engine = _engine()
    if manifest.dialect != engine.dialect.name:
        raise BackupError(
            f"{archive_path} holds a {manifest.dialect} database; this app uses {engine.dialect.name}"
        )
    if not force and has_data(engine):
        raise BackupError("the database already holds data; restore with --force to replace it")
    instance = Path(instance or current_app.instance_path)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(tmp, filter="data")
        db.session.remove()
        if engine.dialect.name == "sqlite":
            engine.dispose()
            _copy_sqlite(Path(tmp) / "database.sqlite3", _sqlite_path(engine))
        else:
            engine.dispose()
            args, env = _pg_args(engine)
            _run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", *args]
                + [str(Path(tmp) / "database.dump")],
                env,
            )
        saved = Path(tmp) / "instance"
        if saved.exists():
            for item in saved.iterdir():
                target = instance / item.name
                if item.is_dir():
                    shutil.copytree(item, target, dirs_exist_ok=True)
                else:
                    shutil.copy2(item, target)
    return manifest


def backup_before_migrating(folder: Path, keep: int = KEEP_AUTOMATIC) -> Path | None:
    """Back up a database that holds data and has migrations to apply; keep the newest `keep`."""
    engine = _engine()
    if not has_data(engine):
        return None
    from alembic.script import ScriptDirectory  # Alembic stays out of the web workers

    migrate = init_migrate(current_app)
    script = ScriptDirectory.from_config(migrate.migrate.get_config())
    if current_revision(engine) in script.get_heads():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = folder / f"before-migration-{stamp}.tar.gz"
    backup(out)
    for old in sorted(folder.glob("before-migration-*.tar.gz"))[:-keep]:
        old.unlink()
    return out


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--before-migrating",
    is_flag=True,
    help="Only if the database holds data and has migrations to apply; into instance/backups.",
)
@with_appcontext
def backup_command(out: Path | None, before_migrating: bool):
    """Copy the live database and the instance files that matter into one archive."""
    if before_migrating:
        path = backup_before_migrating(Path(current_app.instance_path) / "backups")
        if path:
            click.echo(f"Backed up before migrating: {path}")
        return
    if out is None:
        raise click.UsageError("name the archive to write, e.g. backup courseware-backup.tar.gz")
    manifest = backup(out)
    total = sum(manifest.rows.values())
    click.echo(f"Backed up {total} rows in {len(manifest.rows)} tables to {out}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(archive: Path, force: bool):
    """Bring a backup archive back into the database and the instance folder."""
    manifest = restore(archive, force=force)
    click.echo(
        f"Restored the backup of {manifest.created_at} "
        f"({sum(manifest.rows.values())} rows, migration {manifest.revision})"
    )


def init_app(app) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
