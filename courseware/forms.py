"""Forms every package shares."""

import wtforms.widgets.core
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import escape, Markup
from wtforms import SubmitField
from wtforms.widgets.core import clean_key


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""

    submit = SubmitField(_l("Confirm"))


# --- attribute rendering ----------------------------------------------------------------------

_wtforms_html_params = wtforms.widgets.core.html_params


def html_params(**kwargs) -> Markup:
    """wtforms.widgets.html_params, giving the same markup for the same attributes.

    WTForms builds each attribute with Markup.format, which goes through string.Formatter; on a
    page of forms that was a tenth of the time spent. Here each attribute is escaped once and
    joined as plain text. tests/test_forms.py compares the two on generated attributes."""
    parts = []
    for key, value in sorted(kwargs.items()):
        if value is False:
            continue
        name = str(escape(clean_key(key)))
        if value is True:
            parts.append(name)
        else:
            parts.append(f'{name}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(parts))


def use_fast_html_params() -> None:
    """Make every WTForms widget render its attributes with html_params above. The widgets look
    the function up in three places: their module, the package, and two classes' attribute."""
    wtforms.widgets.core.html_params = html_params
    wtforms.widgets.html_params = html_params
    for widget in (wtforms.widgets.core.Input, wtforms.widgets.core.Button):
        widget.html_params = staticmethod(html_params)
