"""Forms of the classroom: opening a session, the code typed from the projector, leave requests,
corrections, decisions, the pace signal and reasons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from courseware.classroom.sessions import MAX_PLANNED_HOURS, MAX_TEXT
from courseware.formfields import DecimalField


class SessionForm(FlaskForm):
    """A class session to open: which class, when, where, how long, about what."""

    # No "required" on the select: it always holds a class, and a value from no class is refused
    # as not a valid choice.
    cohort = SelectField(_l("Class"), coerce=int)
    date = DateField(_l("Date"), validators=[InputRequired(message=_l("Give the date."))])
    time = TimeField(
        _l("Starts at"), validators=[InputRequired(message=_l("Give the starting time."))]
    )
    planned_hours = DecimalField(
        _l("Planned hours"),
        validators=[
            InputRequired(message=_l("Give the planned hours.")),
            NumberRange(
                min=0.25,
                max=MAX_PLANNED_HOURS,
                message=_l("Planned hours must be from 0.25 to %(max)d.", max=MAX_PLANNED_HOURS),
            ),
        ],
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    topic = StringField(_l("Topic (optional)"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort.choices = [(c.id, c.name) for c in cohorts]


class CodeForm(FlaskForm):
    """The check-in code shown on the projector."""

    code = StringField(
        _l("Code on the projector"),
        validators=[DataRequired(message=_l("Type the code on the projector.")), Length(max=20)],
    )


class LeaveForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for leave"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=MAX_TEXT)],
    )


class PaceForm(FlaskForm):
    signal = RadioField(
        _l("Pace"),
        choices=["fast", "slow"],  # the page's two buttons carry the labels
        validators=[InputRequired()],
    )


# The page writes the options with their labels (messages.STATUS).
ATTENDANCE_CHOICES = ["present", "late", "absent", "leave"]


class CorrectForm(FlaskForm):
    status = SelectField(_l("Attendance"), choices=ATTENDANCE_CHOICES, validators=[InputRequired()])
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=MAX_TEXT)],
    )


class DecideForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=["approve", "refuse"],  # the page's two buttons carry the labels
        validators=[InputRequired()],
    )


class ReasonForm(FlaskForm):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=MAX_TEXT)],
    )
