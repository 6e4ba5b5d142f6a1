"""A web worker loads only what pages need: the PDF, QR, image, spreadsheet, migration and
PostgreSQL-driver libraries load when a download, an upload or a command asks for them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOADED_ON_DEMAND = ["reportlab", "segno", "PIL", "openpyxl", "alembic", "flask_migrate", "huey"]


def test_the_app_loads_no_library_that_only_downloads_uploads_or_commands_need(tmp_path):
    script = (
        "import sys\n"
        "from courseware import create_app\n"
        "app = create_app()\n"
        "print(sorted({name.split('.')[0] for name in sys.modules}))\n"
    )
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite3'}",
        SECRET_KEY="test",
        PYTHONPATH=str(ROOT),
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    loaded = set(eval(out))  # a list of module names printed by the child
    assert loaded & set(LOADED_ON_DEMAND) == set()
    assert "psycopg" not in loaded  # SQLite needs no PostgreSQL driver


def test_the_migration_commands_load_when_used(app, runner):
    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["db", "--help"])
    assert result.exit_code == 0 and "upgrade" in result.output
    assert app.extensions["migrate"].directory.endswith("migrations")
