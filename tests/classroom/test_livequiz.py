"""The live quiz (课堂测验): answers changed until the close, a late joiner, the score kept on a
reload, the answers' spread, speed scoring off by default, the export neutralised, and a live
quiz counted as an attempt of a course quiz."""

import datetime as dt
import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, User
from courseware.classroom import codes, livequiz, sessions
from courseware.classroom.models import ClassSession, LiveAnswer, LiveQuestion
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment
from courseware.quizzes.attempts import quiz_statuses
from courseware.quizzes.models import Attempt, QuestionRecord, Quiz
from courseware.timeutil import utcnow
from tests.classroom.conftest import T0
from tests.conftest import Auth
from tests.quizzes.conftest import quiz_course  # noqa: F401

S = dt.timedelta(seconds=1)


@pytest.fixture
def course_room(app, room, quiz_course):  # noqa: F811
    """The room's class is assigned the test course, whose quiz `check` has a bank of every type."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        db.session.add(
            CourseAssignment(
                cohort_id=room.cohort, course_id=course.id, starts_on=T0.date(), due_on=T0.date()
            )
        )
        db.session.commit()
    return room


def _check_in(session, user_id, at=T0):
    sessions.check_in(session, user_id, codes.current_code(session.secret, at), at)


def _record(name):
    return db.session.scalar(sa.select(QuestionRecord).where(QuestionRecord.name == name))


def _start(room, **options):
    session = db.session.get(ClassSession, room.session)
    course = db.session.scalar(sa.select(Course))
    teacher = db.session.get(User, room.teacher)
    return session, livequiz.start(session, course, teacher, T0, **options), teacher


def test_an_answer_changes_until_the_question_closes_and_not_after(app, course_room):
    room = course_room
    with app.app_context():
        session, live, teacher = _start(room)
        _check_in(session, room.learners[0])
        lq = livequiz.push(live, _record("pick-one"), teacher, T0, seconds=20)
        db.session.commit()
        assert lq.closes_at == T0 + 20 * S
        first = livequiz.answer(session, lq, room.learners[0], 1, T0 + 3 * S)
        assert first.state == "wrong" and first.score == 0
        changed = livequiz.answer(session, lq, room.learners[0], 0, T0 + 15 * S)
        assert changed.id == first.id and changed.changes == 1
        assert changed.state == "correct" and changed.score == 1
        # An answer on its way at the close is taken (as given at the close); later ones are not.
        late = livequiz.answer(session, lq, room.learners[0], 1, T0 + 21 * S)
        assert late.answered_at == lq.closes_at
        db.session.commit()
        with pytest.raises(sessions.ClassroomError) as closed:
            livequiz.answer(session, lq, room.learners[0], 0, T0 + 30 * S)
        assert closed.value.code == "question_closed"
        db.session.rollback()
        rows = db.session.scalars(sa.select(LiveAnswer)).all()
        assert [(r.response, r.state) for r in rows] == [(1, "wrong")]


def test_closing_early_and_pushing_the_next_question_close_the_open_one(app, course_room):
    room = course_room
    with app.app_context():
        session, live, teacher = _start(room)
        _check_in(session, room.learners[0])
        one = livequiz.push(live, _record("pick-one"), teacher, T0)
        livequiz.close_question(one, T0 + 5 * S)
        assert one.closes_at == T0 + 5 * S
        two = livequiz.push(live, _record("yes-no"), teacher, T0 + 10 * S)
        three = livequiz.push(live, _record("typed"), teacher, T0 + 12 * S)
        assert two.closes_at == T0 + 12 * S and three.position == 3
        # An essay needs a grader, not a room: it cannot be pushed.
        with pytest.raises(sessions.ClassroomError) as essay:
            livequiz.push(live, _record("think"), teacher, T0 + 20 * S)
        assert essay.value.code == "question"
        db.session.rollback()


def test_a_late_joiner_answers_from_the_question_open_when_they_check_in(app, course_room):
    room = course_room
    with app.app_context():
        session, live, teacher = _start(room)
        _check_in(session, room.learners[0])
        one = livequiz.push(live, _record("pick-one"), teacher, T0)
        db.session.commit()
        with pytest.raises(sessions.ClassroomError) as absent:
            livequiz.answer(session, one, room.learners[1], 0, T0 + S)
        assert absent.value.code == "not_present"
        livequiz.answer(session, one, room.learners[0], 0, T0 + 2 * S)
        # The second learner checks in late, while question 1 is still open.
        _check_in(session, room.learners[1], T0 + 10 * S)
        livequiz.answer(session, one, room.learners[1], 0, T0 + 12 * S)
        two = livequiz.push(live, _record("yes-no"), teacher, T0 + 40 * S)
        livequiz.answer(session, two, room.learners[1], True, T0 + 42 * S)
        # An open question's points stay hidden: they would tell whether the answer is right.
        assert livequiz.my_score(live, room.learners[1], T0 + 45 * S) == (1, 1)
        later = two.closes_at + 3 * S
        assert livequiz.my_score(live, room.learners[1], later) == (2, 2)
        assert livequiz.my_score(live, room.learners[0], later) == (1, 2)
        db.session.commit()


def test_the_spread_of_answers_marks_the_right_option(app, course_room):
    room = course_room
    with app.app_context():
        session, live, teacher = _start(room)
        for learner in room.learners:
            _check_in(session, learner)
        lq = livequiz.push(live, _record("pick-one"), teacher, T0)
        for learner, choice in zip(room.learners, (0, 0, 1)):
            livequiz.answer(session, lq, learner, choice, T0 + S)
        bars = livequiz.distribution(lq)
        assert [(b.count, b.correct, b.percent) for b in bars] == [(2, True, 67), (1, False, 33)]
        assert livequiz.right_answers(livequiz.question_of(lq)) == ["对的"]
        item = livequiz.report(live)[0]
        assert (item.answered, item.right, item.average) == (3, 2, 66.7)


def test_speed_scoring_and_the_leaderboard_are_off_unless_asked_for(app, course_room):
    room = course_room
    with app.app_context():
        session, live, teacher = _start(room)
        assert (live.speed_scoring, live.leaderboard) == (False, False)
        for learner in room.learners[:2]:
            _check_in(session, learner)
        lq = livequiz.push(live, _record("pick-one"), teacher, T0, seconds=20)
        fast = livequiz.answer(session, lq, room.learners[0], 0, T0 + S)
        slow = livequiz.answer(session, lq, room.learners[1], 0, T0 + 19 * S)
        assert fast.score == slow.score == 1
        livequiz.finish(live, teacher, T0 + 30 * S)
        # With speed scoring, the faster right answer earns more (half of it at the close).
        fast_live = livequiz.start(
            session,
            db.session.scalar(sa.select(Course)),
            teacher,
            T0 + 60 * S,
            speed_scoring=True,
            leaderboard=True,
        )
        lq = livequiz.push(fast_live, _record("pick-one"), teacher, T0 + 60 * S, seconds=20)
        fast = livequiz.answer(session, lq, room.learners[0], 0, T0 + 60 * S)
        slow = livequiz.answer(session, lq, room.learners[1], 0, T0 + 80 * S)
        assert (fast.score, slow.score) == (1, 0.5)
        leaders = livequiz.leaderboard(fast_live)
        assert [(u.id, score) for u, score in leaders] == [
            (room.learners[0], 1),
            (room.learners[1], 0.5),
        ]


def test_a_live_quiz_counts_as_a_graded_attempt_of_the_chosen_course_quiz(app, course_room):
    room = course_room
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "check"))
        session, live, teacher = _start(room, counts_for=quiz)
        for learner in room.learners[:2]:
            _check_in(session, learner)
        one = livequiz.push(live, _record("pick-one"), teacher, T0)
        livequiz.answer(session, one, room.learners[0], 0, T0 + S)
        livequiz.answer(session, one, room.learners[1], 1, T0 + S)
        two = livequiz.push(live, _record("yes-no"), teacher, T0 + 40 * S)
        livequiz.answer(session, two, room.learners[0], True, T0 + 41 * S)
        recorded = livequiz.finish(live, teacher, T0 + 50 * S)
        db.session.commit()
        assert recorded == 2 and live.attempts_recorded == 2
        attempts = {a.user_id: a for a in db.session.scalars(sa.select(Attempt))}
        assert set(attempts) == set(room.learners[:2])  # the third never answered
        right, wrong = attempts[room.learners[0]], attempts[room.learners[1]]
        assert right.status == "submitted" and right.closed_by == "classroom"
        assert (right.score, right.max_score, right.passed) == (2, 2, True)
        assert (wrong.score, wrong.max_score, wrong.passed) == (0, 2, False)
        assert [a.state for a in sorted(wrong.answers, key=lambda a: a.position)] == [
            "wrong",
            "unanswered",
        ]
        # The quiz counts as done for completion for the learner who passed.
        assert quiz_statuses(quiz.course, room.learners[0])["check"].status == "completed"
        assert quiz_statuses(quiz.course, room.learners[1])["check"].status == "in_progress"
        # Finishing twice records nothing twice.
        with pytest.raises(sessions.ClassroomError) as again:
            livequiz.finish(live, teacher, T0 + 60 * S)
        assert again.value.code == "live_finished"
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 2
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"classroom.live_quiz_start", "classroom.live_quiz_attempts"} <= actions


def test_a_live_quiz_counts_only_for_a_published_quiz_of_its_course(app, course_room):
    room = course_room
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "check"))
        quiz.published_at = None
        db.session.flush()
        with pytest.raises(sessions.ClassroomError) as refused:
            _start(room, counts_for=quiz)
        assert refused.value.code == "counts_for"
        db.session.rollback()


# --- through the pages ------------------------------------------------------------------------


def _signed_in(app, username):
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def _running(app, room, now):
    """A live quiz with `pick-one` open, every learner checked in (now, late)."""
    with app.app_context():
        session = db.session.get(ClassSession, room.session)
        for learner in room.learners:
            _check_in(session, learner, now)
        course = db.session.scalar(sa.select(Course))
        teacher = db.session.get(User, room.teacher)
        live = livequiz.start(session, course, teacher, now)
        lq = livequiz.push(live, _record("pick-one"), teacher, now, seconds=120)
        db.session.commit()
        return live.id, lq.id


def test_a_reload_or_another_phone_keeps_the_answer_and_the_score(app, course_room):
    room = course_room
    _live_id, lq_id = _running(app, room, utcnow())
    phone = _signed_in(app, "cadre1")
    page = phone.client.get(f"/room/{room.session}")
    assert "哪一项正确" in page.get_data(as_text=True)
    answered = phone.post(
        f"/room/{room.session}/live/{lq_id}/answer", data={"a1": "0"}, headers={"HX-Request": "1"}
    )
    assert answered.status_code == 200
    assert 'value="0" checked' in answered.get_data(as_text=True)
    changed = phone.post(f"/room/{room.session}/live/{lq_id}/answer", data={"a1": "1"})
    assert changed.status_code == 302
    # A new phone, signed in afresh, finds the changed answer and the score it earns.
    other = _signed_in(app, "cadre1")
    part = other.client.get(f"/room/{room.session}/live").get_data(as_text=True)
    assert 'value="1" checked' in part and 'data-score="0.0"' in part
    state = re.search(r"state=([^\"&]+)", part).group(1)
    assert other.client.get(f"/room/{room.session}/live?state={state}").status_code == 204
    other.post(f"/room/{room.session}/live/{lq_id}/answer", data={"a1": "0"})
    part = phone.client.get(f"/room/{room.session}/live").get_data(as_text=True)
    assert 'value="0" checked' in part
    # The points show once the question has closed, on every phone.
    with app.app_context():
        lq = db.session.get(LiveQuestion, lq_id)
        lq.closes_at = utcnow() - dt.timedelta(seconds=10)
        db.session.commit()
    part = phone.client.get(f"/room/{room.session}/live").get_data(as_text=True)
    assert 'data-score="1.0"' in part and 'data-result="correct"' in part
    with app.app_context():
        answer = db.session.scalar(sa.select(LiveAnswer))
        assert (answer.response, answer.changes) == (0, 2)


def test_the_phone_pages_need_a_member_and_a_csrf_token(app, course_room, make_user):
    room = course_room
    _live_id, lq_id = _running(app, room, utcnow())
    make_user(username="outsider")
    outsider = _signed_in(app, "outsider")
    assert outsider.client.get(f"/room/{room.session}/live").status_code == 404
    assert (
        outsider.post(f"/room/{room.session}/live/{lq_id}/answer", data={"a1": "0"}).status_code
        == 404
    )
    phone = _signed_in(app, "cadre1")
    no_token = phone.client.post(f"/room/{room.session}/live/{lq_id}/answer", data={"a1": "0"})
    assert no_token.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LiveAnswer.id))) == 0


def test_the_projector_shows_the_countdown_then_the_spread(app, course_room):
    room = course_room
    now = utcnow()
    live_id, lq_id = _running(app, room, now)
    teacher = _signed_in(app, "teacher")
    board = teacher.client.get(f"/teach/sessions/{room.session}/projector/board")
    text = board.get_data(as_text=True)
    assert 'role="timer"' in text and "哪一项正确" in text and "已作答：0 / 3" in text
    for username in ("cadre1", "cadre2"):
        _signed_in(app, username).post(
            f"/room/{room.session}/live/{lq_id}/answer", data={"a1": "0"}
        )
    teacher.post(f"/teach/sessions/{room.session}/live-quiz/{live_id}/close-question")
    app.config["CLASSROOM_LIVE_GRACE_SECONDS"] = 0
    text = teacher.client.get(f"/teach/sessions/{room.session}/projector/board").get_data(
        as_text=True
    )
    assert 'role="timer"' not in text
    assert "正确答案：" in text and "2 · 100%" in text and "✓" in text


def test_the_export_neutralises_what_learners_typed(app, course_room):
    room = course_room
    with app.app_context():
        session, live, teacher = _start(room)
        _check_in(session, room.learners[0])
        lq = livequiz.push(live, _record("typed"), teacher, T0, seconds=30)
        livequiz.answer(session, lq, room.learners[0], '=HYPERLINK("http://x")', T0 + S)
        db.session.commit()
        live_id = live.id
    teacher = _signed_in(app, "teacher")
    base = f"/teach/sessions/{room.session}/live-quiz/{live_id}"
    csv_text = teacher.client.get(f"{base}/export/csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    assert "cadre1" in csv_text and "错误" in csv_text
    xlsx = teacher.client.get(f"{base}/export/xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as book:
        sheet = "".join(
            book.read(name).decode("utf-8") for name in book.namelist() if name.startswith("xl/")
        )
    assert "&apos;=HYPERLINK" in sheet or "'=HYPERLINK" in sheet
    assert teacher.client.get(f"{base}/export/pdf").status_code == 404
    report = teacher.client.get(base).get_data(as_text=True)
    assert "答对：0" in report and "=HYPERLINK" in report
