"""A class's attempt pages, their question blocks kept and rendered anew, in one run.

Run: .venv/bin/python bench/attempt_page.py [learners]     default 1000

Makes a throwaway SQLite database with the course files, inserts the learners and a signed-in
session for each, and in this process (Flask's test client, no HTTP server: the page's own work,
not the server's) has each learner start the final quiz of microblogging-and-leadership and open
its attempt page, as the burst of a quiz storm does. Every attempt draws its own questions in its
own order. The learners alternate: the even ones are served with the question blocks kept
(courseware/quizzes/display.py: question_block, the cache "question_blocks" as the app runs it),
the odd ones with a cache that keeps nothing, so every block is rendered anew. Prints the attempt
page's milliseconds in each mode, their ratio, and how many blocks the kept mode found kept.
"""

import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quiz_storm import COURSE, flask_commands, QUIZ  # noqa: E402


def main() -> None:
    learners = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        env = dict(
            os.environ,
            SECRET_KEY="bench",
            COURSEWARE_LESSONS_DIR=str(ROOT / "lessons"),
            DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        )
        flask_commands(env, ["db", "upgrade"], ["content", "sync"])
        os.environ.update(env)
        measure(learners)


def measure(learners: int) -> None:
    import sqlalchemy as sa

    from courseware import caching, create_app
    from courseware.accounts.models import User, UserSession
    from courseware.db import db
    from courseware.quizzes import display

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False  # the test client sends no token; CSRF is not measured
    tokens = [secrets.token_urlsafe(32) for _ in range(learners)]
    with app.app_context():
        names = [f"page{i:04d}" for i in range(learners)]
        db.session.execute(
            sa.insert(User),
            [
                {
                    "username": n,
                    "name": n,
                    "role": "learner",
                    "password_hash": "x",
                    "must_change_password": False,
                }
                for n in names
            ],
        )
        ids = dict(db.session.execute(sa.select(User.username, User.id)).all())
        db.session.execute(
            sa.insert(UserSession),
            [{"token": t, "user_id": ids[n]} for n, t in zip(names, tokens, strict=True)],
        )
        db.session.commit()

    kept = display._BLOCKS
    anew = caching.Cache("question_blocks_not_kept", max_size=0)
    seconds = {"kept": [], "anew": []}
    hits = misses = 0
    print(f"{learners} learners each start quiz {QUIZ!r} and open the attempt page", flush=True)
    for i, token in enumerate(tokens):
        mode = "kept" if i % 2 == 0 else "anew"
        display._BLOCKS = kept if mode == "kept" else anew
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        started = client.post(f"/quizzes/{COURSE}/{QUIZ}/start")
        assert "/attempts/" in started.location, started.location
        before = len(kept._entries)
        clock = time.perf_counter()
        page = client.get(started.location)
        seconds[mode].append(time.perf_counter() - clock)
        assert page.status_code == 200, page.status_code
        if mode == "kept":
            added = len(kept._entries) - before
            misses += added
            hits += page.get_data(as_text=True).count('<fieldset class="question"') - added
        if (i + 1) % 100 == 0:
            print(f"  {i + 1} of {learners}", flush=True)
    display._BLOCKS = kept

    def line(mode):
        values = sorted(seconds[mode])
        p50 = statistics.median(values) * 1000
        mean = statistics.fmean(values) * 1000
        return f"{mode:5s} mean {mean:6.2f} ms  p50 {p50:6.2f} ms  ({len(values)} pages)"

    print("attempt page, blocks " + line("kept"))
    print("attempt page, blocks " + line("anew"))
    ratio = statistics.fmean(seconds["anew"]) / statistics.fmean(seconds["kept"])
    print(f"kept blocks make the page {ratio:.2f}× as fast (mean of anew ÷ mean of kept)")
    print(f"blocks found kept: {hits} of {hits + misses} ({hits / max(1, hits + misses):.0%})")


if __name__ == "__main__":
    main()
