"""What the classroom's refusals say, in the user's language."""

from flask_babel import lazy_gettext as _l

ERRORS = {
    "planned_hours": _l("Planned hours must be from 0.25 to 12."),
    "closed": _l("This class session is closed."),
    "open": _l("Close the session first."),
    "not_member": _l("You are not a learner of this class."),
    "too_early": _l("Check-in has not opened yet: it opens shortly before the class starts."),
    "already": _l("You have checked in already."),
    "expired": _l(
        "That code has expired: the code on the projector changes every 15 seconds. "
        "Type the one shown now."
    ),
    "wrong": _l("That is not the code on the projector: check it and type it again."),
    "no_session": _l("None of your classes has a session open for check-in now."),
    "reason": _l("Give a reason."),
    "checked_in": _l("You have checked in, so you cannot ask for leave."),
    "decided": _l("The instructor has already decided on this leave request."),
    "reversed": _l("The session's credit hours have already been reversed."),
    "nobody_present": _l("Nobody has checked in yet."),
    "busy": _l("Try again: another roll call was made at the same moment."),
    "signal": _l("Choose too fast or too slow."),
    "not_present": _l("Check in first."),
    "seconds": _l("A question stays open from 5 to 600 seconds."),
    "live_running": _l("A live quiz is running already: finish it first."),
    "course": _l("Choose a course assigned to this class."),
    "counts_for": _l("Choose a published quiz of the same course, or none."),
    "live_finished": _l("This live quiz has finished."),
    "question": _l("Choose a question of the course's bank that the room can answer live."),
    "question_closed": _l("This question has closed: your answer was not taken."),
    "kind": _l("Choose a question or a comment."),
    "empty": _l("Write something first."),
    "too_long": _l("That is too long: at most %(limit)d characters."),
    "not_votable": _l("Only questions shown to the room can be upvoted."),
    "voted": _l("You have upvoted this question already."),
}

STATUS = {
    "present": _l("present"),
    "late": _l("arrived late"),
    "absent": _l("absent"),
    "leave": _l("on leave"),
    "waiting": _l("not checked in"),
}

LEAVE_STATUS = {
    "pending": _l("waiting for the instructor"),
    "approved": _l("approved"),
    "refused": _l("refused"),
}

SESSION_STATUS = {"open": _l("open"), "closed": _l("closed")}

ANSWER_STATE = {
    "correct": _l("right"),
    "partial": _l("partly right"),
    "wrong": _l("wrong"),
    "unanswered": _l("not answered"),
}

POST_STATUS = {
    "pending": _l("waiting for the instructor"),
    "approved": _l("shown to the room"),
    "rejected": _l("not shown"),
}

POST_KIND = {"question": _l("Question"), "comment": _l("Comment")}


def error_message(error) -> str:
    message = str(ERRORS.get(error.code, error.code))
    return message % error.detail if "%(" in message else message
