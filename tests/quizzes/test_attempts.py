"""Attempts end to end through the routes: start, autosave with sequence numbers, hand-in once,
deadlines, review, manual grading, overrides, item analysis and exports."""

import datetime as dt
import re

import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Role
from courseware.db import db
from courseware.quizzes.models import Answer, Attempt, Quiz
from courseware.timeutil import utcnow
from tests.conftest import Auth, csrf_token
from tests.quizzes.conftest import RIGHT

QUIZ_URL = "/quizzes/test-course/check"
JSON = {"Accept": "application/json"}


def start(auth):
    response = auth.post(QUIZ_URL + "/start")
    assert response.status_code == 302, response.status_code
    match = re.search(r"/quizzes/attempts/(\d+)$", response.location)
    assert match, response.location
    return int(match.group(1))


def save(client, attempt_id, sequence, answers, token):
    data = {"csrf_token": token, "sequence": str(sequence), **answers}
    return client.post(f"/quizzes/attempts/{attempt_id}/save", data=data, headers=JSON)


def the_attempt(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def learner(make_user, auth, username="learner-a"):
    user_id = make_user(Role.LEARNER, username=username)
    assert auth.login(username).status_code == 302
    return user_id


def test_a_full_attempt_is_saved_handed_in_once_and_graded(
    app, client, auth, make_user, quiz_course
):
    learner(make_user, auth)
    attempt_id = start(auth)
    page = client.get(f"/quizzes/attempts/{attempt_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "哪一项正确？" in html and 'name="sequence" value="1"' in html
    token = csrf_token(client, f"/quizzes/attempts/{attempt_id}")

    reply = save(client, attempt_id, 1, RIGHT, token)
    assert reply.status_code == 200 and reply.get_json()["sequence"] == 1
    # The same save again (a retry) is accepted without change; an older one is refused.
    assert save(client, attempt_id, 1, RIGHT, token).status_code == 200
    stale = save(client, attempt_id, 1, {**RIGHT, "a0": "1"}, token)
    assert stale.status_code == 409 and "另一个窗口" in stale.get_json()["message"]
    with app.app_context():
        saved = {
            a.position: a.response
            for a in db.session.scalars(sa.select(Answer).where(Answer.attempt_id == attempt_id))
        }
    assert saved[0] == 0 and saved[3] == "ＡＢＣ１" and saved[6] == [1, 2, 3]

    # A reload shows every saved answer.
    html = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert 'value="ＡＢＣ１"' in html and 'name="sequence" value="2"' in html

    # Hand in twice (a double click): one graded attempt.
    for _ in range(2):
        done = client.post(
            f"/quizzes/attempts/{attempt_id}/submit",
            data={"csrf_token": token, "sequence": "2", **RIGHT},
        )
        assert done.status_code == 302 and done.location.endswith(
            f"/quizzes/attempts/{attempt_id}/result"
        )
    attempt = the_attempt(app, attempt_id)
    assert attempt.status == "submitted" and attempt.closed_by == "learner"
    # Eight auto-graded questions right, the essay waits for an instructor.
    assert (
        attempt.score == 8
        and attempt.max_score == 9
        and attempt.needs_grading
        and attempt.passed is None
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1

    # After hand-in nothing changes any more.
    late = save(client, attempt_id, 5, {**RIGHT, "a0": "1"}, token)
    assert late.status_code == 410 and "已经交卷" in late.get_json()["message"]
    result = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert re.search(r"\b8\s*(of|/)\s*9\b", result)
    assert "见第一课。" in result  # the explanation, as review is immediate


def test_partial_and_wrong_answers_score_as_the_keys_say(app, client, auth, make_user, quiz_course):
    learner(make_user, auth)
    attempt_id = start(auth)
    token = csrf_token(client, f"/quizzes/attempts/{attempt_id}")
    answers = {
        "a0": "1",
        "a1": ["0", "2"],
        "a2": "false",
        "a3": "abc",
        "a4": "700",
        "a5-0": "0",
        "a5-1": "0",
        "a6-0": "1",
        "a6-1": "3",
        "a6-2": "2",
        "a7": "讲空话",
    }
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": token, "sequence": "1", **answers},
    )
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.position)
        ).all()
        fractions = [a.fraction for a in rows]
    # multiple: 0.5 - 0.5 = 0; matching: one pair of two; ordering: first item in place; essay blank.
    assert fractions == [0.0, 0.0, 0.0, 0.0, 0.0, 0.5, round(1 / 3, 7), 0.0, 0.0]
    attempt = the_attempt(app, attempt_id)
    assert attempt.passed is False and not attempt.needs_grading


class Statements:
    """The SQL statements the app runs while the block runs."""

    def __init__(self, app):
        self.app, self.seen = app, []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)

    def __enter__(self):
        with self.app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        with self.app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", self._count)


def test_saves_and_the_hand_in_read_the_answers_together_not_one_by_one(
    app, client, auth, make_user, quiz_course
):
    """A classroom saves every few seconds: each request reads an attempt's answers all at once,
    never one by one, also when a retried save must read them again."""
    learner(make_user, auth)
    attempt_id = start(auth)
    token = csrf_token(client, f"/quizzes/attempts/{attempt_id}")
    with Statements(app) as first:
        assert save(client, attempt_id, 1, RIGHT, token).get_json()["ok"]
    with Statements(app) as retried:
        assert save(client, attempt_id, 1, RIGHT, token).get_json()["ok"]
    with Statements(app) as handed_in:
        done = client.post(
            f"/quizzes/attempts/{attempt_id}/submit",
            data={"csrf_token": token, "sequence": "1", **RIGHT},
        )
    assert done.status_code == 302
    assert the_attempt(app, attempt_id).score == 8
    for request in (first, retried, handed_in):
        # No statement reads one answer or one question (on SQLite "= ?", on PostgreSQL "= %(…)s").
        one_by_one = [
            s
            for s in request.seen
            if s.lstrip().startswith("SELECT")
            and re.search(r"\b(quiz_answer|question)\.id = (\?|%\()", s)
        ]
        assert not one_by_one, one_by_one
        assert sum(1 for s in request.seen if re.search(r"FROM quiz_answer\b", s)) <= 3


def test_another_learner_cannot_see_or_change_an_attempt(app, client, auth, make_user, quiz_course):
    learner(make_user, auth)
    attempt_id = start(auth)
    other = app.test_client()
    make_user(Role.LEARNER, username="learner-b")
    assert Auth(other).login("learner-b").status_code == 302
    token = csrf_token(other, "/")
    assert other.get(f"/quizzes/attempts/{attempt_id}").status_code == 404
    assert save(other, attempt_id, 1, RIGHT, token).status_code == 404
    assert (
        other.post(f"/quizzes/attempts/{attempt_id}/submit", data={"csrf_token": token}).status_code
        == 404
    )
    assert the_attempt(app, attempt_id).status == "open"


def test_save_without_csrf_is_refused(app, client, auth, make_user, quiz_course):
    learner(make_user, auth)
    attempt_id = start(auth)
    response = client.post(
        f"/quizzes/attempts/{attempt_id}/save", data={"sequence": "1", **RIGHT}, headers=JSON
    )
    assert response.status_code == 400
    assert the_attempt(app, attempt_id).sequence == 0


def make_timed(app, minutes=1):
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        quiz.settings = {**quiz.settings, "time_limit": minutes}
        db.session.commit()


def move_deadline(app, attempt_id, seconds_ago):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = utcnow() - dt.timedelta(seconds=seconds_ago)
        db.session.commit()


def test_the_server_clock_closes_an_attempt_with_its_saved_answers(
    app, client, auth, make_user, quiz_course
):
    make_timed(app)
    learner(make_user, auth)
    attempt_id = start(auth)
    attempt = the_attempt(app, attempt_id)
    assert (
        dt.timedelta(seconds=55) < attempt.deadline - attempt.started_at <= dt.timedelta(minutes=1)
    )
    token = csrf_token(client, f"/quizzes/attempts/{attempt_id}")
    assert save(client, attempt_id, 1, {"a0": "0"}, token).status_code == 200
    # Within the grace period a save already on its way still counts...
    move_deadline(app, attempt_id, 5)
    assert save(client, attempt_id, 2, {"a0": "0", "a2": "true"}, token).status_code == 200
    # ...after it, the save is refused and the attempt is handed in with what was saved.
    move_deadline(app, attempt_id, 120)
    late = save(client, attempt_id, 3, RIGHT, token)
    assert late.status_code == 410 and "时间到" in late.get_json()["message"]
    attempt = the_attempt(app, attempt_id)
    assert attempt.status == "submitted" and attempt.closed_by == "deadline" and attempt.score == 2


def test_close_overdue_command_hands_in_abandoned_attempts(
    app, client, auth, make_user, quiz_course, runner
):
    make_timed(app)
    learner(make_user, auth)
    attempt_id = start(auth)
    move_deadline(app, attempt_id, 3600)
    result = runner.invoke(args=["quiz", "close-overdue"])
    assert result.exit_code == 0 and "1 overdue" in result.output
    assert the_attempt(app, attempt_id).status == "submitted"


def test_attempts_allowed_and_an_override_for_one_more(
    app, client, auth, make_user, make_class, quiz_course
):
    learner_id = learner(make_user, auth)
    for _ in range(2):
        attempt_id = start(auth)
        client.post(
            f"/quizzes/attempts/{attempt_id}/submit",
            data={"csrf_token": csrf_token(client, "/"), "sequence": "1"},
        )
    refused = auth.post(QUIZ_URL + "/start", follow_redirects=True)
    assert "作答次数已用完" in refused.get_data(as_text=True)

    teacher = app.test_client()
    make_class([make_user(Role.INSTRUCTOR, username="teacher-a")], [learner_id])
    assert Auth(teacher).login("teacher-a").status_code == 302
    with app.app_context():
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    Auth(teacher).post(
        f"/teach/quizzes/{quiz_id}/overrides",
        data={"username": "LEARNER-A", "extra_attempts": "1", "extra_minutes": "0"},
    )
    assert start(auth)  # the third attempt is allowed now
    with app.app_context():
        assert (
            db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "quiz.override"))
            is not None
        )


def test_same_seed_same_questions_in_the_same_order(app, quiz_course):
    from courseware.quizzes.attempts import build_layout

    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        first = [(r.name, order) for r, order in build_layout(quiz, 1234)]
        again = [(r.name, order) for r, order in build_layout(quiz, 1234)]
        assert first == again
        orders = {tuple(tuple(o) for _, o in build_layout(quiz, seed)) for seed in range(20)}
        assert len(orders) > 1  # options are shuffled, differently for different seeds


def test_instructor_grades_an_essay_and_sees_the_analysis(
    app, client, auth, make_user, make_class, quiz_course
):
    learner_id = learner(make_user, auth)
    attempt_id = start(auth)
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, "/"), "sequence": "1", **RIGHT},
    )

    teacher = app.test_client()
    make_class([make_user(Role.INSTRUCTOR, username="teacher-a")], [learner_id])
    assert Auth(teacher).login("teacher-a").status_code == 302
    queue = teacher.get("/teach/quizzes/grading").get_data(as_text=True)
    answer_id = int(re.search(r"/teach/quizzes/answers/(\d+)", queue).group(1))
    bad = Auth(teacher).post(
        f"/teach/quizzes/answers/{answer_id}", data={"points": "5", "comment": ""}
    )
    assert bad.status_code == 200 and "0 到" in bad.get_data(as_text=True)
    Auth(teacher).post(
        f"/teach/quizzes/answers/{answer_id}", data={"points": "0.5", "comment": "再具体些"}
    )
    attempt = the_attempt(app, attempt_id)
    assert attempt.score == 8.5 and not attempt.needs_grading and attempt.passed is True
    with app.app_context():
        assert (
            db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "quiz.grade"))
            is not None
        )
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    overview = teacher.get(f"/teach/quizzes/{quiz_id}").get_data(as_text=True)
    assert "pick-one" in overview and "难度系数 1.0，区分度" in overview
    assert "再具体些" in client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)


def test_exports_neutralise_formulas(app, client, auth, make_user, make_class, quiz_course):
    evil = make_user(Role.LEARNER, username="evil", name='=HYPERLINK("http://x")')
    assert auth.login("evil").status_code == 302
    attempt_id = start(auth)
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, "/"), "sequence": "1", "a3": "=1+1"},
    )
    teacher = app.test_client()
    make_class([make_user(Role.INSTRUCTOR, username="teacher-a")], [evil])
    assert Auth(teacher).login("teacher-a").status_code == 302
    with app.app_context():
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    attempts_csv = teacher.get(f"/teach/quizzes/{quiz_id}/export.csv").get_data(as_text=True)
    assert (
        "'=HYPERLINK" in attempts_csv
        and "\n=HYPERLINK" not in attempts_csv
        and ",=HYPERLINK" not in attempts_csv
    )
    items_csv = teacher.get(f"/teach/quizzes/{quiz_id}/export.csv?part=items").get_data(
        as_text=True
    )
    assert "'=1+1" in items_csv
    xlsx = teacher.get(f"/teach/quizzes/{quiz_id}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_quiz_workbook_neutralises_formulas(
    app, client, auth, make_user, make_class, quiz_course
):
    """The XLSX holds the same neutralised cells as the CSV: a learner's name and answer that
    look like formulas stay text with a quote before them."""
    import io
    import json
    from pathlib import Path

    from openpyxl import load_workbook

    case = next(
        c
        for c in json.loads((Path(__file__).parents[1] / "data" / "csv_injection.json").read_text())
        if c["id"] == "csvinj-008"
    )
    evil = make_user(Role.LEARNER, username="evil", name=case["input"])
    assert auth.login("evil").status_code == 302
    attempt_id = start(auth)
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, "/"), "sequence": "1", "a3": "=1+1"},
    )
    teacher = app.test_client()
    make_class([make_user(Role.INSTRUCTOR, username="teacher-a")], [evil])
    assert Auth(teacher).login("teacher-a").status_code == 302
    with app.app_context():
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    book = load_workbook(io.BytesIO(teacher.get(f"/teach/quizzes/{quiz_id}/export.xlsx").data))
    attempts, items = (list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets)
    assert attempts[1][1] == case["neutralised_cell"]
    assert "'=1+1" in {row[6] for row in items[1:]}
    assert not any(
        isinstance(v, str) and v.startswith("=") for row in attempts + items for v in row
    )


def test_quiz_exports_speak_the_instructors_language(app, client, auth, make_user, quiz_course):
    """Column and sheet names follow the instructor's language; the CSV says its charset once."""
    import io

    from openpyxl import load_workbook

    learner(make_user, auth)
    attempt_id = start(auth)
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(client, "/"), "sequence": "1"},
    )
    with app.app_context():
        quiz_id = db.session.scalar(sa.select(Quiz.id))
    for locale, first_column, sheets in (
        ("zh_CN", "用户名", None),
        ("en", "username", ["attempts", "items"]),
    ):
        teacher = app.test_client()
        make_user(Role.INSTRUCTOR, username=f"teacher-{locale[:2]}", locale=locale)
        assert Auth(teacher).login(f"teacher-{locale[:2]}").status_code == 302
        csv_reply = teacher.get(f"/teach/quizzes/{quiz_id}/export.csv")
        assert csv_reply.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert csv_reply.get_data(as_text=True).lstrip("\ufeff").split(",")[0] == first_column
        book = load_workbook(io.BytesIO(teacher.get(f"/teach/quizzes/{quiz_id}/export.xlsx").data))
        assert book.worksheets[0].cell(1, 1).value == first_column
        if sheets:
            assert book.sheetnames == sheets


def test_learners_cannot_open_the_instructor_pages(app, client, auth, make_user, quiz_course):
    learner(make_user, auth)
    assert client.get("/teach/quizzes/").status_code == 403
    assert client.get("/teach/quizzes/grading").status_code == 403


def test_results_show_on_the_course_page_and_in_my_learning(
    app, client, auth, make_user, quiz_course
):
    learner(make_user, auth)
    course = client.get("/courses/test-course").get_data(as_text=True)
    assert "/quizzes/test-course/check" in course and "最好成绩" not in course
    attempt_id = start(auth)
    client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={
            "csrf_token": csrf_token(client, "/"),
            "sequence": "1",
            **{k: v for k, v in RIGHT.items() if k != "a8"},
        },
    )
    course = client.get("/courses/test-course").get_data(as_text=True)
    row = course.split("/quizzes/test-course/check")[1].split("</li>")[0]
    assert "status-completed" in row and "最好成绩 89%" in row  # 8 of 9 points
    mine = client.get("/my-learning").get_data(as_text=True)
    assert "8 / 9" in mine and "及格" in mine
    # The course was begun with its quiz, before any lesson: it is among the courses begun.
    assert "您还没有开始学习任何课程" not in mine
    assert re.search(r'<td><a href="/courses/test-course">[^<]+</a></td>\s*<td>0 / 2</td>', mine)


def test_instructors_list_quizzes_in_course_order():
    """Within a course, quizzes come where course.yaml places them, not in the order they were added."""
    from types import SimpleNamespace

    from courseware.quizzes.teach_views import course_order

    course = SimpleNamespace(
        slug="c",
        items=[
            ("lesson", "one"),
            ("quiz", "check-one"),
            ("lesson", "two"),
            ("quiz", "check-two"),
            ("quiz", "final"),
        ],
    )
    other = SimpleNamespace(slug="b", items=[("quiz", "z")])
    quizzes = [
        SimpleNamespace(id=i, slug=slug, course=c)
        for i, (slug, c) in enumerate(
            [
                ("final", course),
                ("check-two", course),
                ("check-one", course),
                ("z", other),
                ("withdrawn-from-the-file", course),
            ]
        )
    ]
    assert [q.slug for q in sorted(quizzes, key=course_order)] == [
        "z",
        "check-one",
        "check-two",
        "final",
        "withdrawn-from-the-file",
    ]
