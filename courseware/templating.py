"""Helpers available in every template."""
from flask_babel import lazy_gettext as _l

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


def init_app(app):
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.filters["dict_without_page"] = dict_without_page
    app.jinja_env.filters["hours"] = hours
