"""How long a 100,000-row roster takes to upload and its preview to open, against a bare page.

Run: .venv/bin/python bench/roster_preview.py [rows]

In one process on a fresh SQLite database: an administrator uploads a roster of N rows (default
100,000: name, username, unit), which reads, checks and keeps the preview once; then opens the
preview's first and last pages, and the sign-in page for comparison. Prints each time and the
ratio of a preview page to the sign-in page.
"""

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from courseware import create_app  # noqa: E402
from courseware.accounts.models import Role, Unit, User  # noqa: E402
from courseware.db import db  # noqa: E402

PASSWORD = "a-long-enough-password"


def timed(call, times=5) -> float:
    runs = []
    for _ in range(times):
        start = time.perf_counter()
        response = call()
        runs.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(runs)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            db.session.add(Unit(name="杭州市"))
            admin = User(
                username="boss", name="管理员", role=Role.ADMIN.value, must_change_password=False
            )
            admin.set_password(PASSWORD)
            db.session.add(admin)
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": "boss", "password": PASSWORD})
        lines = ["姓名,用户名,单位"] + [f"张{i},u{i:06d},杭州市" for i in range(rows)]
        content = "\n".join(lines).encode()
        start = time.perf_counter()
        response = client.post(
            "/admin/import",
            data={"file": (io.BytesIO(content), "roster.csv")},
            content_type="multipart/form-data",
        )
        uploaded = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        preview = response.location
        first = timed(lambda: client.get(preview))
        last = timed(lambda: client.get(preview + f"?page={(rows + 99) // 100}"))
        sign_in = timed(lambda: app.test_client().get("/login"))
        print(f"{rows} rows, {len(content) / 1e6:.1f} MB; in-process test client, SQLite")
        print(f"upload (read, check, keep the preview once): {uploaded:.2f} s")
        print(
            f"preview, first page: {first * 1000:.0f} ms; last page: {last * 1000:.0f} ms (goal < 2 s)"
        )
        print(f"sign-in page: {sign_in * 1000:.1f} ms; preview / sign-in = {first / sign_in:.1f}")


if __name__ == "__main__":
    main()
