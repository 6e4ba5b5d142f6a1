"""Course completion rules, the 学时 ledger, quotas, assignments and the class grid."""

import datetime as dt
import re

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from courseware.accounts.models import AuditEvent, Cohort, Role, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises import engine
from courseware.exercises.models import Exercise
from courseware.exercises.runs import act, finish_run, start_run
from courseware.lessons.models import Lesson
from courseware.progress import ledger
from courseware.progress.completion import check_completion, standing
from courseware.progress.models import CourseCompletion, CreditEntry, LessonProgress
from courseware.quizzes.attempts import save_answers, start_attempt, submit_attempt
from courseware.quizzes.models import Quiz
from courseware.timeutil import utcnow
from tests.conftest import Auth, csrf_token
from tests.quizzes.conftest import RIGHT

IDEAL = "我们理解大家的担心。全省食盐储备充足，碘盐不能防辐射，请勿抢购。我们将持续通报。"


def complete_lessons(app, user_id):
    with app.app_context():
        for lesson in db.session.scalars(sa.select(Lesson)):
            db.session.add(
                LessonProgress(
                    user_id=user_id,
                    lesson_id=lesson.id,
                    status="completed",
                    completed_at=utcnow(),
                    active_seconds=600,
                    reached_end=True,
                )
            )
        db.session.commit()


def pass_quiz(app, user_id):
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        attempt = start_attempt(quiz, user_id, utcnow())
        save_answers(attempt, 1, MultiDict(RIGHT), utcnow())
        submit_attempt(attempt, utcnow())
        db.session.commit()
        return attempt.passed


def play_exercise(app, user_id, text=IDEAL):
    with app.app_context():
        exercise = db.session.scalar(sa.select(Exercise))
        run = start_run(exercise, user_id, utcnow())
        act(run, user_id, engine.Action("post", text=text), utcnow())
        finish_run(run, utcnow())
        db.session.commit()
        return run.score


def completions(app):
    with app.app_context():
        return db.session.scalars(sa.select(CourseCompletion)).all()


def test_each_criterion_is_needed_and_the_course_completes_once(app, make_user, full_course):
    user_id = make_user(username="zhang")
    complete_lessons(app, user_id)
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        parts = {p.kind: (p.done, p.required) for p in standing(course, user_id).parts}
        assert parts == {"lessons": (2, 2), "quizzes": (0, 1), "exercises": (0, 1)}
        assert check_completion(course.id, user_id, utcnow()) is None
    assert pass_quiz(app, user_id) is True
    assert completions(app) == []
    assert play_exercise(app, user_id, "无可奉告。") < 60  # finished but below the pass score
    assert completions(app) == []
    assert play_exercise(app, user_id) >= 60
    done = completions(app)
    assert len(done) == 1 and done[0].rule == {
        "lessons": "all",
        "quizzes": ["check"],
        "exercises": ["drill"],
    }
    with app.app_context():
        entries = db.session.scalars(sa.select(CreditEntry)).all()
        assert [(e.kind, e.hours) for e in entries] == [("course", 2.0)]
        # Meeting the rule again changes nothing: the course credits once.
        assert check_completion(done[0].course_id, user_id, utcnow()) is None
    play_exercise(app, user_id)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 1


def test_min_active_minutes(app, make_user, full_course):
    user_id = make_user(username="zhang")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        course.completion = {"lessons": "all", "min_active_minutes": 30}
        db.session.commit()
    complete_lessons(app, user_id)  # 2 lessons × 10 minutes
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        part = next(p for p in standing(course, user_id).parts if p.kind == "minutes")
        assert (part.done, part.required, part.met) == (20, 30, False)
        db.session.execute(sa.update(LessonProgress).values(active_seconds=900))
        assert check_completion(course.id, user_id, utcnow()) is not None


def test_the_last_lesson_completes_the_course_through_the_heartbeat(
    app, client, auth, make_user, full_course
):
    from tests.lessons.test_reading import age_visit, beat, open_lesson

    user_id = make_user(username="zhang")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        course.completion = {"lessons": "all"}
        first = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "first"))
        db.session.add(
            LessonProgress(
                user_id=user_id,
                lesson_id=first.id,
                status="completed",
                completed_at=utcnow(),
                active_seconds=600,
            )
        )
        db.session.commit()
    auth.login("zhang")
    _, visit = open_lesson(client, "second")
    for _ in range(3):
        age_visit(app, visit, 50)
        data = beat(client, visit, seconds=50, reached_end=True).get_json()
    assert data["status"] == "completed"
    assert len(completions(app)) == 1
    # The page that completed the course says so, with a link to the certificate.
    assert "测试课程" in data["done_html"] and "/certificates/" in data["done_html"]
    page = client.get("/courses/test-course").get_data(as_text=True)
    assert "已计入 2 学时" in page


def test_the_quiz_result_that_completes_a_course_says_so(app, client, auth, make_user, full_course):
    user_id = make_user(username="zhang")
    complete_lessons(app, user_id)
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        course.completion = {"lessons": "all", "quizzes": "all"}
        db.session.commit()
    auth.login("zhang")
    started = auth.post("/quizzes/test-course/check/start")
    attempt = int(re.search(r"/quizzes/attempts/(\d+)$", started.location).group(1))
    result = auth.post(
        f"/quizzes/attempts/{attempt}/submit", {"sequence": "1", **RIGHT}, follow_redirects=True
    ).get_data(as_text=True)
    assert len(completions(app)) == 1
    assert "测试课程" in result and re.search(r'href="/certificates/\d+"', result)
    # A second attempt's result, after the course was completed, does not claim it again.
    again = auth.post("/quizzes/test-course/check/start")
    second = int(re.search(r"/quizzes/attempts/(\d+)$", again.location).group(1))
    later = auth.post(
        f"/quizzes/attempts/{second}/submit", {"sequence": "1", **RIGHT}, follow_redirects=True
    ).get_data(as_text=True)
    assert not re.search(r'href="/certificates/\d+"', later)


def test_rule_changes_keep_earned_completions_and_are_audited(app, client, make_user, full_course):
    user_id = make_user(username="zhang")
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        course.completion = {"lessons": "all"}
        db.session.commit()
    complete_lessons(app, user_id)
    with app.app_context():
        assert (
            check_completion(db.session.scalar(sa.select(Course.id)), user_id, utcnow()) is not None
        )
        db.session.commit()
    teacher_id = make_user(Role.INSTRUCTOR, username="teacher")
    assert Auth(client).login("teacher").status_code == 302
    # The rule is the course's: only its editors set it.
    assert client.get("/teach/courses/test-course/completion").status_code == 404
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        course.editors.append(db.session.get(User, teacher_id))
        db.session.commit()
    page = client.get("/teach/courses/test-course/completion")
    assert page.status_code == 200
    # Each item is offered by its title in the reader's language, not by its file name.
    boxes = re.findall(
        r'<input type="checkbox" name="(\w+)" value="([\w-]+)"[^>]*> ([^<]+)</label>',
        page.get_data(as_text=True),
    )
    assert ("lessons", "first", "第一课") in boxes
    assert all(title.strip() != slug for _key, slug, title in boxes)
    token = csrf_token(client, "/")

    def save_rule(minutes):
        return client.post(
            "/teach/courses/test-course/completion",
            data=MultiDict(
                [
                    ("csrf_token", token),
                    ("lessons", "first"),
                    ("lessons", "second"),
                    ("quizzes", "check"),
                    ("min_active_minutes", minutes),
                ]
            ),
        )

    assert save_rule("abc").status_code == 400
    assert save_rule("0").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Course)).completion == {
            "lessons": "all",
            "quizzes": "all",
        }
        assert (
            db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "course.completion"))
            is not None
        )
    assert len(completions(app)) == 1


def test_ledger_manual_entries_and_reversals(app, client, make_user, admin):
    learner = make_user(username="zhang", rank_level="township")
    Auth_ = Auth(client)
    page = client.get("/admin/credits/?q=ZHANG")
    assert page.status_code == 200 and "zhang" in page.get_data(as_text=True)
    today = utcnow().date()
    bad = Auth_.post(
        f"/admin/credits/{learner}/add",
        data={"hours": "0", "earned_on": today.isoformat(), "note": "党校培训"},
        follow_redirects=True,
    )
    assert "学时数应大于 0" in bad.get_data(as_text=True)
    future = Auth_.post(
        f"/admin/credits/{learner}/add",
        data={"hours": "8", "earned_on": (today + dt.timedelta(days=3)).isoformat(), "note": "x"},
        follow_redirects=True,
    )
    # Refused beside the date, on the ledger's page again rather than after a redirect.
    assert future.status_code == 400 and "日期不能晚于今天。" in future.get_data(as_text=True)
    Auth_.post(
        f"/admin/credits/{learner}/add",
        data={"hours": "8", "earned_on": today.isoformat(), "note": "省委党校专题培训"},
    )
    with app.app_context():
        entries = db.session.scalars(sa.select(CreditEntry)).all()
        assert [(e.kind, e.hours, e.note) for e in entries] == [
            ("external", 8.0, "省委党校专题培训")
        ]
        entry_id = entries[0].id
    no_reason = Auth_.post(
        f"/admin/credits/entries/{entry_id}/reverse", data={"reason": " "}, follow_redirects=True
    )
    assert "请说明" in no_reason.get_data(as_text=True)
    Auth_.post(f"/admin/credits/entries/{entry_id}/reverse", data={"reason": "重复录入"})
    Auth_.post(f"/admin/credits/entries/{entry_id}/reverse", data={"reason": "again"})
    with app.app_context():
        entries = db.session.scalars(sa.select(CreditEntry).order_by(CreditEntry.id)).all()
        assert [(e.kind, e.hours) for e in entries] == [("external", 8.0), ("reversal", -8.0)]
        reversal_id = entries[1].id
        actions = [
            a
            for (a,) in db.session.execute(
                sa.select(AuditEvent.action).where(AuditEvent.action.like("credit.%"))
            )
        ]
        assert actions == ["credit.external", "credit.reverse"]
    Auth_.post(f"/admin/credits/entries/{reversal_id}/reverse", data={"reason": "no"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 2
        assert ledger.total_between(learner, dt.date(2000, 1, 1), today) == 0


def test_quotas_by_rank_level(app, make_user, make_unit):
    today = dt.date(2026, 11, 27)
    township = make_user(username="town", rank_level="township")
    county = make_user(username="county", rank_level="county")
    with app.app_context():
        boss = db.session.scalar(sa.select(User).where(User.username == "town"))
        for user_id, hours, on in [
            (township, 50, dt.date(2026, 3, 1)),
            (township, 60, dt.date(2025, 3, 1)),
            (county, 300, dt.date(2022, 6, 1)),
            (county, 260, dt.date(2026, 1, 5)),
            (county, 100, dt.date(2021, 12, 31)),
        ]:
            db.session.add(
                CreditEntry(
                    user_id=user_id,
                    hours=hours,
                    earned_on=on,
                    kind="external",
                    note="x",
                    entered_by_id=boss.id,
                )
            )
        db.session.commit()
        town = ledger.quota_standing(db.session.get(User, township), today)
        assert (town.year_total, town.period_total, town.required, town.behind) == (
            50,
            50,
            90,
            True,
        )
        county_standing = ledger.quota_standing(db.session.get(User, county), today)
        assert county_standing.period_start == dt.date(2022, 1, 1)
        assert (county_standing.period_total, county_standing.required, county_standing.behind) == (
            560,
            550,
            False,
        )
        assert [u.username for u, _ in ledger.behind(today)] == ["town"]
        ledger.set_quota("township", 40, 1)
        assert ledger.behind(today) == []


def test_assignments_due_dates_and_the_class_grid(app, client, make_user, make_unit, full_course):
    unit_id = make_unit("省委组织部", "干部一处")
    learner = make_user(username="zhang", unit_id=unit_id)
    other = make_user(username="li")
    teacher = make_user(Role.INSTRUCTOR, username="teacher")
    make_user(Role.INSTRUCTOR, username="stranger")
    with app.app_context():
        cohort = Cohort(name="2026 秋季班")
        cohort.members.extend([db.session.get(User, learner), db.session.get(User, other)])
        cohort.instructors.append(db.session.get(User, teacher))
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id
        course_id = db.session.scalar(sa.select(Course.id))
    t = app.test_client()
    assert Auth(t).login("teacher").status_code == 302
    wrong = Auth(t).post(
        f"/teach/classes/{cohort_id}/courses",
        data={"course": course_id, "starts_on": "2026-12-10", "due_on": "2026-12-01"},
    )
    assert wrong.status_code == 400
    Auth(t).post(
        f"/teach/classes/{cohort_id}/courses",
        data={"course": course_id, "starts_on": "2026-01-01", "due_on": "2026-02-01"},
    )
    s = app.test_client()
    assert Auth(s).login("stranger").status_code == 302
    assert s.get(f"/teach/classes/{cohort_id}/courses").status_code == 404
    assert s.get(f"/teach/classes/{cohort_id}/progress").status_code == 404

    assert Auth(client).login("zhang").status_code == 302
    mine = client.get("/my-learning").get_data(as_text=True)
    assert "已逾期：应于 2026-02-01 完成" in mine
    # The home page leads the learner to the assigned course too.
    home = client.get("/").get_data(as_text=True)
    assert "已逾期：应于 2026-02-01 完成" in home and "/courses/test-course" in home
    grid = t.get(f"/teach/classes/{cohort_id}/progress").get_data(as_text=True)
    assert grid.count("/teach/learners/") == 2
    only_unit = t.get(
        f"/teach/classes/{cohort_id}/progress?unit={make_unit('省委组织部')}"
    ).get_data(as_text=True)
    assert only_unit.count("/teach/learners/") == 1
    detail = t.get(f"/teach/learners/{learner}")
    assert detail.status_code == 200
    # The learner's own row of the class grid, for each class and assigned course.
    page = detail.get_data(as_text=True)
    assert "2026 秋季班" in page and page.count('class="grid-table"') == 1
    assert s.get(f"/teach/learners/{learner}").status_code == 404
