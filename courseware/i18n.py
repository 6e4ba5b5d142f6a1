"""Interface language: the user's choice, then the browser's, then Simplified Chinese."""
import os

from flask import current_app, g, has_request_context, request
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user

from courseware.db import db

COOKIE = "locale"
ONE_YEAR = 365 * 24 * 3600

babel = Babel()


def select_locale() -> str | None:
    """Pick the language for this request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Command-line tools speak the terminal's language.
        return "en" if os.environ.get("LANG", "").startswith("en") else None
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request.cookies.get(COOKIE) in languages:
        return request.cookies[COOKIE]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_locale(response, locale: str) -> None:
    """Store a chosen language in a cookie and, for a signed-in user, on the account."""
    if locale not in current_app.config["LANGUAGES"]:
        return
    response.set_cookie(COOKIE, locale, max_age=ONE_YEAR, httponly=True, samesite="Lax")
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()


def html_lang() -> str:
    """The BCP 47 tag for <html lang>: zh-CN or en."""
    locale = get_locale()
    return "zh-CN" if locale.language == "zh" else locale.language


def request_translations():
    """The catalog for this request, looked up once: a page makes dozens of gettext calls."""
    if "translations" not in g:
        g.translations = get_translations()
    return g.translations


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["html_lang"] = html_lang
