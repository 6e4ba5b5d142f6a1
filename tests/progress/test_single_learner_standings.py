"""One learner's standings in a course (lessons, quizzes, exercises), read by the course, equal
the same learner's standings read for a whole class by lists of items; the courses a learner
began, read in one statement, are those begun by any of the three."""

import datetime as dt

import sqlalchemy as sa

from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises.models import Exercise, ExerciseRun, LiveSession, RunStatus
from courseware.exercises.runs import best_runs, best_runs_for
from courseware.lessons import reading
from courseware.lessons.models import Lesson
from courseware.progress import tracking
from courseware.progress.models import LessonProgress, LessonStatus
from courseware.quizzes.attempts import quiz_statuses, quiz_statuses_for
from courseware.quizzes.models import Attempt, Quiz, QuizVersion
from courseware.timeutil import utcnow

T0 = dt.datetime(2026, 3, 1, 8, 0)


def attempt(quiz, user_id, number, score, passed):
    version = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.quiz_id == quiz.id))
    return Attempt(
        quiz_id=quiz.id,
        quiz_version_id=version.id,
        user_id=user_id,
        number=number,
        seed=number,
        status="submitted",
        started_at=T0,
        submitted_at=T0,
        score=score,
        max_score=10.0,
        passed=passed,
    )


def run(exercise, user_id, score, minutes, live=None, members=()):
    return ExerciseRun(
        exercise_id=exercise.id,
        user_id=user_id,
        live_id=live.id if live else None,
        members=list(members),
        seed=1,
        status=RunStatus.FINISHED,
        started_at=T0 + dt.timedelta(minutes=minutes),
        finished_at=T0 + dt.timedelta(minutes=minutes + 5),
        score=score,
        passed=score >= 60,
    )


def test_one_learner_read_by_the_course_equals_the_class_read_by_items(app, full_course, make_user):
    learner, classmate, stranger = (make_user(username=n) for n in ("zhang", "li", "wang"))
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        quiz = db.session.scalar(sa.select(Quiz))
        exercise = db.session.scalar(sa.select(Exercise))
        lesson_ids = db.session.scalars(sa.select(Lesson.id).order_by(Lesson.position)).all()
        first, second = lesson_ids[:2]
        db.session.add_all(
            [
                LessonProgress(user_id=learner, lesson_id=first, status=LessonStatus.COMPLETED),
                LessonProgress(user_id=learner, lesson_id=second, status=LessonStatus.IN_PROGRESS),
                LessonProgress(user_id=classmate, lesson_id=first, status=LessonStatus.IN_PROGRESS),
                attempt(quiz, learner, 1, 4.0, False),
                attempt(quiz, learner, 2, 9.0, True),
                attempt(quiz, classmate, 1, 3.0, False),
                run(exercise, learner, 50.0, 0),
                run(exercise, stranger, 95.0, 10),
            ]
        )
        live = LiveSession(exercise_id=exercise.id, seed=1)
        db.session.add(live)
        db.session.flush()
        # A team run of a live class: the learner played in it without holding it.
        db.session.add(run(exercise, None, 80.0, 20, live=live, members=(learner, classmate)))
        db.session.add(run(exercise, None, 99.0, 30, live=live, members=(stranger,)))
        db.session.commit()

    with app.test_request_context():
        course = db.session.scalar(sa.select(Course))
        lessons = reading.lesson_rows(course)
        ids = [lesson.id for lesson in lessons]
        everyone = [learner, classmate, stranger]
        for user_id in everyone:
            assert (
                tracking.statuses(user_id, course.id, ids)
                == tracking.statuses_for(everyone, ids)[user_id]
            )
            assert quiz_statuses(course, user_id) == quiz_statuses_for(course, everyone)[user_id]
            assert best_runs(course, user_id) == best_runs_for(course, everyone)[user_id]
        # What the learner did is there, and not the others' work.
        assert tracking.statuses(learner, course.id, ids)[first].status == "completed"
        assert quiz_statuses(course, learner)["check"].passed
        assert best_runs(course, learner)["drill"][1].score == 80.0
        assert best_runs(course, classmate)["drill"][1].score == 80.0
        # A lesson of the course not asked for is left out, as a list of lessons would.
        assert first not in tracking.statuses(learner, course.id, ids[1:])


def test_an_item_taken_out_leaves_the_learners_standing_at_once(app, full_course, make_user):
    learner = make_user(username="zhang")
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz))
        exercise = db.session.scalar(sa.select(Exercise))
        db.session.add_all([attempt(quiz, learner, 1, 9.0, True), run(exercise, learner, 90.0, 0)])
        db.session.commit()
        quiz.archived_at = exercise.archived_at = utcnow()
        db.session.commit()
    with app.test_request_context():
        course = db.session.scalar(sa.select(Course))
        assert quiz_statuses(course, learner) == {}
        assert best_runs(course, learner) == {}


def test_a_course_begun_with_an_exercise_alone_is_in_my_learning_until_archived(
    app, full_course, make_user
):
    from courseware.progress.learning import my_learning

    learner, other = make_user(username="zhang"), make_user(username="li")
    with app.app_context():
        exercise = db.session.scalar(sa.select(Exercise))
        db.session.add(run(exercise, learner, 50.0, 0))
        db.session.commit()
    with app.test_request_context():
        lines = my_learning(learner).courses
        assert [(line.course.slug, line.completed, line.total) for line in lines] == [
            ("test-course", 0, 2)
        ]
        assert my_learning(other).courses == []
        db.session.scalar(sa.select(Course)).archived_at = utcnow()
        db.session.commit()
        assert my_learning(learner).courses == []
