"""Class sessions for instructors: open one, watch check-in live, correct and decide, call on a
learner, read the pace, put the projector up, close the session and credit its 学时."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.accounts.models import Cohort, User
from courseware.classroom import activities, address, codes, live, messages, panel, sessions
from courseware.classroom.forms import CorrectForm, DecideForm, ReasonForm, SessionForm
from courseware.classroom.models import ClassSession, LeaveRequest
from courseware.db import built_once, db
from courseware.forms import ActionForm
from courseware.timeutil import utcnow

bp = Blueprint("teach_classroom", __name__, url_prefix="/teach/sessions")


def get_session(session_id: int) -> ClassSession:
    """The session, if the user teaches its class; 404 otherwise, so ids leak nothing."""
    session = db.session.get(ClassSession, session_id)
    if session is None or not permissions.may_teach(current_user, session.cohort):
        abort(404)
    return session


@permissions.built_per_viewer
def _cohorts_by_name(user):
    return permissions.visible_cohorts(user).order_by(Cohort.name)


@built_once
def _sessions_of_classes():
    return (
        sa.select(ClassSession)
        .where(ClassSession.cohort_id.in_(sa.bindparam("cohort_ids", expanding=True)))
        .order_by(ClassSession.starts_at.desc())
        .limit(50)
    )


def _cohorts() -> list[Cohort]:
    return list(db.session.scalars(_cohorts_by_name(current_user)))


def _local_now() -> dt.datetime:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    return dt.datetime.now(zone)


@bp.route("/")
@roles(*permissions.STAFF)
def index(form=None):
    """The sessions of the classes the user teaches, newest first, and the form to open one."""
    cohorts = _cohorts()
    if form is None:
        form = SessionForm(cohorts=cohorts)
        now = _local_now()
        form.date.data, form.time.data = now.date(), now.time().replace(second=0, microsecond=0)
        form.planned_hours.data = 3
    listed = (
        list(db.session.scalars(_sessions_of_classes(), {"cohort_ids": [c.id for c in cohorts]}))
        if cohorts
        else []
    )
    return render_template(
        "classroom/teach/index.html", form=form, sessions=listed, messages=messages
    ), (400 if form.errors else 200)


@bp.route("/", methods=["POST"])
@roles(*permissions.STAFF)
def create():
    cohorts = _cohorts()
    form = SessionForm(cohorts=cohorts)
    if not form.validate_on_submit():
        return index(form)
    cohort = next(c for c in cohorts if c.id == form.cohort.data)
    if not permissions.may_teach(current_user, cohort):
        abort(404)
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    local = dt.datetime.combine(form.date.data, form.time.data, tzinfo=zone)
    starts_at = local.astimezone(dt.UTC).replace(tzinfo=None)
    session = sessions.open_session(
        cohort,
        current_user,
        starts_at,
        form.planned_hours.data,
        form.place.data or "",
        form.topic.data or "",
    )
    db.session.commit()
    return redirect(url_for(".control", session_id=session.id))


def _board_context(session: ClassSession) -> dict:
    now = utcnow()
    lines = sessions.roster(session)
    return dict(
        session=session,
        lines=lines,
        counts=sessions.counts(lines),
        leaves=[line for line in lines if line.leave is not None],
        pace=live.pace(session, now),
        called=live.called_user(session),
        calls=live.calls(session)[:10],
        credited=sessions.credited_entries(session) if not session.is_open else [],
        late_after=sessions.late_after(session),
        messages=messages,
        correct_form=CorrectForm(),
        decide_form=DecideForm(),
    )


@bp.route("/<int:session_id>")
@roles(*permissions.STAFF)
def control(session_id):
    session = get_session(session_id)
    return render_template(
        "classroom/teach/control.html",
        **_board_context(session),
        **panel.forms_context(session),
        live_board=panel.board_context(session, utcnow()),
        action_form=ActionForm(),
        reason_form=ReasonForm(),
    )


@bp.route("/<int:session_id>/board")
@roles(*permissions.STAFF)
def board(session_id):
    """The changing part of the instructor's page, polled: attendance, leave, pace, roll call."""
    return render_template("classroom/teach/_board.html", **_board_context(get_session(session_id)))


def _projector_context(session: ClassSession) -> dict:
    now = utcnow()
    seconds = sessions.code_seconds()
    code = codes.current_code(session.secret, now, seconds)
    join_url = address.absolute("classroom.join", join_code=session.join_code, c=code)
    lines = sessions.roster(session)
    return dict(
        session=session,
        code=code,
        seconds_left=codes.seconds_left(now, seconds),
        qr=address.qr_svg(join_url, _("Scan to check in")),
        room_url=address.absolute("classroom.index"),
        counts=sessions.counts(lines),
        total=len(lines),
        activity=live.activity_template(session),
        called=live.called_user(session),
        messages=messages,
        **activities.activity_context(session, now),
    )


@bp.route("/<int:session_id>/projector")
@roles(*permissions.STAFF)
def projector(session_id):
    """The projector in large type: the check-in code and its QR, changing every 15 seconds, the
    count of who is in, and the current activity."""
    return render_template(
        "classroom/teach/projector.html", **_projector_context(get_session(session_id))
    )


@bp.route("/<int:session_id>/projector/board")
@roles(*permissions.STAFF)
def projector_board(session_id):
    return render_template(
        "classroom/teach/_projector_board.html", **_projector_context(get_session(session_id))
    )


def _refused(session: ClassSession, error: sessions.ClassroomError):
    db.session.rollback()
    flash(messages.error_message(error), "error")
    return redirect(url_for(".control", session_id=session.id))


@bp.route("/<int:session_id>/attendance/<int:user_id>", methods=["POST"])
@roles(*permissions.STAFF)
def correct(session_id, user_id):
    """Set a learner's attendance by hand, with a reason (audited)."""
    session = get_session(session_id)
    learner = db.session.get(User, user_id)
    if learner is None or not sessions.is_member(session, learner.id):
        abort(404)
    form = CorrectForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the correction."), "error")
        return redirect(url_for(".control", session_id=session.id))
    try:
        sessions.correct(
            session, learner.id, form.status.data, form.reason.data, current_user, utcnow()
        )
    except sessions.ClassroomError as error:
        return _refused(session, error)
    db.session.commit()
    flash(
        _(
            "%(name)s is now %(status)s.",
            name=learner.name,
            status=messages.STATUS[form.status.data],
        ),
        "success",
    )
    return redirect(url_for(".control", session_id=session.id))


@bp.route("/<int:session_id>/leave/<int:leave_id>", methods=["POST"])
@roles(*permissions.STAFF)
def decide(session_id, leave_id):
    """Approve or refuse a leave request (请假)."""
    session = get_session(session_id)
    leave = db.session.get(LeaveRequest, leave_id)
    if leave is None or leave.session_id != session.id:
        abort(404)
    form = DecideForm()
    if not form.validate_on_submit():
        flash(_("Choose approve or refuse."), "error")
        return redirect(url_for(".control", session_id=session.id))
    try:
        sessions.decide_leave(leave, form.decision.data == "approve", current_user, utcnow())
    except sessions.ClassroomError as error:
        return _refused(session, error)
    db.session.commit()
    return redirect(url_for(".control", session_id=session.id))


@bp.route("/<int:session_id>/roll-call", methods=["POST"])
@roles(*permissions.STAFF)
def roll_call(session_id):
    """Call a learner present at random; the projector shows the name."""
    session = get_session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        call = live.roll_call(session, utcnow())
    except sessions.ClassroomError as error:
        return _refused(session, error)
    name = db.session.get(User, call.user_id).name
    db.session.commit()
    flash(_("Called: %(name)s", name=name), "success")
    return redirect(url_for(".control", session_id=session.id))


@bp.route("/<int:session_id>/activity/clear", methods=["POST"])
@roles(*permissions.STAFF)
def clear_activity(session_id):
    """Take the current activity off the projector."""
    session = get_session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    live.set_activity(session, None)
    db.session.commit()
    return redirect(url_for(".control", session_id=session.id))


@bp.route("/<int:session_id>/close", methods=["POST"])
@roles(*permissions.STAFF)
def close(session_id):
    """Close the session and credit each learner present their in-person 学时, once."""
    session = get_session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        entries = sessions.close(session, current_user, utcnow())
    except sessions.ClassroomError as error:
        return _refused(session, error)
    db.session.commit()
    credited = format(sum(e.hours for e in entries), "g")
    flash(
        ngettext(
            "The session is closed: %(hours)s credit hours credited to %(num)d learner.",
            "The session is closed: %(hours)s credit hours credited to %(num)d learners.",
            len(entries),
            hours=credited,
        ),
        "success",
    )
    return redirect(url_for(".control", session_id=session.id))


@bp.route("/<int:session_id>/reverse", methods=["POST"])
@roles(*permissions.STAFF)
def reverse(session_id):
    """Reverse the credit hours the session credited, with a reason."""
    session = get_session(session_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for reversing the credit hours."), "error")
        return redirect(url_for(".control", session_id=session.id))
    try:
        reversals = sessions.reverse_credit(session, form.reason.data, current_user, utcnow())
    except sessions.ClassroomError as error:
        return _refused(session, error)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d credit-hour entry reversed.",
            "%(num)d credit-hour entries reversed.",
            len(reversals),
        ),
        "success",
    )
    return redirect(url_for(".control", session_id=session.id))
