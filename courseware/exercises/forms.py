"""Forms for exercises: a learner's action, and the instructor's live class, commands and reviews."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from courseware.exercises.runs import MAX_POST_CHARS
from courseware.formfields import DecimalField

MAX_TEAMS = 12
MAX_COMMENT = 2000
# The longest wait a learner may ask for in one step, in simulated minutes.
MAX_WAIT_MINUTES = 600


def _too_long() -> str:
    return _l("At most %(n)d characters.", n=MAX_POST_CHARS)


class ActForm(FlaskForm):
    """One action of a learner; the engine decides whether it may be taken now."""

    kind = HiddenField(validators=[Length(max=32)])
    text = TextAreaField(validators=[Length(max=MAX_POST_CHARS, message=_too_long())])
    target = HiddenField(validators=[Length(max=64)])
    option = HiddenField(validators=[Length(max=64)])
    minutes = DecimalField(
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_WAIT_MINUTES,
                message=_l("Minutes must be a number from 0 to %(max)d.", max=MAX_WAIT_MINUTES),
            ),
        ]
    )

    def fields(self) -> dict:
        """What runs.action_from_form reads."""
        return {
            "text": self.text.data or "",
            "target": self.target.data or "",
            "option": self.option.data or "",
            "minutes": self.minutes.data or 0,
        }

    def first_error(self) -> str:
        return str(next(iter(e for errors in self.errors.values() for e in errors)))


class LiveForm(FlaskForm):
    """A live run for a class: which class, how many teams, how fast the simulated clock runs."""

    cohort = SelectField(_l("Class"), coerce=int, validate_choice=False)
    teams = IntegerField(_l("Teams"), default=2)
    speed = DecimalField(_l("Simulated minutes per real minute"), default=5)

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort.choices = [(c.id, c.name) for c in cohorts]

    def validate_cohort(self, field):
        if field.data not in {value for value, _label in field.choices}:
            field.errors[:] = []
            raise ValidationError(_l("Choose a class."))

    def validate_teams(self, field):
        if field.data is None or not 1 <= field.data <= MAX_TEAMS:
            field.errors[:] = []
            raise ValidationError(
                _l("Teams must be a whole number from 1 to %(max)d.", max=MAX_TEAMS)
            )

    def validate_speed(self, field):
        if field.data is None or not 0.1 <= field.data <= 60:
            field.errors[:] = []
            raise ValidationError(_l("The speed must be 0.1–60 simulated minutes per minute."))


LIVE_COMMANDS = ("start", "pause", "resume", "next", "adhoc", "finish")


class CommandForm(FlaskForm):
    """The instructor's buttons on a live run, and the message they may insert."""

    command = StringField()
    text = TextAreaField(_l("Text"), validators=[Length(max=MAX_POST_CHARS, message=_too_long())])
    persona = SelectField(_l("From"), validate_choice=False)
    channel = SelectField(_l("Channel"), validate_choice=False)

    def __init__(self, *args, personas=(), channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.persona.choices = list(personas)
        self.channel.choices = list(channels)

    def validate_command(self, field):
        if field.data not in LIVE_COMMANDS:
            raise ValidationError(_l("That cannot be done in the exercise's present state."))

    def validate_persona(self, field):
        if self.command.data == "adhoc" and field.data not in dict(field.choices):
            raise ValidationError(_l("Choose who the message is from."))

    def validate_channel(self, field):
        if self.command.data == "adhoc" and field.data not in dict(field.choices):
            raise ValidationError(_l("Choose where the message appears."))

    def fields(self) -> dict:
        """What runs.control_live reads for an inserted message."""
        return {
            "text": self.text.data or "",
            "persona": self.persona.data,
            "channel": self.channel.data,
        }


class ReviewForm(FlaskForm):
    """The instructor's score for one post of a run, and a comment for the learner."""

    action = IntegerField()
    score = DecimalField(_l("Score (0–100)"))
    comment = StringField(_l("Comment"), validators=[Length(max=MAX_COMMENT)])

    def validate_score(self, field):
        if field.data is None or not 0 <= field.data <= 100:
            field.errors[:] = []
            raise ValidationError(_l("A score is a number from 0 to 100."))
