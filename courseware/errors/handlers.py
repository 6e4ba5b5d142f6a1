"""Error pages in the user's language; a failed request leaves no half-done transaction."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from courseware.db import db


def messages():
    """Explanations for the status codes users can meet."""
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to open this page."),
        404: _("There is no such page."),
        405: _("This address does not accept that kind of request."),
        413: _("The file is too large. The limit is 5 MB."),
        429: _("Too many requests. Wait a while and try again."),
        500: _("Something went wrong on the server. Nothing was changed; please try again."),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, message: str | None = None):
    message = message or messages().get(code, _("The request could not be completed."))
    if wants_json():
        return {"error": message, "status": code}, code
    return render_template("errors/error.html", code=code, message=message), code


def handle_http_error(error: HTTPException):
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _("The form has expired or did not come from this site. Reload the page and try again."),
    )


def handle_server_error(error):
    db.session.rollback()
    return render_error(500)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
