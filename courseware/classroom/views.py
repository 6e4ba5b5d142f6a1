"""The classroom for learners, on their phones: check in with the code on the projector (typed or
scanned), ask for leave, and say when the class goes too fast or too slow."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware.access import signed_in
from courseware.classroom import live, messages, outbox, phone, sessions
from courseware.classroom.forms import CodeForm, LeaveForm, PaceForm
from courseware.classroom.models import ClassSession
from courseware.db import db
from courseware.timeutil import utcnow

bp = Blueprint("classroom", __name__, url_prefix="/room")
outbox.init_blueprint(bp)


def member_session(session_id: int) -> ClassSession:
    """The session, if the user is a learner of its class; 404 otherwise."""
    session = sessions.session_of_member(session_id, current_user.id)
    if session is None:
        abort(404)
    return session


@bp.route("/")
@signed_in
def index(form=None):
    """The learner's class sessions, and the box for the code on the projector."""
    form = form or CodeForm()
    return render_template(
        "classroom/index.html",
        sessions=sessions.sessions_of_learner(current_user.id, utcnow()),
        form=form,
        messages=messages,
    ), (400 if form.errors else 200)


def resent() -> bool:
    """The phone sends again a check-in it kept while its connection was down (room_outbox.js)."""
    return request.form.get("resent") == "1"


def _checked_in(session: ClassSession, attendance):
    db.session.commit()
    if attendance.status == "late":
        flash(_("Checked in, late."), "success")
    else:
        flash(_("Checked in."), "success")
    return redirect(url_for(".session_page", session_id=session.id))


@bp.route("/check-in", methods=["POST"])
@signed_in
def check_in_by_code():
    """Check in with the code typed from the projector: it names the session too."""
    form = CodeForm()
    if not form.validate_on_submit():
        return index(form)
    now = utcnow()
    try:
        session = sessions.session_for_code(current_user.id, form.code.data, now, resent())
        attendance = sessions.check_in(session, current_user.id, form.code.data, now, resent())
    except sessions.ClassroomError as error:
        db.session.rollback()
        if error.code == "already":
            return redirect(url_for(".session_page", session_id=error.attendance.session_id))
        form.code.errors.append(messages.error_message(error))
        return index(form)
    return _checked_in(session, attendance)


@bp.route("/j/<join_code>")
@signed_in
def join(join_code):
    """Where the projector's QR code leads: the session, with the code it carried ready to send."""
    session = db.session.scalar(
        sa.select(ClassSession).where(ClassSession.join_code == join_code.upper()[:12])
    )
    if session is None or not sessions.is_member(session, current_user.id):
        abort(404)
    form = CodeForm(data={"code": request.args.get("c", "")[:20]})
    return _session_page(session, form)


def _session_page(session: ClassSession, code_form=None, leave_form=None, status=200):
    attendance = sessions.attendance_of(session.id, current_user.id)
    return render_template(
        "classroom/session.html",
        **phone.room_context(session, utcnow()),
        attendance=attendance,
        leave=sessions.leave_of(session.id, current_user.id),
        code_form=code_form or CodeForm(),
        leave_form=leave_form or LeaveForm(),
        pace_form=PaceForm(),
        called=live.called_user(session),
    ), status


@bp.route("/<int:session_id>")
@signed_in
def session_page(session_id):
    return _session_page(member_session(session_id))


@bp.route("/<int:session_id>/status")
@signed_in
def status(session_id):
    """The changing part of the learner's page, polled: their attendance and who is called."""
    room = phone.room_of(session_id, current_user.id)
    if room is None:
        abort(404)
    return render_template(
        "classroom/_status.html",
        session=room,
        attendance=room.attendance,
        called=phone.called(room),
        messages=messages,
    )


@bp.route("/<int:session_id>/check-in", methods=["POST"])
@signed_in
def check_in(session_id):
    session = member_session(session_id)
    form = CodeForm()
    if not form.validate_on_submit():
        return _session_page(session, code_form=form, status=400)
    try:
        attendance = sessions.check_in(session, current_user.id, form.code.data, utcnow(), resent())
    except sessions.ClassroomError as error:
        db.session.rollback()
        if error.code == "already":
            return redirect(url_for(".session_page", session_id=session.id))
        form.code.errors.append(messages.error_message(error))
        return _session_page(session, code_form=form, status=400)
    return _checked_in(session, attendance)


@bp.route("/<int:session_id>/leave", methods=["POST"])
@signed_in
def leave(session_id):
    """Ask to be excused from the session (请假)."""
    session = member_session(session_id)
    form = LeaveForm()
    if not form.validate_on_submit():
        return _session_page(session, leave_form=form, status=400)
    try:
        sessions.request_leave(session, current_user.id, form.reason.data)
    except sessions.ClassroomError as error:
        db.session.rollback()
        form.reason.errors.append(messages.error_message(error))
        return _session_page(session, leave_form=form, status=400)
    db.session.commit()
    flash(_("Your leave request was sent to the instructor."), "success")
    return redirect(url_for(".session_page", session_id=session.id))


@bp.route("/<int:session_id>/pace", methods=["POST"])
@signed_in
def pace(session_id):
    """Tell the instructor, and only the instructor, the class goes too fast or too slow."""
    session = member_session(session_id)
    form = PaceForm()
    if not form.validate_on_submit():
        flash(messages.error_message(sessions.ClassroomError("signal")), "error")
        return redirect(url_for(".session_page", session_id=session.id))
    try:
        live.send_pace(session, current_user.id, form.signal.data, utcnow())
    except sessions.ClassroomError as error:
        db.session.rollback()
        flash(messages.error_message(error), "error")
        return redirect(url_for(".session_page", session_id=session.id))
    db.session.commit()
    flash(_("Sent to the instructor."), "success")
    return redirect(url_for(".session_page", session_id=session.id))
