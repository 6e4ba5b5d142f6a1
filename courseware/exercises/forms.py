"""Forms for exercises: a learner's action, and the instructor's live class, commands and reviews."""

from __future__ import annotations

import base64
import binascii

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
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


class JoinForm(FlaskForm):
    """The join code shown on the projector, as a learner types it."""

    code = StringField(_l("Join code"), validators=[Length(max=32)])

    def validate_code(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("Type the code shown on the projector."))


class SpokespersonForm(FlaskForm):
    """A team names one of its members its spokesperson, or no one."""

    spokesperson = SelectField(_l("Spokesperson"), validate_choice=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.spokesperson.choices = [("", "")] + [(str(i), name) for i, name in members]

    def validate_spokesperson(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a member of the team."))

    def first_error(self) -> str:
        return str(next(iter(e for errors in self.errors.values() for e in errors)))

    @property
    def chosen(self) -> int | None:
        return int(self.spokesperson.data) if self.spokesperson.data else None


class DraftForm(FlaskForm):
    """A teammate's proposal (a post, or a reply to a message), or the spokesperson's edit of one."""

    kind = HiddenField(validators=[Length(max=32)])
    target = HiddenField(validators=[Length(max=64)])
    text = TextAreaField(validators=[Length(max=MAX_POST_CHARS, message=_too_long())])

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


class InviteForm(FlaskForm):
    """The user name of an instructor invited to observe a live run."""

    username = StringField(_l("User name of the instructor"), validators=[Length(max=64)])

    def validate_username(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("Type the user name of the instructor to invite."))


class NoteForm(FlaskForm):
    """An observer's note: its text, the inject it is pinned to and the team it is about."""

    text = TextAreaField(
        _l("What you observed"),
        validators=[Length(max=2000, message=_l("At most 2000 characters."))],
    )
    inject = SelectField(_l("Pinned to the inject"), validate_choice=False)
    team = SelectField(_l("About"), validate_choice=False)

    def __init__(self, *args, injects=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inject.choices = [("", _l("No inject"))] + list(injects)
        self.team.choices = [("", _l("Every team"))] + list(teams)

    def validate_text(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("Write the note before saving it."))

    def validate_inject(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose an inject from the list."))

    def validate_team(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a team from the list."))


class RatingsForm(FlaskForm):
    """One observer's ratings of one team, a P/S/M/U choice and a comment per capability; the
    fields are named rating-<capability> and comment-<capability>, one pair per capability."""

    def collect(self, capabilities, formdata, ratings) -> tuple[dict, dict]:
        """(capability id -> (rating, comment), capability id -> error) from the posted fields."""
        given, errors = {}, {}
        for capability in capabilities:
            rating = (formdata.get(f"rating-{capability.id}") or "").strip().upper()
            comment = (formdata.get(f"comment-{capability.id}") or "").strip()
            if rating and rating not in ratings:
                errors[capability.id] = _l("Choose P, S, M, U or not rated.")
            elif len(comment) > 1000:
                errors[capability.id] = _l("At most 1000 characters.")
            given[capability.id] = (rating, comment)
        return given, errors


# A timeline sheet is small: a scenario has tens of injects.
MAX_TIMELINE_BYTES = 1024 * 1024


class TimelineForm(FlaskForm):
    """A timeline sheet: uploaded to preview, or sent back from the preview to apply."""

    file = FileField(_l("Timeline file (.xlsx or .csv)"))
    filename = HiddenField()
    content = HiddenField()  # the previewed file, base64
    base = HiddenField()  # the scenario file's fingerprint when it was previewed

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_bytes = b""

    @property
    def confirming(self) -> bool:
        """The preview sends the file back to be applied; an upload sends the file itself."""
        return bool(self.content.data)

    @property
    def name(self) -> str:
        if self.confirming:
            return self.filename.data or ""
        return (self.file.data.filename or "") if self.file.data else ""

    def validate_file(self, field):
        if self.confirming:
            try:
                self.data_bytes = base64.b64decode(self.content.data, validate=True)
            except (binascii.Error, ValueError):
                raise ValidationError(_l("Upload the file again.")) from None
        elif field.data:
            self.data_bytes = field.data.read(MAX_TIMELINE_BYTES + 1)
        if not self.name or not self.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_l("Choose an .xlsx or .csv file."))
        if len(self.data_bytes) > MAX_TIMELINE_BYTES:
            raise ValidationError(_l("The file is larger than 1 MB."))
