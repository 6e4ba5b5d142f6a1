"""Forms every package shares."""

import flask_wtf.i18n
import wtforms.widgets.core
from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import escape, Markup
from wtforms import SubmitField
from wtforms.i18n import messages_path
from wtforms.widgets.core import clean_key

from courseware import caching


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


# --- WTForms' own messages ---------------------------------------------------------------------


@caching.memoize("wtforms_translations", max_size=16)
def _wtforms_catalog(locale: str) -> support.Translations:
    """WTForms' messages ("This field is required." and the like) in one language.

    Kept per process (rule 2 of caching.py: the catalogue is a file of the installed WTForms).
    Flask-WTF reads it from disk again in every request that builds a form, because each field's
    label goes through it; on a page with a form that was a tenth of the time spent."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _kept_wtforms_translations():
    """flask_wtf.i18n._get_translations, from the kept catalogue of the request's language."""
    if not has_request_context() or "babel" not in current_app.extensions:
        return None
    return _wtforms_catalog(str(get_locale()))


def use_kept_wtforms_translations() -> None:
    """Have Flask-WTF's translations (which it looks up by this module attribute on every
    message) come from the kept catalogues."""
    flask_wtf.i18n._get_translations = _kept_wtforms_translations
