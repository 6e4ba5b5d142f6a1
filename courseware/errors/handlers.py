"""Error pages in the user's language; a failed request leaves no half-done transaction."""

from flask import render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
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
        503: _("The server is busy. Nothing was lost; retrying in a moment."),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, message: str | None = None):
    message = message or messages().get(code, _("The request could not be completed."))
    if wants_json():
        return {"error": message, "status": code}, code
    return render_template("errors/error.html", code=code, message=message), code


def handle_http_error(error: HTTPException):
    """Render the error page, keeping the headers the status needs (Allow on a 405)."""
    if error.code == 400 and error.description == "page":
        body, code = render_error(
            400, _("The page number must be a whole number from 1 to 1,000,000.")
        )
    elif error.code == 400 and error.description == "number":
        body, code = render_error(400, _("A number in the address is too large."))
    else:
        body, code = render_error(error.code or 500)
    kept = {k: v for k, v in error.get_headers() if k.lower() in ("allow", "retry-after")}
    return body, code, kept


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _("The form has expired or did not come from this site. Reload the page and try again."),
    )


# How long a client should wait before sending again when the database is busy.
RETRY_AFTER_SECONDS = 2


def handle_operational_error(error: OperationalError):
    """Answer 503 with Retry-After while SQLite is locked by another writer; 500 otherwise.

    SQLite waits for its busy timeout first, so this is rare: a long backup, a big import. The quiz
    page keeps the answers and sends them again after the pause.
    """
    db.session.rollback()
    if "database is locked" not in str(error.orig):
        return render_error(500)
    body, code = render_error(503)
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


class JSONProvider(DefaultJSONProvider):
    """Read JSON bodies so that a nesting bomb is bad input, not a server error."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            # get_json(silent=True) turns a ValueError into None: "the body must be JSON".
            raise ValueError("JSON nested too deeply") from error


def handle_server_error(error):
    db.session.rollback()
    return render_error(500)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(500, handle_server_error)
    app.json = JSONProvider(app)
