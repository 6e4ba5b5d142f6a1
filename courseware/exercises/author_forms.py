"""The scenario editor's forms: the YAML text, a new scenario started from another, and the
play-test's clock."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from courseware.content.files import SLUG
from courseware.exercises.authoring import MAX_TEXT

# How far the play-test's clock may be moved on in one step, in simulated minutes.
FORWARD_STEPS = (1, 5, 15)


class ScenarioForm(FlaskForm):
    """A scenario's YAML text, checked, saved as a draft or published."""

    text = TextAreaField(
        _l("Scenario file (YAML)"),
        validators=[
            DataRequired(message=_l("The scenario's text is empty.")),
            Length(max=MAX_TEXT, message=_l("At most %(max)d characters.")),
        ],
    )
    note = StringField(
        _l("Note on this change (optional)"),
        validators=[Length(max=255, message=_l("At most %(max)d characters."))],
    )
    base_revision_id = HiddenField()
    check = SubmitField(_l("Check"))
    save = SubmitField(_l("Save draft"))
    publish = SubmitField(_l("Publish"))


class CopyForm(FlaskForm):
    """A new scenario of the same course, started as a copy of this one."""

    slug = StringField(
        _l("Short name of the new scenario (in its address and file name)"),
        validators=[
            DataRequired(message=_l("Give the new scenario a short name.")),
            Length(max=64, message=_l("At most %(max)d characters.")),
            Regexp(
                SLUG,
                message=_l("Use lowercase letters, digits and hyphens, such as flood-rumour."),
            ),
        ],
    )
    position = SelectField(_l("Where in the course"), validate_choice=True)


class ForwardForm(FlaskForm):
    """Move the play-test's clock on: some minutes, or to the next inject."""

    minutes = HiddenField()
