"""A class in the room on their phones: join, check in, answer five live questions, all polling.

Run: .venv/bin/python bench/classroom.py [phones] [--larger] [--databases sqlite,postgresql]
     defaults:                          200

For each database (a temporary SQLite file; on PostgreSQL a throwaway database
courseware_classroom_<pid> on 127.0.0.1:5432, user postgres, dropped afterwards) it migrates, syncs
the course files, inserts an instructor and `phones` learners in one class assigned the course
microblogging-and-leadership, opens a class session and starts a live quiz on the course's bank,
then serves the app as `make run` does (gunicorn, two workers a core, courseware/serving.py). Then, in one run:
  1. every phone signs in through the real form (not measured);
  2. the phones, in several client processes (as in bench/quiz_storm.py: a real class is separate
     browsers), open the session page and check in with the code on the projector, each at a
     moment spread over the first 8 s, so the whole class is in within 10 s;
  3. from its page on, every phone polls as the page does: its status every 5 s, the live quiz
     every 2 s (with the state it shows: unchanged is 204) and the room's questions every 4 s;
  4. the instructor pushes five questions (single choice or true/false), one every 10 s, each open
     for 8 s; every phone sees it by its poll and answers after a pause of 0–1.5 s. An answer
     counts as an error when its acknowledgement came later than 5 s after the phone saw the
     question, or when the database holds it as given later than 5 s after the opening;
  5. the database is read: every acknowledged check-in and answer must be there ("lost" counts
     those that are not).

Every request is timed by the client (send to the last byte). An error is a request that failed or
answered other than: page 200, check-in 302 to the session page, poll 200 or 204, answer 200.
Prints, per database, lost check-ins and answers, errors, p50/p99 of polls, check-ins and answers,
and the CPU of the server (and of PostgreSQL's processes); exits non-zero when a goal is missed:
0 lost, 0 errors, p99 poll < 100 ms, p99 check-in and answer < 300 ms. --larger then tries 500 and
1000 phones and reports the largest class that held on each database.
"""

import datetime as dt
import json
import multiprocessing
import multiprocessing.connection
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.quiz_storm import (  # noqa: E402
    Client,
    cpu_seconds,
    database_cpu_seconds,
    Failed,
    flask_commands,
    local_moment,
    ms,
    PASSWORD,
    percentile,
    PG_SERVER,
    postgres_database,
    SERVER_WORKERS,
    start_server,
)
from bench.quiz_storm import sign_in as storm_sign_in  # noqa: E402

COURSE = "microblogging-and-leadership"
CHECKIN_SPREAD = 8.0  # seconds over which the phones check in (goal: all within 10 s)
FIRST_QUESTION = 12.0  # seconds after the start the first question is pushed
QUESTION_EVERY = 10.0
QUESTION_SECONDS = 8
QUESTIONS = 5
ANSWER_WITHIN = 5.0
THINK = 1.5
POLLS = {"status": 5.0, "live": 2.0, "questions": 4.0}  # what the page polls, every so many seconds
GOAL_POLL, GOAL_ACTION = 0.100, 0.300
CLIENT_PROCESSES = 5
LARGER = (500, 1000)


# --- steps run inside the app (a child process with the database's environment) ---------------


def prepare_class(count: int) -> None:
    """The instructor, the class and its open session with a live quiz; prints what the run needs."""
    import sqlalchemy as sa

    from courseware import create_app
    from courseware.accounts.models import Cohort, User
    from courseware.classroom import livequiz, sessions
    from courseware.courses.models import Course
    from courseware.db import db
    from courseware.progress.models import CourseAssignment
    from courseware.timeutil import utcnow

    app = create_app()
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == COURSE))
        if course is None:
            sys.exit(f"no course {COURSE!r} after the content sync")
        hasher = User()
        hasher.set_password(PASSWORD, generated=True)  # cheap: sign-in is not the subject
        rows = [("teacher", "instructor")] + [(f"phone{i:04d}", "learner") for i in range(count)]
        db.session.execute(
            sa.insert(User),
            [
                {
                    "username": name,
                    "name": name,
                    "role": role,
                    "password_hash": hasher.password_hash,
                    "must_change_password": False,
                }
                for name, role in rows
            ],
        )
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        cohort = Cohort(name="bench class")
        cohort.instructors.append(users["teacher"])
        cohort.members.extend(users[f"phone{i:04d}"] for i in range(count))
        db.session.add(cohort)
        db.session.flush()
        now = utcnow()
        db.session.add(
            CourseAssignment(
                cohort_id=cohort.id, course_id=course.id, starts_on=now.date(), due_on=now.date()
            )
        )
        db.session.flush()
        session = sessions.open_session(cohort, users["teacher"], now, 2, "201", "bench")
        db.session.flush()
        live = livequiz.start(session, course, users["teacher"], now)
        records = [
            r.id for r in livequiz.bank_questions(course.id) if r.type in ("single", "truefalse")
        ][:QUESTIONS]
        if len(records) < QUESTIONS:
            sys.exit(f"the bank of {COURSE!r} has fewer than {QUESTIONS} choice questions")
        db.session.commit()
        print(
            json.dumps(
                {
                    "session": session.id,
                    "secret": session.secret,
                    "live": live.id,
                    "records": records,
                }
            )
        )


def verify(path: str) -> None:
    """Print, as JSON, how many of the acknowledged check-ins and answers the database holds."""
    import sqlalchemy as sa
    from werkzeug.datastructures import MultiDict

    from courseware import create_app
    from courseware.accounts.models import User
    from courseware.classroom import livequiz
    from courseware.classroom.models import Attendance, LiveAnswer, LiveQuestion
    from courseware.db import db

    acked = json.loads(Path(path).read_text())
    app = create_app()
    with app.app_context():
        ids = dict(db.session.execute(sa.select(User.username, User.id)).all())
        present = set(
            db.session.scalars(
                sa.select(Attendance.user_id).where(Attendance.session_id == acked["session"])
            )
        )
        checkins = sum(ids[name] in present for name in acked["checkins"])
        answers = {
            (a.live_question_id, a.user_id): a for a in db.session.scalars(sa.select(LiveAnswer))
        }
        questions = {q.id: q for q in db.session.scalars(sa.select(LiveQuestion))}
        found = late = 0
        for name, question_id, field, value in acked["answers"]:
            row = answers.get((question_id, ids[name]))
            lq = questions[question_id]
            sent = livequiz.response_from_form(lq, MultiDict([(field, value)]))
            found += row is not None and row.response == sent
            # Within 5 s of the question's opening, by the server's clock.
            late += row is not None and (row.answered_at - lq.opened_at).total_seconds() > 5
        print(
            json.dumps(
                {
                    "checkins": checkins,
                    "answers": found,
                    "late": late,
                    "rows": len(answers),
                    "attendance_rows": len(present),
                }
            )
        )


def in_app(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare(env, phones: int) -> dict:
    flask_commands(env, ["db", "upgrade"], ["content", "sync"])
    return json.loads(in_app(env, "_prepare", str(phones)))


# --- the phones ---------------------------------------------------------------------------------


def checkin_code(secret: str, at: float) -> str:
    """The code on the projector at the moment `at` (a time.time()), as courseware.classroom.codes
    derives it (15-s windows)."""
    from courseware.classroom import codes

    return codes.current_code(secret, dt.datetime.fromtimestamp(at, dt.UTC).replace(tzinfo=None))


LIVE_URL = re.compile(r'id="room-live" data-hx-get="([^"]+)"')
ANSWER_URL = re.compile(r'action="(/room/\d+/live/(\d+)/answer)"')
RADIO = re.compile(r'<input[^>]*type="radio"[^>]*name="(a\d+)"[^>]*value="([^"]*)"')


class Tally:
    def __init__(self):
        self.times = {"poll": [], "check-in": [], "answer": [], "page": []}
        self.errors: list[str] = []
        self.checked_in = False
        self.answers: list = []  # (question id, field, value) acknowledged


def phone(client: Client, i: int, phones: int, plan: dict, start: float, stop: float, tally):
    """One phone: open the page, check in, then poll as the page does and answer each question."""
    rng = random.Random(i)
    session = plan["session"]

    def timed(kind, method, path, form=None, headers=None, ok=(200,)):
        status, response, text, seconds = client.request(method, path, form, headers)
        if status not in ok:
            raise Failed(f"{kind} {method} {path.split('?')[0]} answered {status}")
        tally.times[kind].append(seconds)
        return status, response, text

    time.sleep(max(0.0, start + rng.uniform(0, CHECKIN_SPREAD) - time.monotonic()))
    try:
        _, _, page = timed("page", "GET", f"/room/{session}")
        client.read_token(page)
        code = checkin_code(plan["secret"], time.time())
        _, response, _ = timed(
            "check-in",
            "POST",
            f"/room/{session}/check-in",
            [("csrf_token", client.token), ("code", code)],
            ok=(302,),
        )
        if not response.getheader("Location", "").endswith(f"/room/{session}"):
            raise Failed(f"check-in went to {response.getheader('Location')}")
        tally.checked_in = True
        _, _, page = timed("page", "GET", f"/room/{session}")
    except Failed as error:
        tally.errors.append(str(error))
        return
    live_url = LIVE_URL.search(page).group(1).replace("&amp;", "&")
    due = {name: time.monotonic() + rng.uniform(0, every) for name, every in POLLS.items()}
    answered = set()
    answer_at = None  # (moment, question id, url, field, value, opened) of the answer to send
    hx = {"HX-Request": "true"}
    while time.monotonic() < stop:
        now = time.monotonic()
        try:
            if answer_at and now >= answer_at[0]:
                _, qid, url, field, value, seen = answer_at
                answer_at = None
                _, _, text = timed(
                    "answer", "POST", url, [("csrf_token", client.token), (field, value)], hx
                )
                answered.add(qid)
                tally.answers.append((qid, field, value))
                if time.monotonic() - seen > ANSWER_WITHIN:
                    tally.errors.append("answer acknowledged later than 5 s after the phone saw it")
                match = LIVE_URL.search(text)
                if match:
                    live_url = match.group(1).replace("&amp;", "&")
                continue
            name = min(due, key=due.get)
            if due[name] > now:
                time.sleep(min(due[name], answer_at[0] if answer_at else due[name]) - now)
                continue
            due[name] += POLLS[name]
            if name == "status":
                timed("poll", "GET", f"/room/{session}/status", headers=hx)
            elif name == "questions":
                timed("poll", "GET", f"/room/{session}/questions", headers=hx)
            else:
                status, _, text = timed("poll", "GET", live_url, headers=hx, ok=(200, 204))
                if status == 200:
                    live_url = LIVE_URL.search(text).group(1).replace("&amp;", "&")
                    form = ANSWER_URL.search(text)
                    if form and int(form.group(2)) not in answered and answer_at is None:
                        field, value = RADIO.search(text).groups()
                        answer_at = (
                            time.monotonic() + rng.uniform(0, THINK),
                            int(form.group(2)),
                            form.group(1),
                            field,
                            value,
                            time.monotonic(),
                        )
        except (Failed, AttributeError) as error:
            tally.errors.append(f"{type(error).__name__}: {error}")


def phones_process(port, phones, plan, share, signed, run_seconds, conn) -> None:
    """A client process: a thread for each phone of its share; reports the tallies back."""
    checkin_code(plan["secret"], time.time())  # imports the app's code module before the start
    tallies = {i: Tally() for i in share}
    go = threading.Event()
    moments = [0.0, 0.0]

    def run(i, client):
        go.wait()
        try:
            phone(client, i, phones, plan, moments[0], moments[1], tallies[i])
        except Exception as exc:  # counted, so a crashed phone cannot pass unnoticed
            tallies[i].errors.append(f"client: {type(exc).__name__}: {exc}")

    threads = []
    for i, (cookies, token) in zip(share, signed):
        client = Client(port)
        client.cookies, client.token = dict(cookies), token
        threads.append(threading.Thread(target=run, args=(i, client), daemon=True))
    for t in threads:
        t.start()
    conn.send("ready")
    start_wall = conn.recv()
    moments[0] = local_moment(start_wall)
    moments[1] = moments[0] + run_seconds
    go.set()
    for t in threads:
        t.join()
    conn.send({i: vars(t) for i, t in tallies.items()})
    conn.close()


def sign_in(port: int, username: str, page: str) -> Client:
    return storm_sign_in(port, username, page, PASSWORD)


# --- one run ------------------------------------------------------------------------------------


def run(label: str, env, phones: int, folder: Path) -> dict:
    plan = prepare(env, phones)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = start_server(env, port, 1, folder / f"access-{label}.log")
    run_seconds = FIRST_QUESTION + QUESTIONS * QUESTION_EVERY + 2
    pushes = []
    try:
        load = os.getloadavg()[0]
        page = f"/room/{plan['session']}"
        with ThreadPoolExecutor(16) as pool:
            clients = list(pool.map(lambda i: sign_in(port, f"phone{i:04d}", page), range(phones)))
        teacher = sign_in(port, "teacher", f"/teach/sessions/{plan['session']}")
        processes = min(CLIENT_PROCESSES, phones)
        context = multiprocessing.get_context("spawn")
        children = {}
        tallies = [Tally() for _ in range(phones)]
        try:
            for n in range(processes):
                share = list(range(n, phones, processes))
                mine, theirs = context.Pipe()
                signed = [(clients[i].cookies, clients[i].token) for i in share]
                child = context.Process(
                    target=phones_process,
                    daemon=True,
                    args=(port, phones, plan, share, signed, run_seconds, theirs),
                )
                child.start()
                theirs.close()
                children[mine] = (child, share)
            for conn in children:
                conn.recv()
            cpu_server = cpu_seconds(server.pid)
            cpu_database = database_cpu_seconds() if label == "PostgreSQL" else 0.0
            start_wall = time.time() + 0.5
            start = local_moment(start_wall)
            for conn in children:
                conn.send(start_wall)
            # The instructor pushes the questions from the session page's form.
            for k, record in enumerate(plan["records"]):
                time.sleep(max(0.0, start + FIRST_QUESTION + k * QUESTION_EVERY - time.monotonic()))
                status, _, _, seconds = teacher.request(
                    "POST",
                    f"/teach/sessions/{plan['session']}/live-quiz/{plan['live']}/push",
                    [
                        ("csrf_token", teacher.token),
                        ("question", str(record)),
                        ("seconds", str(QUESTION_SECONDS)),
                    ],
                )
                pushes.append((status, seconds))
            pending = dict(children)
            while pending:
                for conn in multiprocessing.connection.wait(list(pending)):
                    child, share = pending.pop(conn)
                    try:
                        got = conn.recv()
                    except EOFError:
                        for i in share:
                            tallies[i].errors.append(f"client process ended with {child.exitcode}")
                        continue
                    for i, fields in got.items():
                        vars(tallies[int(i)]).update(fields)
            took = time.monotonic() - start
            cpu_server = cpu_seconds(server.pid) - cpu_server
            cpu_database = database_cpu_seconds() - cpu_database if label == "PostgreSQL" else 0.0
        finally:
            for conn, (child, _) in children.items():
                conn.close()
                child.join(timeout=10)
                if child.is_alive():
                    child.terminate()
                    child.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    acked = {
        "session": plan["session"],
        "checkins": [f"phone{i:04d}" for i, t in enumerate(tallies) if t.checked_in],
        "answers": [[f"phone{i:04d}", *a] for i, t in enumerate(tallies) for a in t.answers],
    }
    path = folder / f"acked-{label}.json"
    path.write_text(json.dumps(acked))
    checked = json.loads(in_app(env, "_verify", str(path)))
    errors = [e for t in tallies for e in t.errors]
    errors += ["answer saved later than 5 s after the opening"] * checked["late"]
    errors += [f"push answered {status}" for status, _ in pushes if status != 302]
    times = {kind: [s for t in tallies for s in t.times[kind]] for kind in Tally().times}
    return {
        "label": label,
        "phones": phones,
        "load": load,
        "checkins": len(acked["checkins"]),
        "answers": len(acked["answers"]),
        "checked": checked,
        "errors": errors,
        "times": times,
        "took": took,
        "cpu_server": cpu_server,
        "cpu_database": cpu_database,
    }


def held(r: dict) -> bool:
    c, t = r["checked"], r["times"]
    return (
        r["checkins"] == c["checkins"] == r["phones"]
        and r["answers"] == c["answers"] == r["phones"] * QUESTIONS
        and not r["errors"]
        and percentile(t["poll"], 0.99) < GOAL_POLL
        and percentile(t["check-in"], 0.99) < GOAL_ACTION
        and percentile(t["answer"], 0.99) < GOAL_ACTION
    )


def report(r: dict) -> bool:
    c, t = r["checked"], r["times"]
    ok = held(r)
    print(f"\n{r['label']}, {r['phones']} phones   (machine load average before: {r['load']:.1f})")
    print(
        f"  check-ins acknowledged {r['checkins']:6d} of {r['phones']}   in the database "
        f"{c['checkins']:6d}   lost {r['checkins'] - c['checkins']}"
    )
    print(
        f"  answers acknowledged   {r['answers']:6d} of {r['phones'] * QUESTIONS}   in the database "
        f"{c['answers']:6d}   lost {r['answers'] - c['answers']}   (rows: {c['rows']})"
    )
    print(f"  errors                 {len(r['errors']):6d}")
    counts = {}
    for e in r["errors"]:
        counts[e] = counts.get(e, 0) + 1
    for e, n in sorted(counts.items(), key=lambda kv: -kv[1])[:5]:
        print(f"      {n:5d} × {e}")
    for kind, goal in (("poll", GOAL_POLL), ("check-in", GOAL_ACTION), ("answer", GOAL_ACTION)):
        values = t[kind]
        print(
            f"  {kind:9} p50 {ms(percentile(values, 0.5))}   p99 {ms(percentile(values, 0.99))}   "
            f"max {ms(max(values, default=float('nan')))}   ({len(values)}; goal p99 < {goal * 1000:.0f} ms)"
        )
    print(
        f"  {len(t['poll']) / r['took']:.0f} polls/s over {r['took']:.0f} s; CPU used: server "
        f"{r['cpu_server']:.1f} s"
        + (f", PostgreSQL {r['cpu_database']:.1f} s" if r["cpu_database"] else "")
        + f" (of {2 * r['took']:.0f} s on 2 cores)"
    )
    print(f"  {'PASS' if ok else 'FAIL'}")
    return ok


def one(database: str, phones: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        base = dict(
            os.environ,
            SECRET_KEY="bench",
            COURSEWARE_LESSONS_DIR=str(ROOT / "lessons"),
            PYTHONPATH=str(ROOT),
        )
        if database == "sqlite":
            env = dict(base, DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3")
            return run("SQLite", env, phones, Path(folder))
        if database == "postgresql":
            name = f"courseware_classroom_{os.getpid()}"
            postgres_database(name, create=True)
            try:
                url = f"{PG_SERVER.replace('postgresql', 'postgresql+psycopg')}/{name}"
                return run("PostgreSQL", dict(base, DATABASE_URL=url), phones, Path(folder))
            finally:
                postgres_database(name, create=False)
        sys.exit(f"unknown database {database!r}: sqlite or postgresql")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        return prepare_class(int(sys.argv[2]))
    if len(sys.argv) > 1 and sys.argv[1] == "_verify":
        return verify(sys.argv[2])
    args = sys.argv[1:]
    larger = "--larger" in args
    databases = ["sqlite", "postgresql"]
    if "--databases" in args:
        databases = args[args.index("--databases") + 1].split(",")
        del args[args.index("--databases") : args.index("--databases") + 2]
    numbers = [a for a in args if a.isdigit()]
    phones = int(numbers[0]) if numbers else 200
    print(
        f"{phones} phones check in within {CHECKIN_SPREAD:g} s and answer {QUESTIONS} live questions "
        f"(one every {QUESTION_EVERY:g} s), polling as the page does; "
        f"gunicorn {SERVER_WORKERS} workers (courseware.serving)"
    )
    ok = True
    largest = {}
    for database in databases:
        result = one(database, phones)
        ok = report(result) and ok
        largest[result["label"]] = phones if held(result) else None
        if larger:
            for size in LARGER:
                if largest[result["label"]] is None:
                    break
                bigger = one(database, size)
                report(bigger)
                if not held(bigger):
                    break
                largest[result["label"]] = size
    if larger:
        for label, size in largest.items():
            print(f"largest class that held on {label}: {size or 'none tried held'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
