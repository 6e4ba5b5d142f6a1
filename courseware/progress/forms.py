"""Forms for classes and progress: assigning a course, a course's completion rule, the class grid's
filters, and the 学时 ledger (external credit, reversals, quotas)."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, Form, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, ValidationError

from courseware.accounts.models import Unit
from courseware.db import db
from courseware.formfields import DecimalField, row_id

DATE_MESSAGE = _l("Dates are written as 2026-12-01.")
MAX_NOTE = 500
MAX_RULE_MINUTES = 10_000


def _own_message(field, message) -> None:
    """Put one message that says what to type in place of the parser's."""
    field.errors[:] = []
    raise ValidationError(message)


REQUIREMENT_LABELS = {"required": _l("Required (必修)"), "elective": _l("Elective (选修)")}


class AssignForm(FlaskForm):
    """A course for a class, with the day it opens and the day it is due."""

    course = SelectField(_l("Course"), validate_choice=False)
    starts_on = DateField(_l("Starts"))
    due_on = DateField(_l("Due"))
    requirement = SelectField(_l("Required or elective"), default="required", validate_choice=False)

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = list(courses)
        self.course.choices = [(str(c.id), c.slug) for c in self.courses]
        self.requirement.choices = list(REQUIREMENT_LABELS.items())

    def validate_requirement(self, field):
        if not field.data:
            field.data = "required"  # a form sent without the field, as before the choice existed
        if field.data not in REQUIREMENT_LABELS:
            raise ValidationError(_l("Choose required or elective."))

    @property
    def chosen_course(self):
        return next((c for c in self.courses if str(c.id) == self.course.data), None)

    def validate_course(self, field):
        if self.chosen_course is None:
            raise ValidationError(_l("Choose a course."))

    def validate_starts_on(self, field):
        if field.data is None:
            _own_message(field, DATE_MESSAGE)

    def validate_due_on(self, field):
        if field.data is None:
            _own_message(field, DATE_MESSAGE)
        if self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The due date must not come before the start date."))


RULE_KINDS = (("lessons", "lesson"), ("quizzes", "quiz"), ("exercises", "exercise"))


class CompletionRuleForm(FlaskForm):
    """Which of a course's lessons, quizzes and exercises it requires, and minutes of reading."""

    lessons = SelectMultipleField(_l("Lessons"), validate_choice=False)
    quizzes = SelectMultipleField(_l("Quizzes"), validate_choice=False)
    exercises = SelectMultipleField(_l("Exercises"), validate_choice=False)
    min_active_minutes = IntegerField(_l("Minimum active reading minutes (0 for none)"), default=0)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key, kind in RULE_KINDS:
            self[key].choices = [(slug, title) for k, slug, title in items if k == kind]

    def chosen(self) -> dict[str, list[str]]:
        return {key: list(self[key].data or []) for key, _kind in RULE_KINDS}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for key, _kind in RULE_KINDS:
            field = self[key]
            unknown = set(field.data or []) - {value for value, _label in field.choices}
            if unknown:
                field.errors = list(field.errors) + [
                    _l("%(items)s is not an item of this course.", items=", ".join(sorted(unknown)))
                ]
                valid = False
        return valid

    def validate_min_active_minutes(self, field):
        if not (field.raw_data and field.raw_data[0].strip()):
            field.errors[:] = []
            field.data = 0
            return
        if field.data is None or not 0 <= field.data <= MAX_RULE_MINUTES:
            _own_message(field, _l("Minimum minutes must be a whole number from 0 to 10000."))


class GridFilterForm(FlaskForm):
    """The class grid's course, unit and order, read from the query string."""

    class Meta:
        csrf = False

    course = SelectField(_l("Course"), validate_choice=False)
    unit = StringField(_l("Unit"))
    sort = SelectField(_l("Sort by"), default="name", validate_choice=False)

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.course.choices = [(str(c.id), c.slug) for c in courses]
        self.sort.choices = [("name", "name"), ("unit", "unit"), ("progress", "progress")]

    def validate_course(self, field):
        if field.data and field.data not in dict(field.choices):
            raise ValidationError(_l("Choose a course."))

    def validate_unit(self, field):
        # Any unit, not only the members' own: a unit's learners include its sub-units'.
        if field.data and not (row_id(field.data) and db.session.get(Unit, row_id(field.data))):
            raise ValidationError(_l("Choose a unit."))

    def validate_sort(self, field):
        if field.data not in dict(field.choices):
            raise ValidationError(_l("Choose an order."))


class UnitFilterForm(FlaskForm):
    """A unit (with its sub-units) to narrow a list to; read from the query string."""

    class Meta:
        csrf = False

    unit = StringField(_l("Unit (with its sub-units)"))

    def validate_unit(self, field):
        if field.data and not (row_id(field.data) and db.session.get(Unit, row_id(field.data))):
            raise ValidationError(_l("Choose a unit."))


# --- the 学时 ledger --------------------------------------------------------------------------


class CreditSearchForm(FlaskForm):
    """The learner whose ledger to show, by username; read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Username"), validators=[Length(max=64)])


TRAINING_KIND_LABELS = {
    "full_time": _l("Full-time training (脱产培训)"),
    "topic_class": _l("Topic class (专题班)"),
    "group_study": _l("Party group study (中心组学习)"),
    "teaching": _l("Teaching given (授课)"),
    "other": _l("Other training"),
}
HOURS_MESSAGE = _l("Hours must be a number above 0 and at most 1000.")
DAYS_MESSAGE = _l("Days must be a multiple of 0.5 from 0.5 to 366.")


class CreditForm(FlaskForm):
    """Credit for training taken elsewhere: its kind, the days it ran, and either the 学时 or
    the days (converted by the CLASSROOM_CREDIT day and half-day rules); who organised it, and the
    evidence seen."""

    kind = SelectField(_l("Kind of training"), default="other", validate_choice=False)
    earned_on = DateField(_l("First day"))
    ends_on = DateField(_l("To (if more than one day)"))
    hours = DecimalField(_l("Credit hours"))
    days = DecimalField(_l("or days"))
    organiser = StringField(_l("Organiser"), validators=[Length(max=200)])
    evidence = StringField(_l("Evidence"), validators=[Length(max=MAX_NOTE)])
    note = StringField(_l("Note"), validators=[Length(max=MAX_NOTE)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(TRAINING_KIND_LABELS.items())

    def validate_kind(self, field):
        if field.data not in TRAINING_KIND_LABELS:
            raise ValidationError(_l("Choose a kind of training."))

    def validate_hours(self, field):
        typed = bool(field.raw_data and field.raw_data[0].strip())
        if typed and field.data is None:
            _own_message(field, HOURS_MESSAGE)
        if not typed and not (self.days.raw_data and self.days.raw_data[0].strip()):
            _own_message(field, _l("Give the credit hours or the days."))
        if typed and self.days.raw_data and self.days.raw_data[0].strip():
            _own_message(field, _l("Give the credit hours or the days, not both."))

    def validate_days(self, field):
        if not (field.raw_data and field.raw_data[0].strip()):
            field.errors[:] = []
            return
        if field.data is None or not 0.5 <= field.data <= 366 or (field.data * 2) % 1:
            _own_message(field, DAYS_MESSAGE)

    def validate_earned_on(self, field):
        if field.data is None:
            _own_message(field, DATE_MESSAGE)

    def validate_ends_on(self, field):
        if not (field.raw_data and field.raw_data[0].strip()):
            field.errors[:] = []
            field.data = None
            return
        if field.data is None:
            _own_message(field, DATE_MESSAGE)


class ReverseForm(FlaskForm):
    """Why an entry of the ledger is cancelled."""

    reason = StringField(_l("Reason"), validators=[Length(max=MAX_NOTE)])


class QuotaForm(Form):
    """One rank level's quota: so many 学时 in so many years. Used with the level as its prefix,
    so the fields are named township-hours, county-years and so on."""

    hours = DecimalField(_l("Credit hours"))
    years = IntegerField(_l("in years"))
    min_required = DecimalField(_l("of which from required courses"))

    def validate_hours(self, field):
        if not field.raw_data or field.data is None or not 0 < field.data <= 5000:
            _own_message(field, QUOTA_MESSAGE)

    def validate_min_required(self, field):
        if not (field.raw_data and field.raw_data[0].strip()):
            field.errors[:] = []
            field.data = 0.0
            return
        if (
            field.data is None
            or field.data < 0
            or (self.hours.data is not None and field.data > self.hours.data)
        ):
            _own_message(
                field, _l("Required hours must be a number from 0 up to the quota's hours.")
            )

    def validate_years(self, field):
        if not field.raw_data or field.data is None or not 1 <= field.data <= 10:
            _own_message(field, QUOTA_MESSAGE)


QUOTA_MESSAGE = _l("Hours must be above 0 (at most 5000) and the period 1–10 years.")


class QuotasForm(FlaskForm):
    """The quotas of every rank level, each from its own prefixed fields."""

    def __init__(
        self, quotas: dict[str, tuple[float, int]], minimums: dict[str, float] | None = None
    ):
        super().__init__()
        sent = request.form if self.is_submitted() else None
        minimums = minimums or {}
        self.levels = {
            level: QuotaForm(
                sent,
                prefix=f"{level}-",
                hours=hours,
                years=years,
                min_required=minimums.get(level, 0.0),
            )
            for level, (hours, years) in quotas.items()
        }

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return all([level.validate() for level in self.levels.values()]) and valid


# --- outside training from a unit's sheet -------------------------------------------------------


class TrainingSheetForm(FlaskForm):
    """A sheet of outside training records to check (and then apply)."""

    file = FileField(
        _l("Training records (CSV or XLSX, at most 5 MB)"), validators=[FileRequired()]
    )


class MatchForm(FlaskForm):
    """The account a queued row belongs to, by username."""

    username = StringField(_l("Username"), validators=[Length(max=64)])


class DiscardForm(FlaskForm):
    """Why a queued row is set aside."""

    reason = StringField(_l("Reason"), validators=[Length(max=MAX_NOTE)])
