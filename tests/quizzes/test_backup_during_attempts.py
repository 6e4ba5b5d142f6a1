"""A backup taken while learners save answers holds every answer acknowledged before it began."""

import threading
import time

import pytest
import sqlalchemy as sa

from courseware import backup
from courseware.accounts.models import Role, User
from courseware.db import db
from courseware.quizzes.models import Answer
from tests.conftest import Auth, csrf_token, make_app
from tests.quizzes.conftest import RIGHT
from tests.quizzes.test_attempts import JSON, start

LEARNERS = 6


def essay_step(app, attempt_id) -> int:
    """The step number stored in the attempt's essay answer ("step N")."""
    with app.app_context():
        rows = db.session.scalars(sa.select(Answer.response).where(Answer.attempt_id == attempt_id))
        texts = [r for r in rows if isinstance(r, str) and r.startswith("step ")]
        return int(texts[0].split()[1]) if texts else 0


def test_a_backup_during_a_quiz_storm_holds_every_acknowledged_answer(
    app, make_user, quiz_course, tmp_path, backend
):
    if backend == "postgresql" and not backup.shutil.which("pg_dump"):
        pytest.fail("pg_dump is missing: install postgresql-client")
    learners = []
    for i in range(LEARNERS):
        make_user(Role.LEARNER, username=f"storm-{i}")
        auth = Auth(app.test_client())
        assert auth.login(f"storm-{i}").status_code == 302
        attempt_id = start(auth)
        learners.append(
            (auth.client, attempt_id, csrf_token(auth.client, f"/quizzes/attempts/{attempt_id}"))
        )

    acknowledged = {}  # attempt id -> [(time acknowledged, step)]
    stop = threading.Event()

    def storm(client, attempt_id, token):
        step = 0
        while not stop.is_set() and step < 400:
            step += 1
            data = {"csrf_token": token, "sequence": str(step), **RIGHT, "a8": f"step {step}"}
            reply = client.post(f"/quizzes/attempts/{attempt_id}/save", data=data, headers=JSON)
            if reply.status_code == 200:
                acknowledged.setdefault(attempt_id, []).append((time.monotonic(), step))

    threads = [threading.Thread(target=storm, args=learner) for learner in learners]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    began = time.monotonic()
    archive = tmp_path / "backup.tar.gz"
    with app.app_context():
        manifest = backup.backup(archive, instance=tmp_path / "instance")
    stop.set()
    for thread in threads:
        thread.join()
    assert manifest.rows["quiz_answer"] > 0

    # Restore into an empty database of the same kind.
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if backend == "postgresql":
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        restored = make_app(url)
    else:
        restored = make_app(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    with restored.app_context():
        backup.restore(archive, instance=tmp_path / "restored-instance")
    for _client, attempt_id, _token in learners:
        before = [step for at, step in acknowledged.get(attempt_id, []) if at < began]
        assert before, "every learner saved before the backup began"
        assert essay_step(restored, attempt_id) >= max(before)
    with restored.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == LEARNERS
