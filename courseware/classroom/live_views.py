"""The live quiz (课堂测验) and the questions and comments from the room (提问/弹幕): the
instructor's side under /teach/sessions, the learner's phone under /room."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import (
    abort,
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    Response,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from courseware import exports, permissions
from courseware.access import roles, signed_in
from courseware.accounts.models import User
from courseware.classroom import livequiz, messages, outbox, panel, phone, posts, sessions
from courseware.classroom.live import set_activity
from courseware.classroom.live_forms import (
    DecidePostForm,
    ModerationForm,
    PostForm,
)
from courseware.classroom.models import ClassSession, LiveQuestion, LiveQuiz, RoomPost
from courseware.classroom.teach_views import get_session
from courseware.classroom.views import member_session
from courseware.courses.models import Course
from courseware.db import built_once, db
from courseware.forms import ActionForm
from courseware.quizzes.display import html
from courseware.quizzes.models import QuestionRecord, Quiz
from courseware.timeutil import utcnow

teach_bp = Blueprint("teach_classroom_live", __name__, url_prefix="/teach/sessions")
bp = Blueprint("classroom_live", __name__, url_prefix="/room")
outbox.init_blueprint(bp)

# Seconds of approved comments the projector's poll asks for; it skips those it has shown.
BULLET_WINDOW = 30


def _back(session: ClassSession):
    return redirect(url_for("teach_classroom.control", session_id=session.id) + "#live")


def _refused(session: ClassSession, error: sessions.ClassroomError):
    db.session.rollback()
    flash(messages.error_message(error), "error")
    return _back(session)


def _live_of(session: ClassSession, live_id: int) -> LiveQuiz:
    live = db.session.get(LiveQuiz, live_id)
    if live is None or live.session_id != session.id:
        abort(404)
    return live


def _post_of(session: ClassSession, post_id: int) -> RoomPost:
    post = db.session.get(RoomPost, post_id)
    if post is None or post.session_id != session.id:
        abort(404)
    return post


# --- the instructor: the live quiz ------------------------------------------------------------


@teach_bp.route("/<int:session_id>/live-quiz", methods=["POST"])
@roles(*permissions.STAFF)
def start(session_id):
    """Start a live quiz on a course's bank."""
    session = get_session(session_id)
    form = panel.start_form(session, request.form)
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")
        return _back(session)
    course = db.session.get(Course, form.course.data)
    counts_for = db.session.get(Quiz, form.counts_for.data) if form.counts_for.data else None
    try:
        livequiz.start(
            session,
            course,
            current_user,
            utcnow(),
            seconds=form.seconds.data,
            speed_scoring=form.speed_scoring.data,
            leaderboard=form.leaderboard.data,
            counts_for=counts_for,
        )
    except sessions.ClassroomError as error:
        return _refused(session, error)
    db.session.commit()
    flash(_("The live quiz has started: push its first question."), "success")
    return _back(session)


@teach_bp.route("/<int:session_id>/live-quiz/<int:live_id>/push", methods=["POST"])
@roles(*permissions.STAFF)
def push(session_id, live_id):
    """Put the next question before the room."""
    session = get_session(session_id)
    live = _live_of(session, live_id)
    if live.finished_at is not None:
        return _refused(session, sessions.ClassroomError("live_finished"))
    form = panel.push_form(live, request.form)
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")
        return _back(session)
    record = db.session.get(QuestionRecord, form.question.data)
    try:
        lq = livequiz.push(live, record, current_user, utcnow(), form.seconds.data)
    except sessions.ClassroomError as error:
        return _refused(session, error)
    db.session.commit()
    flash(_("Question %(n)d is open.", n=lq.position), "success")
    return _back(session)


@teach_bp.route("/<int:session_id>/live-quiz/<int:live_id>/close-question", methods=["POST"])
@roles(*permissions.STAFF)
def close_question(session_id, live_id):
    """Close the open question now: the projector shows the answers."""
    session = get_session(session_id)
    live = _live_of(session, live_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    lq = livequiz.current_question(live)
    if lq is not None:
        livequiz.close_question(lq, utcnow())
        db.session.commit()
    return _back(session)


@teach_bp.route("/<int:session_id>/live-quiz/<int:live_id>/finish", methods=["POST"])
@roles(*permissions.STAFF)
def finish(session_id, live_id):
    """End the live quiz; if it counts for a course quiz, record each learner's attempt."""
    session = get_session(session_id)
    live = _live_of(session, live_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        recorded = livequiz.finish(live, current_user, utcnow())
    except sessions.ClassroomError as error:
        return _refused(session, error)
    db.session.commit()
    if live.counts_for_id:
        flash(
            ngettext(
                "The live quiz has finished: %(num)d attempt recorded.",
                "The live quiz has finished: %(num)d attempts recorded.",
                recorded,
            ),
            "success",
        )
    else:
        flash(_("The live quiz has finished."), "success")
    return redirect(url_for(".report", session_id=session.id, live_id=live.id))


@teach_bp.route("/<int:session_id>/live-quiz/<int:live_id>")
@roles(*permissions.STAFF)
def report(session_id, live_id):
    """Each question of a live quiz: who answered what, the spread, how many were right."""
    session = get_session(session_id)
    live = _live_of(session, live_id)
    items = livequiz.report(live)
    ids = {a.user_id for item in items for a in item.answers}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    return render_template(
        "classroom/live/report.html",
        session=session,
        live=live,
        items=items,
        users=users,
        course=db.session.get(Course, live.course_id),
        counts_for=db.session.get(Quiz, live.counts_for_id) if live.counts_for_id else None,
        livequiz=livequiz,
        messages=messages,
        html=html,
    )


@teach_bp.route("/<int:session_id>/live-quiz/<int:live_id>/export/<fmt>")
@roles(*permissions.STAFF)
def export(session_id, live_id, fmt):
    """Every answer of a live quiz as CSV or XLSX, every cell neutralised."""
    session = get_session(session_id)
    live = _live_of(session, live_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    name = f"live-quiz-{session.id}-{live.id}.{fmt}"
    rows = list(livequiz.export_rows(live))
    if fmt == "csv":
        # A classroom's answers are few: written whole, not streamed.
        return Response(
            exports.csv_text(livequiz.EXPORT_COLUMNS, rows),
            mimetype=exports.CSV_TYPE,
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )
    return exports.xlsx_response(name, [(_l("Answers"), livequiz.EXPORT_COLUMNS, rows)])


@teach_bp.route("/<int:session_id>/live")
@roles(*permissions.STAFF)
def board(session_id):
    """The polled part of the instructor's live panel: the live question, the posts to moderate."""
    session = get_session(session_id)
    return render_template(
        "classroom/live/_teach_board.html",
        b=panel.board_context(session, utcnow()),
        messages=messages,
    )


# --- the instructor: questions and comments from the room --------------------------------------


@teach_bp.route("/<int:session_id>/posts/<int:post_id>/decide", methods=["POST"])
@roles(*permissions.STAFF)
def decide_post(session_id, post_id):
    """Let a question or comment through to the room, or keep it back (audited)."""
    session = get_session(session_id)
    post = _post_of(session, post_id)
    form = DecidePostForm()
    if not form.validate_on_submit():
        abort(400)
    posts.decide(post, form.decision.data == "approve", current_user, utcnow())
    db.session.commit()
    if request.headers.get("HX-Request"):
        return board(session_id)
    return _back(session)


@teach_bp.route("/<int:session_id>/posts/moderation", methods=["POST"])
@roles(*permissions.STAFF)
def moderation(session_id):
    """Turn moderation on or off for the session (on by default)."""
    session = get_session(session_id)
    form = ModerationForm()
    if not form.validate_on_submit():
        abort(400)
    posts.set_moderation(session, form.moderation.data == "on")
    db.session.commit()
    if session.moderate_posts:
        flash(_("Questions and comments wait for your approval."), "success")
    else:
        flash(
            _(
                "Questions and comments reach the room at once, except those with a word of the "
                "sensitive-word list."
            ),
            "success",
        )
    return _back(session)


@teach_bp.route("/<int:session_id>/posts/show", methods=["POST"])
@roles(*permissions.STAFF)
def show_questions(session_id):
    """Put the room's questions, most upvoted first, on the projector."""
    session = get_session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    set_activity(session, "room_questions")
    db.session.commit()
    return _back(session)


@teach_bp.route("/<int:session_id>/projector/bullets")
@roles(*permissions.STAFF)
def bullets(session_id):
    """The comments the projector scrolls across: those let through in the last half minute."""
    session = get_session(session_id)
    since = utcnow() - dt.timedelta(seconds=BULLET_WINDOW)
    return jsonify([{"id": s.post.id, "text": s.post.text} for s in posts.bullets(session, since)])


# --- the learner's phone ----------------------------------------------------------------------


@bp.route("/<int:session_id>/live")
@signed_in
def live_part(session_id):
    """The learner's live quiz, polled; unchanged since the page's state: nothing (204)."""
    now = utcnow()
    room, state = phone.room_and_live_state(session_id, current_user.id, now)
    if room is None:
        abort(404)
    if request.args.get("state") == state.key:
        return Response(status=204)
    return render_template("classroom/live/_phone.html", **phone.phone_context(room, now, state))


@built_once
def _question_of_session():
    """A live question with its live quiz, if it was pushed in the session."""
    return (
        sa.select(LiveQuestion, LiveQuiz)
        .join(LiveQuiz, LiveQuiz.id == LiveQuestion.live_quiz_id)
        .where(
            LiveQuestion.id == sa.bindparam("question_id"),
            LiveQuiz.session_id == sa.bindparam("session_id"),
        )
    )


@bp.route("/<int:session_id>/live/<int:question_id>/answer", methods=["POST"])
@signed_in
def answer(session_id, question_id):
    """Answer the open question, or change the answer, until it closes."""
    user_id = current_user.id  # read before the commit expires the signed-in user
    room = phone.room_of(session_id, user_id)
    if room is None:
        abort(404)
    found = db.session.execute(
        _question_of_session(), {"question_id": question_id, "session_id": room.id}
    ).first()
    if found is None:
        abort(404)
    lq = found[0]
    if not ActionForm().validate_on_submit():
        abort(400)
    error = None
    try:
        response = livequiz.response_from_form(lq, request.form)
        livequiz.answer(room, lq, user_id, response, utcnow(), present=room.present)
    except sessions.ClassroomError as refused:
        db.session.rollback()
        error = messages.error_message(refused)
    # The phone's part is drawn before the commit, which would expire the signed-in user and cost
    # a reload of it: the answers of a whole room come within seconds. It shows the answer as
    # saved, and is sent only once the commit has succeeded.
    reply = _phone_part(room.id, user_id, error) if request.headers.get("HX-Request") else None
    db.session.commit()
    if reply is not None:
        return reply
    flash(error or _("Your answer is saved."), "error" if error else "success")
    return redirect(url_for("classroom.session_page", session_id=room.id) + "#live")


def _phone_part(session_id: int, user_id: int, error: str | None):
    now = utcnow()
    room, state = phone.room_and_live_state(session_id, user_id, now)
    context = phone.phone_context(room, now, state)
    return render_template("classroom/live/_phone.html", error=error, **context), (
        409 if error else 200
    )


@bp.route("/<int:session_id>/questions")
@signed_in
def questions_part(session_id):
    """The room's approved questions with their upvotes, and where the learner's own posts stand."""
    context = phone.questions_context(phone.SessionRef(session_id))
    if context is None:
        abort(404)
    return render_template("classroom/live/_room_questions.html", **context)


@bp.route("/<int:session_id>/posts", methods=["POST"])
@signed_in
def send_post(session_id):
    """Send a question or a short comment; it waits for the instructor unless moderation is off."""
    session = member_session(session_id)
    form = PostForm()
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")
        return redirect(url_for("classroom.session_page", session_id=session.id) + "#room-posts")
    try:
        post = posts.send(
            session,
            current_user.id,
            form.kind.data,
            form.text.data,
            form.anonymous.data,
            utcnow(),
        )
    except sessions.ClassroomError as error:
        db.session.rollback()
        flash(messages.error_message(error), "error")
        return redirect(url_for("classroom.session_page", session_id=session.id) + "#room-posts")
    db.session.commit()
    if post.status.value == "approved":
        flash(_("Sent: it is shown to the room."), "success")
    else:
        flash(_("Sent: it waits for the instructor's approval."), "success")
    return redirect(url_for("classroom.session_page", session_id=session.id) + "#room-posts")


@bp.route("/<int:session_id>/posts/<int:post_id>/vote", methods=["POST"])
@signed_in
def vote(session_id, post_id):
    """Upvote a question from the room, once."""
    session = member_session(session_id)
    post = db.session.get(RoomPost, post_id)
    if post is None or post.session_id != session.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    error = None
    try:
        posts.vote(post, current_user.id, utcnow())
        db.session.commit()
    except sessions.ClassroomError as refused:
        db.session.rollback()
        error = messages.error_message(refused)
    if request.headers.get("HX-Request"):
        return render_template(
            "classroom/live/_room_questions.html", error=error, **phone.questions_context(session)
        )
    flash(error or _("Upvoted."), "error" if error else "success")
    return redirect(url_for("classroom.session_page", session_id=session.id) + "#room-posts")
