"""Backups that restore: the command line, refusing to overwrite data, automatic backups."""

import sqlalchemy as sa

from courseware import backup
from courseware.accounts.models import User
from courseware.db import db


def test_restore_refuses_a_database_with_data_unless_forced(app, runner, make_user, tmp_path):
    make_user(username="kept")
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code != 0 and "--force" in refused.output
    make_user(username="added-after")
    forced = runner.invoke(args=["restore", "--force", str(archive)])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        names = set(db.session.scalars(sa.select(User.username)))
    assert names == {"kept"}


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0 and "not a Courseware backup" in result.output


def test_backup_before_migrating_skips_an_empty_database_and_keeps_the_last_five(
    app, make_user, tmp_path
):
    folder = tmp_path / "backups"
    with app.app_context():
        assert backup.backup_before_migrating(folder) is None  # empty
    make_user(username="someone")
    with app.app_context():
        # create_all leaves no Alembic revision: migrations are pending, so it backs up.
        for n in range(7):
            (folder / f"before-migration-2020010{n}-000000.tar.gz").parent.mkdir(exist_ok=True)
            (folder / f"before-migration-2020010{n}-000000.tar.gz").write_bytes(b"old")
        made = backup.backup_before_migrating(folder)
    assert made is not None and made.exists()
    kept = sorted(folder.glob("before-migration-*.tar.gz"))
    assert len(kept) == backup.KEEP_AUTOMATIC and kept[-1] == made
