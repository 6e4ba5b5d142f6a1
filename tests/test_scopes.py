"""The scope matrix: every teach and admin route that takes an object's id or a course's slug
keeps to its scope.

For each such route (found by walking the URL map), an instructor who does not teach the object's
class and a unit administrator of another unit are refused (404, or 403), and the object's owner —
the class's instructor, the administrator of its unit, the course's editor — is served. A new
route of that kind with no entry below makes the matrix fail.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from courseware.access import audience_of
from courseware.accounts.models import Role, RosterUpload, User
from courseware.api import tokens
from courseware.certificates.batch import ClassCertificatesJob
from courseware.certificates.models import Certificate
from courseware.classroom import codes, posts, sessions
from courseware.classroom.models import ClassSession, LeaveRequest, LiveQuiz
from courseware.courses.images import clean_image
from courseware.courses.models import Course, CourseMedia, CourseRevision
from courseware.db import db
from courseware.exercises import timeline
from courseware.exercises.models import (
    Exercise,
    ExerciseRevision,
    ExerciseRun,
    LiveSession,
    ObserverNote,
)
from courseware.lessons.models import Lesson, LessonRevision
from courseware.progress.completion import check_completion
from courseware.progress.models import (
    CompletionRecheck,
    CourseAssignment,
    CreditEntry,
    TrainingImport,
    UnmatchedTraining,
)
from courseware.quizzes.models import Answer, QuestionRecord, Quiz, QuizOverride, QuizVersion
from courseware.reports.models import ExportJob
from courseware.reports.record_jobs import UnitRecordsJob
from courseware.timeutil import utcnow
from tests.conftest import Auth, csrf_token
from tests.courses.conftest import png
from tests.exercises.conftest import DRILL
from tests.progress.test_completion import complete_lessons
from tests.quizzes.conftest import QUIZ_YAML, RIGHT

LEARNER_NAME = "杭州学员甲"
REFUSED = {403, 404}


@dataclass
class World:
    """Ids of everything the matrix visits, and a signed-in client per person."""

    ids: dict
    clients: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


def _content(lessons_dir, tmp_path, sync):
    """The test course with quiz `check` and exercise `drill`, synced."""
    quizzes = tmp_path / "quizzes" / "test-course"
    quizzes.mkdir(parents=True)
    (quizzes / "check.yaml").write_text(QUIZ_YAML, "utf-8")
    exercises = tmp_path / "exercises" / "test-course"
    exercises.mkdir(parents=True)
    shutil.copy(DRILL, exercises / DRILL.name)
    # The course's instructor's guide, for those who edit the course or teach a class it is in.
    (lessons_dir / "guide.md").write_text("## 教学目的\n\n讲清楚。\n", "utf-8")
    course_yaml = lessons_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text("utf-8").replace(
            "  - lesson: second\n", "  - lesson: second\n  - quiz: check\n  - exercise: drill\n"
        ),
        "utf-8",
    )
    sync()


def _signed_in(app, username) -> Auth:
    client = app.test_client()
    auth = Auth(client)
    assert auth.login(username).status_code == 302
    return auth


@pytest.fixture
def world(app, make_user, make_unit, make_class, lessons_dir, sync, tmp_path):
    """Two cities, each with its unit administrator, instructor, class and learners, around a
    learner of Hangzhou who has taken the quiz, played the exercise and earned a certificate."""
    app.config["JOBS_INLINE"] = True
    _content(lessons_dir, tmp_path, sync)
    hz = make_unit("浙江省", "杭州市")
    xh = make_unit("浙江省", "杭州市", "西湖区")
    empty = make_unit("浙江省", "杭州市", "空科室")
    nb = make_unit("浙江省", "宁波市")
    ids = {"hz": hz, "xh": xh, "empty_unit": empty, "nb": nb}
    ids["prov"] = make_user(Role.ADMIN, username="prov")
    ids["hzadmin"] = make_user(Role.ADMIN, username="hzadmin", unit_id=hz, admin_unit_id=hz)
    ids["nbadmin"] = make_user(Role.ADMIN, username="nbadmin", unit_id=nb, admin_unit_id=nb)
    ids["owner"] = make_user(Role.INSTRUCTOR, username="owner", unit_id=hz)
    ids["guest"] = make_user(Role.INSTRUCTOR, username="guest", unit_id=hz)
    make_user(Role.INSTRUCTOR, username="guest2", unit_id=hz)
    ids["stranger"] = make_user(Role.INSTRUCTOR, username="stranger", unit_id=nb)
    ids["learner"] = make_user(username="hzlearner", name=LEARNER_NAME, unit_id=xh)
    ids["spare"] = make_user(username="hzspare", name="杭州学员乙", unit_id=xh)
    ids["nblearner"] = make_user(username="nblearner", name="宁波学员", unit_id=nb)
    ids["class_a"] = make_class(
        [ids["owner"]], [ids["learner"], ids["spare"]], name="杭州班", unit_id=hz
    )
    ids["class_b"] = make_class([ids["stranger"]], [ids["nblearner"]], name="宁波班", unit_id=nb)
    w = World(ids)
    for name in ("prov", "hzadmin", "nbadmin", "owner", "stranger"):
        w.clients[name] = _signed_in(app, name)

    # The learner takes the quiz (its essay waits for a grade) and plays the exercise.
    learner = _signed_in(app, "hzlearner")
    started = learner.post("/quizzes/test-course/check/start")
    attempt_id = int(re.search(r"/quizzes/attempts/(\d+)$", started.location).group(1))
    learner.client.post(
        f"/quizzes/attempts/{attempt_id}/submit",
        data={"csrf_token": csrf_token(learner.client, "/"), "sequence": "1", **RIGHT},
    )
    played = learner.post("/exercises/test-course/drill/start")
    ids["run"] = int(re.search(r"/exercises/runs/(\d+)$", played.location).group(1))
    learner.client.post(
        f"/exercises/runs/{ids['run']}/act",
        data={
            "csrf_token": csrf_token(learner.client, f"/exercises/runs/{ids['run']}"),
            "kind": "post",
            "text": "我们正在核实。",
        },
    )
    complete_lessons(app, ids["learner"])
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        check_completion(course.id, ids["learner"], utcnow())
        db.session.add(
            CourseAssignment(
                cohort_id=ids["class_a"],
                course_id=course.id,
                starts_on=utcnow().date(),
                due_on=utcnow().date(),
            )
        )
        db.session.add(
            RosterUpload(
                uploaded_by_id=ids["hzadmin"],
                filename="roster.csv",
                content="用户名,姓名,单位\nnewbie,新学员,浙江省/杭州市/西湖区\n".encode(),
            )
        )
        db.session.add(CompletionRecheck(course_id=course.id, status="done"))
        sheet = TrainingImport(
            filename="training.csv",
            file_sha256="0" * 64,
            key_field="employee_no",
            imported_by_id=ids["hzadmin"],
            unit_id=hz,
            content="工号,培训类别,开始日期,学时,培训名称\nX1,授课,2026-01-05,2,讲课\n".encode(),
        )
        db.session.add(sheet)
        db.session.flush()
        db.session.add(
            UnmatchedTraining(
                import_id=sheet.id,
                row=2,
                key_value="X2",
                values={"kind": "other", "start": "2026-01-05", "hours": 2, "note": "自学"},
                import_key="1" * 64,
            )
        )
        token, _raw = tokens.issue_token(
            "接口", ["reports:read"], db.session.get(User, ids["prov"])
        )
        db.session.commit()
        ids["course"] = course.id
        ids["course_slug"] = course.slug
        ids["quiz"] = db.session.scalar(sa.select(Quiz.id))
        ids["quiz_version"] = db.session.scalar(
            sa.select(QuizVersion.id).where(QuizVersion.quiz_id == ids["quiz"])
        )
        ids["exercise"] = db.session.scalar(sa.select(Exercise.id))
        ids["scenario_revision"] = db.session.scalar(sa.select(ExerciseRevision.id))
        ids["answer"] = db.session.scalar(
            sa.select(Answer.id).where(Answer.state == "manual", Answer.attempt_id == attempt_id)
        )
        ids["assignment"] = db.session.scalar(sa.select(CourseAssignment.id))
        ids["certificate"] = db.session.scalar(sa.select(Certificate.id))
        ids["credit"] = db.session.scalar(
            sa.select(CreditEntry.id).where(CreditEntry.user_id == ids["learner"])
        )
        ids["upload"] = db.session.scalar(sa.select(RosterUpload.id))
        ids["recheck"] = db.session.scalar(sa.select(CompletionRecheck.id))
        ids["training_import"] = db.session.scalar(sa.select(TrainingImport.id))
        ids["unmatched"] = db.session.scalar(sa.select(UnmatchedTraining.id))
        ids["token"] = token.id
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "first"))
        ids["lesson_slug"] = lesson.slug
        ids["revision"] = db.session.scalar(
            sa.select(LessonRevision.id).where(LessonRevision.lesson_id == lesson.id)
        )
        ids["course_revision"] = db.session.scalar(
            sa.select(CourseRevision.id).where(CourseRevision.course_id == course.id).limit(1)
        )
        image = clean_image(png(), "a.png")
        ids["media"] = "a.png"
        db.session.add(
            CourseMedia(
                course_id=course.id,
                name="a.png",
                content_type=image.content_type,
                data=image.data,
                size=len(image.data),
                sha256=image.sha256,
                width=image.width,
                height=image.height,
                source="browser",
            )
        )
        db.session.commit()
        ids["question"] = db.session.scalar(
            sa.select(QuestionRecord.id).where(QuestionRecord.name == "pick-one")
        )
        # A category of the bank, for the route that names one.
        db.session.execute(
            sa.update(QuestionRecord)
            .where(QuestionRecord.name == "think")
            .values(category="scope-check")
        )
        db.session.commit()
    created = w.clients["owner"].post(
        f"/teach/exercises/{ids['exercise']}/live",
        data={"cohort": ids["class_a"], "teams": "1", "speed": "1"},
    )
    assert created.status_code == 302, created.status_code
    with app.app_context():
        ids["live"] = db.session.scalar(sa.select(LiveSession.id))
        ids["team"] = db.session.scalar(
            sa.select(ExerciseRun.id).where(ExerciseRun.live_id == ids["live"])
        )
        ids["timeline_csv"] = timeline.export_bytes(
            db.session.get(Exercise, ids["exercise"]).scenario, "csv"
        )
    # An observer is invited and the instructor writes a note.
    owner = w.clients["owner"]
    assert (
        owner.post(
            f"/teach/exercises/live/{ids['live']}/observers", data={"username": "guest"}
        ).status_code
        == 302
    )
    assert (
        owner.post(
            f"/teach/exercises/live/{ids['live']}/notes",
            data={"text": "第一组反应很快", "inject": "", "team": ""},
        ).status_code
        == 302
    )
    with app.app_context():
        ids["note"] = db.session.scalar(sa.select(ObserverNote.id))
    # A class session of Hangzhou's class, and a leave request from one of its learners.
    opened = owner.post(
        "/teach/sessions/",
        data={
            "cohort": ids["class_a"],
            "date": "2026-12-01",
            "time": "09:00",
            "planned_hours": "3",
            "place": "201",
            "topic": "",
        },
    )
    assert opened.status_code == 302, opened.status_code
    ids["class_session"] = int(re.search(r"/teach/sessions/(\d+)$", opened.location).group(1))
    spare = _signed_in(app, "hzspare")
    assert (
        spare.post(f"/room/{ids['class_session']}/leave", data={"reason": "出差"}).status_code
        == 302
    )
    with app.app_context():
        ids["leave"] = db.session.scalar(sa.select(LeaveRequest.id))
        # The learner checks in and asks a question from the room.
        session = db.session.get(ClassSession, ids["class_session"])
        now = utcnow()
        sessions.check_in(session, ids["learner"], codes.current_code(session.secret, now), now)
        ids["room_post"] = posts.send(
            session, ids["learner"], "question", "为什么？", False, now
        ).id
        db.session.commit()
    # A live quiz on the course's bank.
    started = owner.post(
        f"/teach/sessions/{ids['class_session']}/live-quiz",
        data={"course": ids["course"], "counts_for": "0", "seconds": "30"},
    )
    assert started.status_code == 302, started.status_code
    with app.app_context():
        ids["live_quiz"] = db.session.scalar(sa.select(LiveQuiz.id))
    exported = w.clients["hzadmin"].post("/reports/exports", data={"format": "csv"})
    assert exported.status_code == 302
    with app.app_context():
        ids["job"] = db.session.scalar(sa.select(ExportJob.id))
    drawn = owner.post(f"/teach/classes/{ids['class_a']}/certificates.pdf")
    assert drawn.status_code == 302, drawn.status_code
    with app.app_context():
        ids["class_pdf"] = db.session.scalar(sa.select(ClassCertificatesJob.id))
    workbook = w.clients["hzadmin"].post(f"/records/units/{ids['xh']}/exports")
    assert workbook.status_code == 302, workbook.status_code
    with app.app_context():
        ids["unit_records"] = db.session.scalar(sa.select(UnitRecordsJob.id))
    return w


@dataclass
class Entry:
    """One route of the matrix: how to call it on the world's objects, and who owns them."""

    path: Callable[[World], str]
    owner: str
    method: str = "GET"
    data: Callable[[World], dict] = lambda w: {}
    served: frozenset = frozenset({200})
    # Routes over content every class shares (a quiz's results) serve everyone who teaches and
    # leave out the learners they do not teach, rather than refuse.
    hides_learner: bool = False
    outsiders: tuple = ("stranger", "nbadmin")
    # What must stay unchanged after the outsiders' requests, when they are not refused outright.
    unchanged: Callable | None = None


def _no_override(app, w):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(QuizOverride)) == 0


REDIRECT = frozenset({302})
ENTRIES: dict[str, Entry] = {
    # --- classes, seen by their instructors ---
    "classes.class_detail": Entry(lambda w: f"/classes/{w.class_a}", "owner"),
    "teach_progress.assignments": Entry(lambda w: f"/teach/classes/{w.class_a}/courses", "owner"),
    "teach_progress.grid": Entry(lambda w: f"/teach/classes/{w.class_a}/progress", "owner"),
    "notifications.remind_class": Entry(
        lambda w: f"/teach/classes/{w.class_a}/remind-overdue", "owner", "POST", served=REDIRECT
    ),
    "notifications.remind_unit": Entry(
        lambda w: f"/reports/units/{w.hz}/remind-overdue", "hzadmin", "POST", served=REDIRECT
    ),
    "teach_progress.learner": Entry(lambda w: f"/teach/learners/{w.learner}", "owner"),
    "teach_progress.unassign": Entry(
        lambda w: f"/teach/classes/{w.class_a}/courses/{w.assignment}/remove",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    # --- courses: their completion rule (editors) and instructor's guide (editors and teachers) ---
    "teach_progress.completion_rule": Entry(
        lambda w: f"/teach/courses/{w.course_slug}/completion", "owner"
    ),
    "teach_progress.completion_recheck": Entry(
        lambda w: f"/teach/courses/{w.course_slug}/completion/rechecks/{w.recheck}", "owner"
    ),
    "teach_progress.guide": Entry(lambda w: f"/teach/courses/{w.course_slug}/guide", "owner"),
    # --- quizzes ---
    "teach_quizzes.overview": Entry(
        lambda w: f"/teach/quizzes/{w.quiz}", "owner", hides_learner=True
    ),
    "teach_quizzes.export": Entry(
        lambda w: f"/teach/quizzes/{w.quiz}/export.csv", "owner", hides_learner=True
    ),
    "teach_quizzes.grade": Entry(lambda w: f"/teach/quizzes/answers/{w.answer}", "owner"),
    "teach_quizzes.set_override": Entry(
        lambda w: f"/teach/quizzes/{w.quiz}/overrides",
        "owner",
        "POST",
        data=lambda w: {"username": "hzlearner", "extra_attempts": "1", "extra_minutes": "0"},
        served=REDIRECT,
        unchanged=_no_override,
    ),
    "teach_quizzes.regrade": Entry(
        lambda w: f"/teach/quizzes/{w.quiz}/regrade", "prov", "POST", served=REDIRECT
    ),
    # --- exercises ---
    "teach_exercises.create_live": Entry(
        lambda w: f"/teach/exercises/{w.exercise}/live",
        "owner",
        "POST",
        data=lambda w: {"cohort": w.class_a, "teams": "1", "speed": "1"},
        served=REDIRECT,
    ),
    "teach_exercises.control": Entry(lambda w: f"/teach/exercises/live/{w.live}", "owner"),
    "teach_exercises.control_board": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/board", "owner"
    ),
    "teach_exercises.projector": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/projector", "owner"
    ),
    "teach_exercises.projector_board": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/projector/board", "owner"
    ),
    "teach_exercises.live_report": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/report", "owner"
    ),
    "teach_exercises.command": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/control",
        "owner",
        "POST",
        data=lambda w: {"command": "start"},
        served=REDIRECT,
    ),
    "teach_exercises.review": Entry(lambda w: f"/teach/exercises/runs/{w.run}/review", "owner"),
    "teach_exercises.projector_full": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/projector/full", "owner"
    ),
    "teach_exercises.projector_full_board": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/projector/full/board", "owner"
    ),
    "teach_exercises.live_report_pdf": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/report.pdf", "owner"
    ),
    # --- observers of a live run ---
    "observe_exercises.observe": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/observe", "owner"
    ),
    "observe_exercises.export_evaluations": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/evaluations.csv", "owner"
    ),
    "observe_exercises.add_note": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/notes",
        "owner",
        "POST",
        data=lambda w: {"text": "回应及时", "inject": "", "team": str(w.team)},
        served=REDIRECT,
    ),
    "observe_exercises.delete_note": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/notes/{w.note}/delete",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "observe_exercises.rate": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/teams/{w.team}/ratings",
        "owner",
        "POST",
        data=lambda w: {"rating-public-information": "S", "comment-public-information": ""},
        served=REDIRECT,
    ),
    "observe_exercises.invite": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/observers",
        "owner",
        "POST",
        data=lambda w: {"username": "guest2"},
        served=REDIRECT,
    ),
    "observe_exercises.remove_observer": Entry(
        lambda w: f"/teach/exercises/live/{w.live}/observers/{w.guest}/remove",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    # --- a scenario's timeline, edited by its course's editors ---
    "exercise_timeline.timeline_page": Entry(
        lambda w: f"/teach/exercises/{w.exercise}/timeline",
        "owner",
        "POST",
        data=lambda w: {"file": (io.BytesIO(w.timeline_csv), "drill.csv")},
    ),
    "exercise_timeline.timeline_download": Entry(
        lambda w: f"/teach/exercises/{w.exercise}/timeline.xlsx", "owner"
    ),
    # --- scenarios, edited and play-tested by their course's editors ---
    "scenario_author.index": Entry(lambda w: f"/author/{w.course_slug}/scenarios/", "owner"),
    "scenario_author.edit": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/drill/edit", "owner"
    ),
    "scenario_author.history": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/drill/history", "owner"
    ),
    "scenario_author.revision": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/drill/revisions/{w.scenario_revision}",
        "owner",
    ),
    "scenario_author.playtest_page": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/drill/playtest",
        "owner",
        served=frozenset({200, 302}),
    ),
    "scenario_author.playtest_report": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/drill/playtest/report",
        "owner",
        served=frozenset({200, 302}),
    ),
    "scenario_author.copy": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/drill/copy",
        "owner",
        "POST",
        data=lambda w: {"copy-drill-slug": "drill-two", "copy-drill-position": "end"},
        served=REDIRECT,
    ),
    "scenario_author.copy_shipped": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/from/{w.exercise}",
        "owner",
        "POST",
        data=lambda w: {
            f"shipped-{w.exercise}-slug": "drill-three",
            f"shipped-{w.exercise}-position": "end",
        },
        served=REDIRECT,
    ),
    "scenario_author.publish": Entry(
        lambda w: (
            f"/author/{w.course_slug}/scenarios/drill/revisions/{w.scenario_revision}/publish"
        ),
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "scenario_author.playtest_start": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/drill/playtest",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "scenario_author.playtest_act": Entry(
        lambda w: f"/author/{w.course_slug}/scenarios/drill/playtest/act",
        "owner",
        "POST",
        data=lambda w: {"kind": "forward", "minutes": "5"},
        served=REDIRECT,
    ),
    # --- lessons, edited by their course's editors ---
    "author.edit": Entry(lambda w: f"/author/{w.course_slug}/{w.lesson_slug}/edit", "owner"),
    "author.new": Entry(lambda w: f"/author/{w.course_slug}/new", "owner"),
    "author.preview": Entry(
        lambda w: f"/author/{w.course_slug}/preview",
        "owner",
        "POST",
        data=lambda w: {"lang": "zh", "body_zh": "预览"},
    ),
    "author.history": Entry(lambda w: f"/author/{w.course_slug}/{w.lesson_slug}/history", "owner"),
    "author.diff": Entry(
        lambda w: f"/author/{w.course_slug}/{w.lesson_slug}/diff?a={w.revision}&b={w.revision}",
        "owner",
    ),
    "author.publish": Entry(
        lambda w: f"/author/{w.course_slug}/{w.lesson_slug}/revisions/{w.revision}/publish",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "author.revert": Entry(
        lambda w: f"/author/{w.course_slug}/{w.lesson_slug}/revisions/{w.revision}/revert",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    # --- quizzes, built by their course's editors ---
    "quiz_author.new_quiz": Entry(lambda w: f"/author/{w.course_slug}/quizzes/new", "owner"),
    "quiz_author.edit_quiz": Entry(
        lambda w: f"/author/{w.course_slug}/quizzes/check/edit", "owner"
    ),
    "quiz_author.preview_quiz": Entry(
        lambda w: f"/author/{w.course_slug}/quizzes/check/preview?seed=1", "owner"
    ),
    "quiz_author.find_questions": Entry(
        lambda w: f"/author/{w.course_slug}/quizzes/questions?q=pick", "owner"
    ),
    "quiz_author.publish_quiz": Entry(
        lambda w: f"/author/{w.course_slug}/quizzes/check/publish",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    # --- a quiz's versions and its place in the course, by its course's editors ---
    "quiz_history.quiz_history": Entry(
        lambda w: f"/author/{w.course_slug}/quizzes/check/history", "owner"
    ),
    "quiz_history.quiz_diff": Entry(
        lambda w: (
            f"/author/{w.course_slug}/quizzes/check/diff?a={w.quiz_version}&b={w.quiz_version}"
        ),
        "owner",
    ),
    "quiz_history.revert_quiz": Entry(
        lambda w: f"/author/{w.course_slug}/quizzes/check/versions/{w.quiz_version}/revert",
        "owner",
        "POST",
        data=lambda w: {"base_version_id": str(w.quiz_version)},
        served=REDIRECT,
    ),
    # The quiz is taken out, then put back, so the course is as it was for what follows.
    "quiz_history.take_out": Entry(
        lambda w: f"/author/{w.course_slug}/quizzes/check/take-out",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "quiz_history.put_back": Entry(
        lambda w: f"/author/{w.course_slug}/quizzes/check/put-back",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    # --- the question bank, edited by the course's editors ---
    "bank.index": Entry(lambda w: f"/author/{w.course_slug}/bank", "owner"),
    "bank.show": Entry(lambda w: f"/author/{w.course_slug}/bank/{w.question}", "owner"),
    "bank.new": Entry(lambda w: f"/author/{w.course_slug}/bank/new?type=single", "owner"),
    "bank.edit": Entry(lambda w: f"/author/{w.course_slug}/bank/{w.question}/edit", "owner"),
    "bank.preview": Entry(
        lambda w: f"/author/{w.course_slug}/bank/preview",
        "owner",
        "POST",
        data=lambda w: {"type": "truefalse", "text-zh": "对吗？", "answer": "true"},
    ),
    "bank.name_category": Entry(
        lambda w: f"/author/{w.course_slug}/bank/category",
        "owner",
        "POST",
        data=lambda w: {"key": "scope-check", "name_zh": "范围", "name_en": "Scope"},
        served=REDIRECT,
    ),
    "bank.duplicate": Entry(
        lambda w: f"/author/{w.course_slug}/bank/{w.question}/duplicate",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "bank.archive": Entry(
        lambda w: f"/author/{w.course_slug}/bank/{w.question}/archive",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "bank.restore": Entry(
        lambda w: f"/author/{w.course_slug}/bank/{w.question}/restore",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    # --- reports ---
    "reports.export_status": Entry(lambda w: f"/reports/exports/{w.job}", "hzadmin"),
    "reports.download": Entry(lambda w: f"/reports/exports/{w.job}/download", "hzadmin"),
    "class_certificates.start": Entry(
        lambda w: f"/teach/classes/{w.class_a}/certificates.pdf", "owner", "POST", served=REDIRECT
    ),
    "class_certificates.status": Entry(lambda w: f"/teach/certificate-jobs/{w.class_pdf}", "owner"),
    "class_certificates.download": Entry(
        lambda w: f"/teach/certificate-jobs/{w.class_pdf}/download", "hzadmin"
    ),
    # --- training records (个人培训档案) ---
    "records.learner": Entry(lambda w: f"/records/users/{w.learner}", "hzadmin"),
    "records.learner_pdf": Entry(lambda w: f"/records/users/{w.learner}.pdf", "hzadmin"),
    "records.learner_xlsx": Entry(lambda w: f"/records/users/{w.learner}.xlsx", "hzadmin"),
    "records.start_unit": Entry(
        lambda w: f"/records/units/{w.xh}/exports", "hzadmin", "POST", served=REDIRECT
    ),
    "records.unit_status": Entry(lambda w: f"/records/exports/{w.unit_records}", "hzadmin"),
    "records.unit_download": Entry(
        lambda w: f"/records/exports/{w.unit_records}/download", "hzadmin"
    ),
    # --- administration of a unit ---
    "admin.user_edit": Entry(lambda w: f"/admin/users/{w.learner}", "hzadmin"),
    "admin.user_password": Entry(
        lambda w: f"/admin/users/{w.learner}/password", "hzadmin", served=REDIRECT
    ),
    "admin.user_unlock": Entry(
        lambda w: f"/admin/users/{w.learner}/unlock", "hzadmin", "POST", served=REDIRECT
    ),
    "admin.user_reset_password": Entry(
        lambda w: f"/admin/users/{w.spare}/reset-password", "hzadmin", "POST", served=REDIRECT
    ),
    "admin.user_deactivate": Entry(
        lambda w: f"/admin/users/{w.spare}/deactivate", "hzadmin", "POST", served=REDIRECT
    ),
    "admin.user_activate": Entry(
        lambda w: f"/admin/users/{w.spare}/activate", "hzadmin", "POST", served=REDIRECT
    ),
    "admin.unit_edit": Entry(lambda w: f"/admin/units/{w.xh}", "hzadmin"),
    "admin.unit_delete": Entry(
        lambda w: f"/admin/units/{w.empty_unit}/delete", "hzadmin", "POST", served=REDIRECT
    ),
    "admin.cohort_edit": Entry(lambda w: f"/admin/classes/{w.class_a}", "hzadmin"),
    "admin.cohort_add_members": Entry(
        lambda w: f"/admin/classes/{w.class_a}/members",
        "hzadmin",
        "POST",
        data=lambda w: {"usernames": "hzlearner", "unit_id": ""},
        served=REDIRECT,
    ),
    "admin.cohort_remove_member": Entry(
        lambda w: f"/admin/classes/{w.class_a}/members/{w.spare}/remove",
        "hzadmin",
        "POST",
        served=REDIRECT,
    ),
    "admin.roster_preview": Entry(lambda w: f"/admin/import/{w.upload}", "hzadmin"),
    "admin.roster_progress": Entry(lambda w: f"/admin/import/{w.upload}/progress", "hzadmin"),
    "admin.roster_done": Entry(
        lambda w: f"/admin/import/{w.upload}/done", "hzadmin", served=frozenset({200, 302})
    ),
    "admin.roster_commit": Entry(
        lambda w: f"/admin/import/{w.upload}/commit", "hzadmin", "POST", served=REDIRECT
    ),
    "admin.roster_passwords": Entry(
        lambda w: f"/admin/import/{w.upload}/passwords", "hzadmin", "POST"
    ),
    "credits.add": Entry(
        lambda w: f"/admin/credits/{w.learner}/add",
        "hzadmin",
        "POST",
        data=lambda w: {"hours": "2", "earned_on": "2026-01-05", "note": "党校培训"},
        served=REDIRECT,
    ),
    "credits.reverse": Entry(
        lambda w: f"/admin/credits/entries/{w.credit}/reverse",
        "hzadmin",
        "POST",
        data=lambda w: {"reason": "重复登记"},
        served=REDIRECT,
    ),
    "training_import.training_preview": Entry(
        lambda w: f"/admin/credits/import/{w.training_import}", "hzadmin"
    ),
    "training_import.training_apply": Entry(
        lambda w: f"/admin/credits/import/{w.training_import}/apply",
        "hzadmin",
        "POST",
        served=REDIRECT,
    ),
    "training_import.unmatched_match": Entry(
        lambda w: f"/admin/credits/unmatched/{w.unmatched}/match",
        "hzadmin",
        "POST",
        data=lambda w: {"username": "hzlearner"},
        served=REDIRECT,
    ),
    "training_import.unmatched_discard": Entry(
        lambda w: f"/admin/credits/unmatched/{w.unmatched}/discard",
        "hzadmin",
        "POST",
        data=lambda w: {"reason": "非本单位人员"},
        served=REDIRECT,
    ),
    "certificates.revoke": Entry(
        lambda w: f"/admin/certificates/{w.certificate}/revoke",
        "hzadmin",
        "POST",
        data=lambda w: {"reason": "信息有误"},
        served=REDIRECT,
    ),
    # --- class sessions (课堂), run by the class's instructors ---
    "teach_classroom.control": Entry(lambda w: f"/teach/sessions/{w.class_session}", "owner"),
    "teach_classroom.board": Entry(lambda w: f"/teach/sessions/{w.class_session}/board", "owner"),
    "teach_classroom.projector": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/projector", "owner"
    ),
    "teach_classroom.projector_board": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/projector/board", "owner"
    ),
    "teach_classroom.correct": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/attendance/{w.learner}",
        "owner",
        "POST",
        data=lambda w: {"status": "present", "reason": "现场确认"},
        served=REDIRECT,
    ),
    "teach_classroom.decide": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/leave/{w.leave}",
        "owner",
        "POST",
        data=lambda w: {"decision": "approve"},
        served=REDIRECT,
    ),
    "teach_classroom.roll_call": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/roll-call", "owner", "POST", served=REDIRECT
    ),
    "teach_classroom.clear_activity": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/activity/clear",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "teach_classroom.close": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/close", "owner", "POST", served=REDIRECT
    ),
    "teach_classroom.reverse": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/reverse",
        "owner",
        "POST",
        data=lambda w: {"reason": "重复登记"},
        served=REDIRECT,
    ),
    # --- the live quiz and the questions from the room, run by the class's instructors ---
    "teach_classroom_live.board": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/live", "owner"
    ),
    "teach_classroom_live.bullets": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/projector/bullets", "owner"
    ),
    "teach_classroom_live.report": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/live-quiz/{w.live_quiz}", "owner"
    ),
    "teach_classroom_live.export": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/live-quiz/{w.live_quiz}/export/csv", "owner"
    ),
    "teach_classroom_live.start": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/live-quiz",
        "owner",
        "POST",
        data=lambda w: {"course": w.course, "counts_for": "0", "seconds": "30"},
        served=REDIRECT,
    ),
    "teach_classroom_live.push": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/live-quiz/{w.live_quiz}/push",
        "owner",
        "POST",
        data=lambda w: {"question": w.question, "seconds": "20"},
        served=REDIRECT,
    ),
    "teach_classroom_live.close_question": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/live-quiz/{w.live_quiz}/close-question",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "teach_classroom_live.decide_post": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/posts/{w.room_post}/decide",
        "owner",
        "POST",
        data=lambda w: {"decision": "approve"},
        served=REDIRECT,
    ),
    "teach_classroom_live.moderation": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/posts/moderation",
        "owner",
        "POST",
        data=lambda w: {"moderation": "off"},
        served=REDIRECT,
    ),
    "teach_classroom_live.show_questions": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/posts/show",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "teach_classroom_live.finish": Entry(
        lambda w: f"/teach/sessions/{w.class_session}/live-quiz/{w.live_quiz}/finish",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    # --- the province's own: API tokens read every unit, courses serve every unit ---
    "admin.course_editors": Entry(lambda w: f"/admin/courses/{w.course}", "prov"),
    "api_admin.created": Entry(
        lambda w: f"/admin/api-tokens/{w.token}/created", "prov", served=REDIRECT
    ),
    "api_admin.revoke": Entry(
        lambda w: f"/admin/api-tokens/{w.token}/revoke",
        "prov",
        "POST",
        served=REDIRECT,
        outsiders=("stranger", "nbadmin", "hzadmin"),
    ),
    # --- courses, edited by their editors: the outline, settings, images, history ---
    "author.course": Entry(lambda w: f"/author/{w.course_slug}/", "owner"),
    "author.settings": Entry(lambda w: f"/author/{w.course_slug}/settings", "owner"),
    "author.media": Entry(lambda w: f"/author/{w.course_slug}/media", "owner"),
    "author.course_history": Entry(lambda w: f"/author/{w.course_slug}/history", "owner"),
    "author.reorder": Entry(
        lambda w: f"/author/{w.course_slug}/outline",
        "owner",
        "POST",
        data=lambda w: {"item": f"lesson:{w.lesson_slug}", "direction": "down"},
        served=REDIRECT,
    ),
    "author.publish_course": Entry(
        lambda w: f"/author/{w.course_slug}/publish",
        "owner",
        "POST",
        data=lambda w: {"published": "1"},
        served=REDIRECT,
    ),
    # Each change below is undone by the next, so the course is as it was for what follows.
    "author.take_out": Entry(
        lambda w: f"/author/{w.course_slug}/{w.lesson_slug}/take-out",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "author.put_back": Entry(
        lambda w: f"/author/{w.course_slug}/{w.lesson_slug}/put-back",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "author.archive_course": Entry(
        lambda w: f"/author/{w.course_slug}/archive", "owner", "POST", served=REDIRECT
    ),
    "author.restore_course": Entry(
        lambda w: f"/author/{w.course_slug}/restore", "owner", "POST", served=REDIRECT
    ),
    "author.revert_course": Entry(
        lambda w: f"/author/{w.course_slug}/history/{w.course_revision}/revert",
        "owner",
        "POST",
        served=REDIRECT,
    ),
    "author.delete_media": Entry(
        lambda w: f"/author/{w.course_slug}/media/{w.media}/delete",
        "owner",
        "POST",
        served=REDIRECT,
    ),
}


def scoped_routes(app) -> dict[str, str]:
    """Endpoint → rule of every route kept to some roles that takes an object's id or a course."""
    found = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            audience = audience_of(rule.endpoint)
            takes_id = any(isinstance(c, IntegerConverter) for c in rule._converters.values())
            takes_id = takes_id or "course_slug" in rule.arguments
            if takes_id and isinstance(audience, frozenset):
                found[rule.endpoint] = rule.rule
    return found


def test_every_scoped_route_has_an_entry_in_the_matrix(app):
    routes = scoped_routes(app)
    missing = sorted(
        f"{endpoint} {rule}" for endpoint, rule in routes.items() if endpoint not in ENTRIES
    )
    assert not missing, "routes with an object id and no entry in the scope matrix: " + ", ".join(
        missing
    )
    assert not set(ENTRIES) - set(routes), "entries for routes that no longer exist"


def _call(w: World, who: str, entry: Entry):
    auth = w.clients[who]
    path = entry.path(w)
    if entry.method == "GET":
        return auth.client.get(path)
    return auth.post(path, data=entry.data(w))


def test_outsiders_are_refused_and_owners_served(app, world):
    from courseware.courses.models import course_editor

    with app.app_context():
        db.session.execute(
            course_editor.insert().values(course_id=world.course, user_id=world.owner)
        )
        db.session.commit()
    failures = []
    for endpoint, entry in ENTRIES.items():
        for who in entry.outsiders:
            response = _call(world, who, entry)
            if entry.hides_learner:
                ok = response.status_code == 200 and LEARNER_NAME not in response.get_data(
                    as_text=True
                )
            elif entry.unchanged is not None:
                # Refused outright, or answered as a form error (400) or a redirect: either way
                # nothing may have changed.
                ok = response.status_code in REFUSED | {302, 400} and entry.unchanged(app, world)
            else:
                ok = response.status_code in REFUSED
            if not ok:
                failures.append(f"{endpoint}: {who} got {response.status_code}")
    # Reads first, then changes, in the order above: what one change does is not another's object.
    ordered = sorted(ENTRIES.items(), key=lambda item: item[1].method != "GET")
    for endpoint, entry in ordered:
        response = _call(world, entry.owner, entry)
        ok = response.status_code in entry.served
        if ok and entry.hides_learner:
            ok = LEARNER_NAME in response.get_data(as_text=True)
        if not ok:
            failures.append(f"{endpoint}: owner {entry.owner} got {response.status_code}")
    assert not failures, failures
