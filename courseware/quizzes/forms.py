"""Forms for the instructors' quiz pages: grading an answer, extra time and attempts, importing."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from courseware.accounts.credentials import normalise_username
from courseware.accounts.models import User
from courseware.db import db
from courseware.formfields import DecimalField

MAX_COMMENT = 2000
MAX_EXTRA_MINUTES = 600
MAX_EXTRA_ATTEMPTS = 20
# Uploaded question files are small; a bank of a thousand questions stays well under this.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class GradeForm(FlaskForm):
    """Points for one answer, out of the points the question carries, and a comment."""

    points = DecimalField(_l("Points"))
    comment = TextAreaField(_l("Comment for the learner"), validators=[Length(max=MAX_COMMENT)])

    def __init__(self, *args, max_points: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_points = max_points

    def validate_points(self, field):
        if field.data is None or not 0 <= field.data <= self.max_points:
            # Replace the field's own parse error: one message that says what to type.
            field.errors[:] = []
            raise ValidationError(
                _l("Points must be a number from 0 to %(max)s.", max=format(self.max_points, "g"))
            )


class OverrideForm(FlaskForm):
    """Extra minutes and extra attempts on one quiz for one learner, found by username."""

    username = StringField(_l("Username"), validators=[Length(max=64)])
    extra_minutes = IntegerField(_l("Extra minutes"), default=0)
    extra_attempts = IntegerField(_l("Extra attempts"), default=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user: User | None = None

    def validate_username(self, field):
        username = normalise_username(field.data or "")
        self.user = db.session.scalar(sa.select(User).where(User.username == username))
        if self.user is None:
            raise ValidationError(
                _l("No account with the username %(name)s.", name=username or "—")
            )

    def validate_extra_minutes(self, field):
        _whole(field, MAX_EXTRA_MINUTES)

    def validate_extra_attempts(self, field):
        _whole(field, MAX_EXTRA_ATTEMPTS)

    @property
    def minutes(self) -> int:
        return self.extra_minutes.data or 0

    @property
    def attempts(self) -> int:
        return self.extra_attempts.data or 0


def _whole(field, high: int) -> None:
    """An empty box means 0; anything else must be a whole number from 0 to high."""
    field.errors[:] = []  # one message that says what to type, instead of the parser's
    if not (field.raw_data and field.raw_data[0].strip()):
        field.data = 0
        return
    if field.data is None or not 0 <= field.data <= high:
        raise ValidationError(_l("Extra time must be 0–600 minutes and extra attempts 0–20."))


class ImportForm(FlaskForm):
    """The course that receives the questions, and the file: uploaded to preview, or its text sent
    back from the preview to confirm."""

    course = SelectField(_l("Course"), validate_choice=False)
    file = FileField(_l("Question file (GIFT .gift or YAML .yaml, UTF-8)"))
    filename = HiddenField()
    content = TextAreaField()

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = courses
        self.course.choices = [(str(c.id), c.slug) for c in courses]
        self.data_bytes = b""

    @property
    def confirming(self) -> bool:
        """The preview sends the file's text back; an upload sends the file."""
        return self.content.raw_data is not None and bool(self.content.raw_data)

    @property
    def chosen_course(self):
        return next((c for c in self.courses if str(c.id) == self.course.data), None)

    @property
    def name(self) -> str:
        if self.confirming:
            return self.filename.data or ""
        return (self.file.data.filename or "") if self.file.data else ""

    def validate_course(self, field):
        if self.chosen_course is None:
            raise ValidationError(_l("Choose the course that receives the questions."))

    def validate_file(self, field):
        if self.confirming:
            self.data_bytes = (self.content.data or "").encode("utf-8")
        elif field.data:
            self.data_bytes = field.data.read(MAX_UPLOAD_BYTES + 1)
        if not self.name:
            raise ValidationError(_l("Choose a .gift or .yaml file."))
        if len(self.data_bytes) > MAX_UPLOAD_BYTES:
            raise ValidationError(_l("The file is larger than 2 MB."))


QUEUES = ("waiting", "short")
EXPORT_PARTS = ("attempts", "items")


class QueueForm(FlaskForm):
    """Which grading queue to show, from the query string: essays waiting, or typed answers the
    computer marked wrong."""

    class Meta:
        csrf = False

    show = StringField(default="waiting")

    def validate_show(self, field):
        if field.data not in QUEUES:
            raise ValidationError(_l("There is no such list of answers; here are the essays."))

    @property
    def queue(self) -> str:
        return self.show.data if self.show.data in QUEUES else "waiting"


class ExportPartForm(FlaskForm):
    """Which table of a quiz's results a CSV holds, from the query string."""

    class Meta:
        csrf = False

    part = StringField(default="attempts")

    def validate_part(self, field):
        if field.data not in EXPORT_PARTS:
            raise ValidationError(_l("Choose the attempts or the items."))
