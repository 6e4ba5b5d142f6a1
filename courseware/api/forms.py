"""The form administrators fill in to issue an API token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from courseware.api.models import SCOPES


def scope_choices():
    """Each scope with what it allows, as the form shows it."""
    labels = {
        "reports:read": _l(
            "Read reports: units, users, classes, completions, credit hours, certificates, xAPI"
        ),
        "rosters:manage": _l("Manage rosters: create and update users"),
    }
    return [(scope, f"{scope} — {labels[scope]}") for scope in SCOPES]


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=128)],
        description=_l("Which system uses it, such as 干部信息系统."),
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        choices=scope_choices,
        validators=[DataRequired(message=_l("Choose at least one scope."))],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Create token"))
