"""Courses' editors: who may change each course's lessons in the browser.

Courses serve every unit, so only the province's administrators name their editors."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware import permissions
from courseware.admin.blueprint import admin_only, bp
from courseware.admin.forms import CourseEditorsForm
from courseware.courses import editors
from courseware.courses.models import Course
from courseware.db import db


def _province_only() -> None:
    if not permissions.is_province_admin(current_user):
        abort(403)


@bp.route("/courses")
@admin_only
def courses():
    """Every course with its editors."""
    _province_only()
    rows = db.session.scalars(sa.select(Course).order_by(Course.slug)).all()
    return render_template("admin/courses.html", courses=rows)


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@admin_only
def course_editors(course_id):
    """Name a course's editors."""
    _province_only()
    course = db.get_or_404(Course, course_id)
    form = CourseEditorsForm()
    if request.method == "GET":
        form.editor_ids.data = [str(u.id) for u in course.editors]
    if form.validate_on_submit():
        editors.set_editors(course, form.chosen())
        db.session.commit()
        flash(_("The course's editors are saved."), "success")
        return redirect(url_for("admin.course_editors", course_id=course.id))
    return render_template("admin/course_editors.html", course=course, form=form)
