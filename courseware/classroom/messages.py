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


def error_message(error) -> str:
    return str(ERRORS.get(error.code, error.code))
