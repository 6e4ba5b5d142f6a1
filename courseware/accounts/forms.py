"""Forms for signing in, passwords, and the administrators' pages."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from courseware.accounts import identity
from courseware.accounts.credentials import normalise_username, password_problem
from courseware.accounts.models import Cohort, RankLevel, Role, Unit, unit_paths_from, User
from courseware.db import built_once, db, read_rows
from courseware.forms import ActionForm as ActionForm  # shared; still importable from here
from courseware.templating import ROLE_LABELS

PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
# Staff numbers and pinyin names; \w also admits Chinese characters.
USERNAME_PATTERN = re.compile(r"^[\w.@-]+$")


def _subtree(unit: Unit) -> list[Unit]:
    """A unit and all units below it."""
    found, frontier = [], [unit]
    while frontier:
        found += frontier
        frontier = [child for u in frontier for child in u.children]
    return found


def role_choices():
    return list(ROLE_LABELS.items())


def rank_choices():
    return [
        ("", _l("Not set")),
        (RankLevel.TOWNSHIP.value, _l("Township level and below")),
        (RankLevel.COUNTY.value, _l("County level and above")),
    ]


@built_once
def _units():
    return sa.select(Unit.id, Unit.parent_id, Unit.name)


def unit_choices(blank_label=None, scope: set[int] | None = None):
    """Units as (id, full path), sorted by path, for select boxes.

    With a `scope` (a unit administrator's unit ids) only those units, and no blank choice: what a
    unit administrator saves always lands inside their units."""
    rows = {unit_id: (parent_id, name) for unit_id, parent_id, name in read_rows(_units(), {})}
    paths = unit_paths_from(rows, rows if scope is None else scope)
    choices = sorted(((str(unit_id), path) for unit_id, path in paths.items()), key=lambda c: c[1])
    if scope is not None:
        return choices
    return [("", blank_label or _l("No unit"))] + choices


def require_within_scope(field, scope) -> None:
    """A unit administrator must choose one of their units: the blank choice would mean none."""
    if scope is not None:
        field.validators = [InputRequired(message=_l("Choose one of the units you manage."))]


def normalise_phone(raw: str) -> str:
    """Drop spaces, dashes and a +86 prefix from a mainland mobile number."""
    phone = re.sub(r"[\s\-()]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    return phone


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ReminderSettingsForm(FlaskForm):
    """Where one's reminders are mailed, and whether they are."""

    email = StringField(
        _l("Email address"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("Enter an email address such as name@example.org."),
            ),
        ],
    )
    email_reminders = BooleanField(_l("Send me reminders by email"))
    submit = SubmitField(_l("Save email settings"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(),
            Length(max=256),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
    )
    submit = SubmitField(_l("Change password"))

    def validate_current_password(self, field):
        if not current_user.check_password(field.data):
            raise ValidationError(_l("The current password is wrong."))

    def validate_new_password(self, field):
        problem = password_problem(field.data, current_user.username)
        if problem:
            raise ValidationError(problem)
        if current_user.check_password(field.data):
            raise ValidationError(_l("Choose a password different from the current one."))


class UnitForm(FlaskForm):
    name = StringField(_l("Unit name"), validators=[DataRequired(), Length(max=128)])
    parent_id = SelectField(_l("Parent unit"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, unit=None, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        choices = unit_choices(_l("None (top level)"), scope)
        require_within_scope(self.parent_id, scope)
        if unit is not None:
            # A unit cannot move under itself or under one of its own sub-units.
            own = {str(u.id) for u in _subtree(unit)}
            choices = [c for c in choices if c[0] not in own]
        self.parent_id.choices = choices

    def validate_parent_id(self, field):
        if not field.data or self.unit is None:
            return
        parent = db.session.get(Unit, int(field.data))
        while parent is not None:
            if parent.id == self.unit.id:
                raise ValidationError(_l("A unit cannot be placed inside itself."))
            parent = parent.parent

    def validate_name(self, field):
        if "/" in field.data or "／" in field.data:
            raise ValidationError(
                _l("A unit name cannot contain “/”: it separates units in a path.")
            )
        parent_id = int(self.parent_id.data) if self.parent_id.data else None
        same_parent = Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
        clash = db.session.scalar(
            sa.select(Unit).where(Unit.name == field.data.strip(), same_parent)
        )
        if clash is not None and clash is not self.unit:
            raise ValidationError(_l("This parent already has a unit of that name."))


class UserForm(FlaskForm):
    username = StringField(
        _l("Username or staff number"), validators=[DataRequired(), Length(max=64)]
    )
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=64)])
    role = SelectField(_l("Role"), choices=role_choices)
    unit_id = SelectField(_l("Unit"), validators=[Optional()])
    position = StringField(_l("Position (职务)"), validators=[Optional(), Length(max=128)])
    rank_level = SelectField(_l("Rank level (职级)"), choices=rank_choices, validators=[Optional()])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=20)])
    employee_no = StringField(_l("Employee number (工号)"), validators=[Optional()])
    # Never filled from the account: the page shows only its last four characters, and an empty
    # field keeps the number on file.
    id_number = StringField(_l("ID number (身份证号)"), validators=[Optional()])
    # Read only for administrators: the unit whose tree they manage (单位管理员), or the province.
    admin_unit_id = SelectField(_l("Administers"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, user=None, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.scoped = scope is not None
        self.unit_id.choices = unit_choices(scope=scope)
        self.admin_unit_id.choices = unit_choices(_l("The whole province (every unit)"), scope)
        require_within_scope(self.unit_id, scope)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # A unit administrator's new administrator manages part of their units, never more.
        if self.scoped and self.role.data == Role.ADMIN.value and not self.admin_unit_id.data:
            self.admin_unit_id.errors = [_l("Choose one of the units you manage.")]
            return False
        return valid

    def validate_username(self, field):
        field.data = normalise_username(field.data)
        if not field.data:
            raise ValidationError(_l("This field is required."))
        if not USERNAME_PATTERN.match(field.data):
            raise ValidationError(_l("Use letters, digits and . _ - @ only, without spaces."))
        clash = db.session.scalar(sa.select(User).where(User.username == field.data))
        if clash is not None and clash is not self.user:
            raise ValidationError(_l("This username is taken."))

    def validate_employee_no(self, field):
        field.data = identity.normalise_employee_no(field.data)
        if not field.data:
            return
        problem = identity.employee_no_problem(field.data)
        if problem:
            raise ValidationError(problem)
        clash = db.session.scalar(sa.select(User).where(User.employee_no == field.data))
        if clash is not None and clash is not self.user:
            raise ValidationError(
                _l("The 工号 %(value)s belongs to %(name)s.", value=field.data, name=clash.name)
            )

    def validate_id_number(self, field):
        field.data = identity.normalise_id_number(field.data)
        if not field.data:
            return
        problem = identity.id_number_problem(field.data)
        if problem:
            raise ValidationError(problem)
        clash = db.session.scalar(sa.select(User).where(User.id_number == field.data))
        if clash is not None and clash is not self.user:
            raise ValidationError(_l("This ID number (身份证号) belongs to another account."))

    def validate_phone(self, field):
        field.data = normalise_phone(field.data)
        if field.data and not PHONE_PATTERN.match(field.data):
            raise ValidationError(
                _l("Enter an 11-digit mainland mobile number, such as 13800138000.")
            )


class CohortForm(FlaskForm):
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=128)])
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional()])
    unit_id = SelectField(_l("Held by unit"), validators=[Optional()])
    instructor_ids = SelectMultipleField(_l("Instructors"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, cohort=None, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.unit_id.choices = unit_choices(_l("The province (no unit)"), scope)
        require_within_scope(self.unit_id, scope)
        instructors = db.session.scalars(
            sa.select(User).where(User.role == Role.INSTRUCTOR.value).order_by(User.username)
        )
        # A unit administrator chooses among their units' instructors; those already teaching the
        # class stay on the list, so saving does not drop them.
        kept = {u.id for u in cohort.instructors} if cohort else set()
        self.instructor_ids.choices = [
            (str(u.id), f"{u.name} ({u.username})")
            for u in instructors
            if scope is None or u.unit_id in scope or u.id in kept
        ]

    def validate_name(self, field):
        clash = db.session.scalar(sa.select(Cohort).where(Cohort.name == field.data.strip()))
        if clash is not None and clash is not self.cohort:
            raise ValidationError(_l("A class of that name exists already."))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date comes before the start date."))


class AddMembersForm(FlaskForm):
    usernames = TextAreaField(
        _l("Usernames, one per line or separated by spaces or commas"), validators=[Optional()]
    )
    unit_id = SelectField(_l("Or every learner of a unit"), validators=[Optional()])
    submit = SubmitField(_l("Add learners"))

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = unit_choices(_l("No unit chosen"), scope)
        if scope is not None:
            self.unit_id.choices.insert(0, ("", _l("No unit chosen")))
        # The class page holds the class's own form too, with a unit box and a submit button of
        # its own: element ids are kept apart, the names the server reads stay as they are.
        for name in ("usernames", "unit_id", "submit", "csrf_token"):
            if name in self:
                self[name].id = self[name].label.field_id = f"members-{name}"

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.names() and not self.unit_id.data:
            self.usernames.errors.append(_l("Give usernames or choose a unit."))
            return False
        return True

    def names(self) -> list[str]:
        """The usernames typed, normalised, whatever separates them (spaces, commas, "，")."""
        text = (self.usernames.data or "").replace(",", " ").replace("，", " ")
        return [normalise_username(n) for n in text.split()]


class RosterUploadForm(FlaskForm):
    file = FileField(_l("Roster file (CSV or XLSX, at most 5 MB)"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class AuditFilterForm(FlaskForm):
    """Filters for the audit log; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    actor = StringField(_l("Who"), validators=[Optional(), Length(max=64)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date comes before the start date."))


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by name or username"), validators=[Optional(), Length(max=64)])
    role = SelectField(_l("Role"), choices=lambda: [("", _l("All roles"))] + role_choices())
    show_inactive = BooleanField(_l("Show deactivated accounts"))
    never_signed_in = BooleanField(_l("Only accounts that have never signed in"))
    submit = SubmitField(_l("Search"))
