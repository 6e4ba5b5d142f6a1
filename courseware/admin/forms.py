"""Forms of the administrators' pages that are not about accounts themselves."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from courseware.accounts.models import Role, User
from courseware.db import db


class CourseEditorsForm(FlaskForm):
    """Choose who edits a course: instructors, and administrators of a unit."""

    editor_ids = SelectMultipleField(_l("Editors"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = db.session.scalars(
            sa.select(User)
            .where(User.role != Role.LEARNER.value, User.active.is_(True))
            .order_by(User.username)
        )
        self.editor_ids.choices = [(str(u.id), f"{u.name} ({u.username})") for u in people]

    def chosen(self) -> list[User]:
        """The users chosen, read again from the database."""
        ids = [int(i) for i in self.editor_ids.data or []]
        if not ids:
            return []
        return list(db.session.scalars(sa.select(User).where(User.id.in_(ids))))


class LiftAddressLockForm(FlaskForm):
    """Lift the lock on a network address where too many sign-ins failed."""

    address = StringField(_l("Network address"), validators=[DataRequired(), Length(max=45)])
