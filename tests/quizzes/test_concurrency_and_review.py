"""Two hand-ins at the same moment, review settings, and item statistics on a known data set."""

import datetime as dt
import threading

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from courseware.accounts.models import Role
from courseware.db import db
from courseware.quizzes import analysis
from courseware.quizzes.attempts import may_review, save_answers, start_attempt, submit_attempt
from courseware.quizzes.models import Attempt, Quiz
from courseware.timeutil import utcnow
from tests.conftest import Auth, csrf_token
from tests.quizzes.conftest import RIGHT


def test_concurrent_double_submit_makes_one_graded_attempt(app, make_user, quiz_course):
    make_user(Role.LEARNER, username="learner-a")
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        assert Auth(client).login("learner-a").status_code == 302
    response = Auth(clients[0]).post("/quizzes/test-course/check/start")
    attempt_id = int(response.location.rsplit("/", 1)[1])
    tokens = [csrf_token(c, f"/quizzes/attempts/{attempt_id}") for c in clients]
    barrier = threading.Barrier(2)
    statuses = []

    def hand_in(client, token):
        with app.app_context():
            barrier.wait()
            r = client.post(
                f"/quizzes/attempts/{attempt_id}/submit",
                data={"csrf_token": token, "sequence": "1", **RIGHT},
            )
            statuses.append((r.status_code, r.location))

    threads = [threading.Thread(target=hand_in, args=(c, t)) for c, t in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [s for s, _ in statuses] == [302, 302]
    assert all(location.endswith("/result") for _, location in statuses)
    with app.app_context():
        attempts = db.session.scalars(sa.select(Attempt)).all()
        assert len(attempts) == 1
        assert attempts[0].status == "submitted" and attempts[0].score == 8


def test_a_start_that_finds_its_attempt_number_taken_takes_that_attempt(
    app, make_user, quiz_course, monkeypatch
):
    """Two starts at the same moment (a double click) both see no attempt yet: the second to
    insert finds the number taken and goes to the first one's attempt, with its questions once."""
    from courseware.quizzes import attempts
    from courseware.quizzes.models import Answer

    user_id = make_user(Role.LEARNER, username="learner-a")
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        now = utcnow()
        before_either = attempts.availability(quiz, user_id, now)
        first = start_attempt(quiz, user_id, now)
        first_id = first.id
        assert first.number == 1 and first.is_open and first.score is None
        db.session.commit()
        monkeypatch.setattr(attempts, "availability", lambda *args: before_either)
        second = start_attempt(quiz, user_id, now)
        assert second.id == first_id
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1
        answers = db.session.scalars(
            sa.select(Answer.position).where(Answer.attempt_id == first_id)
        )
        positions = sorted(answers)
        assert positions == list(range(len(positions))) and positions


def set_review(app, review, closes=None):
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        quiz.settings = {**quiz.settings, "review": review, "closes": closes}
        db.session.commit()


def submitted_attempt(app, user_id):
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        attempt = start_attempt(quiz, user_id, utcnow())
        submit_attempt(attempt, utcnow())
        db.session.commit()
        return attempt.id


def test_review_settings(app, client, make_user, quiz_course):
    user_id = make_user(Role.LEARNER, username="learner-a")
    assert Auth(client).login("learner-a").status_code == 302
    set_review(app, "never")
    attempt_id = submitted_attempt(app, user_id)
    page = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "见第一课。" not in page and 'class="review' not in page
    # After the close: hidden while the quiz is open, shown once it closed.
    later = (utcnow() + dt.timedelta(hours=1)).isoformat(timespec="minutes")
    set_review(app, "after_close", later)
    page = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "见第一课。" not in page
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert not may_review(attempt, utcnow())
        assert may_review(attempt, utcnow() + dt.timedelta(hours=2))
    set_review(app, "immediately")
    assert "见第一课。" in client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(
        as_text=True
    )


def test_item_statistics_on_a_known_data_set(app, make_user, quiz_course):
    """Four learners: the two strong ones get pick-one right, the two weak ones wrong; everyone gets
    yes-no right. pick-one then has facility 0.5 and discriminates; yes-no has facility 1.0 and
    cannot discriminate."""
    plans = [
        {**RIGHT},  # strong
        {**RIGHT, "a3": "x"},  # strong
        {"a0": "1", "a2": "true"},  # weak
        {"a0": "1", "a2": "true", "a4": "1"},  # weak
    ]
    users = [make_user(Role.LEARNER, username=f"stat{i}") for i in range(len(plans))]
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        for user_id, answers in zip(users, plans):
            attempt = start_attempt(quiz, user_id, utcnow())
            save_answers(attempt, 1, MultiDict(answers), utcnow())
            submit_attempt(attempt, utcnow())
        db.session.commit()
        stats = {s.name: s for s in analysis.item_analysis(analysis.submitted_attempts(quiz))}
    assert stats["pick-one"].facility == 0.5 and stats["pick-one"].discrimination > 0.9
    assert stats["yes-no"].facility == 1.0 and stats["yes-no"].discrimination is None
    distribution = {label: count for label, count, _ in stats["pick-one"].distribution}
    assert distribution == {"对的": 2, "错的": 2}
    assert stats["pick-one"].attempts == 4
