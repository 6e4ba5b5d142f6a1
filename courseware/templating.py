"""Helpers available in every template."""
import secrets

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

ROLE_LABELS = {
    "learner": _l("Learner"),
    "instructor": _l("Instructor"),
    "admin": _l("Administrator"),
}


def role_label(role: str) -> str:
    """The role's name in the user's language."""
    return str(ROLE_LABELS.get(role, role))


def dict_without_page(args: dict) -> dict:
    """Query arguments without `page`, for pagination links that keep the filters."""
    return {k: v for k, v in args.items() if k != "page"}


def hours(value) -> str:
    """Credit hours without a needless ".0": 8 and 1.5."""
    return f"{value:g}"


# The header differs only by user and language, apart from the CSRF token and the page to return
# to after a language switch; it is rendered once per user and language in each process, with
# these marks (unguessable, so no user's name can contain them) filled in on every request.
_CSRF_MARK = f"csrf-{secrets.token_hex(8)}"
_NEXT_MARK = f"next-{secrets.token_hex(8)}"
_NAV_CACHE: dict[tuple, str] = {}
_NAV_CACHE_MAX = 4096


def navigation() -> Markup:
    """The page header: links for the user's role, their name, sign-out and the language switch."""
    from courseware.i18n import html_lang

    language = html_lang()
    if current_user.is_authenticated:
        key = (current_user.id, current_user.role, current_user.name, current_user.is_demo, language)
    else:
        key = (None, language)
    html = _NAV_CACHE.get(key)
    if html is None:
        html = render_template("_nav.html", csrf_mark=_CSRF_MARK, next_mark=_NEXT_MARK)
        if len(_NAV_CACHE) >= _NAV_CACHE_MAX:
            _NAV_CACHE.clear()
        _NAV_CACHE[key] = html
    back = request.full_path if request.method == "GET" else url_for("main.index")
    return Markup(html.replace(_CSRF_MARK, str(escape(generate_csrf()))).replace(_NEXT_MARK, str(escape(back))))


def init_app(app):
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.filters["dict_without_page"] = dict_without_page
    app.jinja_env.filters["hours"] = hours
