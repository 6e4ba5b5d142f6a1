"""Instructors' view of their classes: assigning courses, the progress grid, a learner's detail,
and a course's completion rule."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware import jobs, permissions
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.accounts.models import Cohort, cohort_member, User
from courseware.courses import authoring as course_authoring
from courseware.courses import catalogue
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises.runs import runs_of
from courseware.formfields import row_id
from courseware.i18n import text
from courseware.lessons import reading
from courseware.progress import classes, completion, course_info, rechecks
from courseware.progress.completion import standing
from courseware.progress.forms import AssignForm, CompletionRuleForm, GridFilterForm
from courseware.progress.models import CourseAssignment, LessonProgress
from courseware.quizzes.models import Attempt
from courseware.timeutil import local_today, utcnow

bp = Blueprint("teach_progress", __name__, url_prefix="/teach")


def taught_cohort(cohort_id: int) -> Cohort:
    """The class, if the user teaches or administers it; 404 otherwise, so ids leak nothing."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not permissions.may_teach(current_user, cohort):
        abort(404)
    return cohort


@bp.route("/classes/<int:cohort_id>/courses", methods=["GET", "POST"])
@roles(*permissions.STAFF)
def assignments(cohort_id):
    """Assign courses to a class with a start and a due date."""
    cohort = taught_cohort(cohort_id)
    courses = catalogue.active_courses()
    form = AssignForm(courses=courses, starts_on=local_today())
    if form.validate_on_submit():
        course, starts_on, due_on = form.chosen_course, form.starts_on.data, form.due_on.data
        requirement = form.requirement.data
        classes.assign(cohort, course, starts_on, due_on, current_user, requirement)
        record(
            "class.assign",
            f"class:{cohort.name}",
            {
                "course": course.slug,
                "starts_on": starts_on.isoformat(),
                "due_on": due_on.isoformat(),
                "requirement": requirement,
            },
        )
        db.session.commit()
        flash(
            _(
                "Assigned %(course)s to %(cohort)s, due %(due)s.",
                course=text(course.title),
                cohort=cohort.name,
                due=due_on.isoformat(),
            ),
            "success",
        )
        return redirect(url_for(".assignments", cohort_id=cohort.id))
    return render_template(
        "progress/teach/assignments.html",
        cohort=cohort,
        courses=courses,
        assignments=[
            (a, db.session.get(Course, a.course_id))
            for a in classes.assignments_of_cohort(cohort.id)
        ],
        today=local_today(),
        form=form,
    ), (400 if form.errors else 200)


@bp.route("/classes/<int:cohort_id>/courses/<int:assignment_id>/remove", methods=["POST"])
@roles(*permissions.STAFF)
def unassign(cohort_id, assignment_id):
    cohort = taught_cohort(cohort_id)
    assignment = db.session.get(CourseAssignment, assignment_id)
    if assignment is None or assignment.cohort_id != cohort.id:
        abort(404)
    record("class.unassign", f"class:{cohort.name}", {"course": assignment.course_id})
    db.session.delete(assignment)
    db.session.commit()
    flash(
        _("The course is no longer assigned to this class; progress already made is kept."),
        "success",
    )
    return redirect(url_for(".assignments", cohort_id=cohort.id))


@bp.route("/classes/<int:cohort_id>/progress")
@roles(*permissions.STAFF)
def grid(cohort_id):
    """Learners × course items, each cell the status and score; sortable and filterable by unit."""
    cohort = taught_cohort(cohort_id)
    assigned = classes.assignments_of_cohort(cohort.id)
    courses = [db.session.get(Course, a.course_id) for a in assigned] or catalogue.active_courses()
    classes.load_units(cohort.members)  # every unit and its parents in one query, not one each
    units = sorted({m.unit for m in cohort.members if m.unit}, key=lambda u: u.path())
    form = GridFilterForm(request.args, courses=courses)
    valid = form.validate()  # a filter that does not fit is named beside its box, and left out
    course = next(
        (c for c in courses if str(c.id) == form.course.data and not form.course.errors),
        courses[0] if courses else None,
    )
    unit_id = row_id(form.unit.data) if not form.unit.errors else None
    sort = form.sort.data if not form.sort.errors else "name"
    columns, rows = classes.class_grid(cohort, course, unit_id) if course else ([], [])
    rows = classes.sort_rows(rows, sort)
    due = next((a.due_on for a in assigned if course and a.course_id == course.id), None)
    return render_template(
        "progress/teach/grid.html",
        cohort=cohort,
        courses=courses,
        course=course,
        columns=columns,
        rows=rows,
        units=units,
        unit_id=unit_id,
        sort=sort,
        form=form,
        due=due,
        today=local_today(),
    ), (200 if valid else 400)


@bp.route("/learners/<int:user_id>")
@roles(*permissions.STAFF)
def learner(user_id):
    """One learner across their classes: courses, every attempt, every exercise run, time spent."""
    user = db.session.get(User, user_id)
    if user is None or not permissions.may_see_learner(current_user, user):
        abort(404)  # not one of this instructor's learners: as if there were no such learner
    # Only the classes the reader may see: another instructor's class stays theirs.
    cohorts = list(
        db.session.scalars(
            permissions.visible_cohorts(current_user)
            .join(cohort_member)
            .where(cohort_member.c.user_id == user.id)
        )
    )
    attempts = list(
        db.session.scalars(
            sa.select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.started_at.desc())
        )
    )
    runs = runs_of(user.id)
    seconds = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LessonProgress.active_seconds), 0)).where(
            LessonProgress.user_id == user.id
        )
    )
    standings = [(c, standing(c, user.id)) for c in catalogue.active_courses()]
    # The class grid again, one row: this learner in each of their classes' assigned courses.
    grids = []
    for cohort in cohorts:
        for assignment in classes.assignments_of_cohort(cohort.id):
            course = db.session.get(Course, assignment.course_id)
            columns, rows = classes.class_grid(cohort, course, user_id=user.id)
            grids.append((cohort, course, assignment, columns, rows))
    return render_template(
        "progress/teach/learner.html",
        learner=user,
        cohorts=cohorts,
        attempts=attempts,
        runs=runs,
        minutes=int(seconds or 0) // 60,
        standings=standings,
        assigned=classes.assigned_to(user.id),
        grids=grids,
        today=local_today(),
    )


@bp.route("/courses/<course_slug>/completion", methods=["GET", "POST"])
@roles(*permissions.STAFF)
def completion_rule(course_slug):
    """Edit which items a course requires. Completions already earned stay; the change is audited."""
    # A course still being written has its rule set before it is published.
    course = catalogue.find_course(course_slug)
    if course is None or course.archived_at is not None:
        abort(404)
    if not permissions.edits_course(current_user, course):
        abort(404)  # the rule is the course's: its editors set it
    items = classes.course_items(course)
    titles = {(kind, slug): title for kind, slug, title in items}
    lessons = [slug for kind, slug, _title in items if kind == "lesson"]
    quizzes = [slug for kind, slug, _title in items if kind == "quiz"]
    exercises = [slug for kind, slug, _title in items if kind == "exercise"]
    form = CompletionRuleForm(items=items)
    if form.validate_on_submit():
        available = {"lessons": lessons, "quizzes": quizzes, "exercises": exercises}
        completion.set_rule(
            course, form.chosen(), available, form.min_active_minutes.data, utcnow()
        )
        # The rule is part of the course's settings: its history keeps it with the rest.
        course_authoring.add_revision(course, "completion", author=current_user)
        # Learners who meet the new rule complete the course: checked in the background.
        rechecks.start(course, current_user.id)
        flash(
            _(
                "The completion rule is saved. Completions already earned stay; the course's "
                "learners are being checked against the new rule."
            ),
            "success",
        )
        return redirect(url_for(".completion_rule", course_slug=course.slug))
    rule = course.completion or {"lessons": "all"}

    def chosen(key, available):
        if form.is_submitted():  # the boxes as they were ticked
            return set(form[key].data or [])
        value = rule.get(key, "all" if key == "lessons" else [])
        return set(available) if value == "all" else set(value or [])

    return render_template(
        "progress/teach/completion.html",
        course=course,
        lessons=lessons,
        quizzes=quizzes,
        exercises=exercises,
        chosen_lessons=chosen("lessons", lessons),
        chosen_quizzes=chosen("quizzes", quizzes),
        chosen_exercises=chosen("exercises", exercises),
        minutes=rule.get("min_active_minutes", 0),
        form=form,
        titles=titles,
        recheck=rechecks.latest(course.id),
    ), (400 if form.errors else 200)


@bp.route("/courses/<course_slug>/completion/rechecks/<int:recheck_id>")
@roles(*permissions.STAFF)
def completion_recheck(course_slug, recheck_id):
    """How far the recheck of a course's learners has come, and how many it completed (polled)."""
    course = catalogue.find_course(course_slug)
    if course is None or not permissions.edits_course(current_user, course):
        abort(404)
    recheck = rechecks.find(course.id, recheck_id)
    if recheck is None:
        abort(404)
    jobs.reap_now_and_then()
    return render_template("progress/teach/_recheck.html", course=course, recheck=recheck)


@bp.route("/courses/<course_slug>/guide")
@roles(*permissions.STAFF)
def guide(course_slug):
    """The course's instructor's guide (教学指导): aims, key points, timetable, answer points and how
    to run the exercises. Only for those who edit the course or teach a class it is assigned to."""
    course = catalogue.get_course(course_slug)
    if not course_info.teaches_course(current_user, course):
        abort(404)  # as if there were no such guide
    page = reading.course_page_view(course, "guide")
    if page is None:
        abort(404)
    return render_template("progress/teach/guide.html", course=course, page=page)
