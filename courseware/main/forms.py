"""The language switch in the page header."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError


class LanguageForm(FlaskForm):
    """The language chosen, and the page to return to."""

    locale = StringField()
    next = HiddenField()

    def validate_locale(self, field):
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Choose 中文 or English."))
