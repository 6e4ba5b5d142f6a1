"""The JSON API, /api/v1: thin views over api/report_reads.py, api/rosters.py and api/xapi.py.

Calls carry a bearer token (see api/tokens.py), never the browser's session, so the blueprint is
exempt from CSRF: a cross-site page cannot make a browser attach a token the way it attaches a
cookie.
"""

import re

from flask import abort, Blueprint, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from courseware.access import public, token
from courseware.api import (
    models,  # noqa: F401  (the tables, for migrations)
    report_reads,
    rosters,
    tokens,
    xapi,
)
from courseware.api import openapi as openapi_document
from courseware.api.params import ApiError, MAX_ID
from courseware.db import db
from courseware.errors.handlers import messages
from courseware.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.after_request(tokens.audit_call)

read = token("reports:read")
manage = token("rosters:manage")


# Flask's <int:user_id> in a rule is the document's {user_id}.
RULE_PART = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@bp.before_request
def refuse_unknown_parameters():
    """Refuse, by name, a query parameter the operation does not list in the document: a misspelt
    filter (?unit_id= for ?unit=) would otherwise be ignored and every row returned. Runs after
    the token is checked, so a caller without one still learns only that."""
    if request.url_rule is None:
        return  # 404 and 405 answer for themselves
    path = RULE_PART.sub(r"{\1}", request.url_rule.rule.removeprefix(bp.url_prefix))
    known = openapi_document.query_parameters(path, request.method)
    for name in request.args:
        if name not in known:
            raise ApiError(
                _("The API takes no parameter named %(name)s.", name=name[:100]), name[:100]
            )


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error.body(), error.status


@bp.errorhandler(400)
@bp.errorhandler(404)
@bp.errorhandler(405)
@bp.errorhandler(413)
@bp.errorhandler(422)
def http_error(error: HTTPException):
    return {"error": messages().get(error.code, error.description)}, error.code


def _found(record):
    if record is None:
        abort(404)
    return record


def _id(value: int) -> int:
    # Larger numbers name no row, and PostgreSQL would refuse them as integers.
    if not 1 <= value <= MAX_ID:
        abort(404)
    return value


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.0 description of this API."""
    return jsonify(openapi_document.document())


@bp.route("/units")
@read
def units():
    """Every unit (单位) of the organisation tree."""
    return report_reads.list_units()


@bp.route("/users")
@read
def users():
    """Users, paginated; filtered by unit (with sub-units), role and last change."""
    return report_reads.list_users(request.args)


@bp.route("/users", methods=["POST"])
@manage
def save_users():
    """Create or update users from JSON, all or nothing."""
    payload = request.get_json(silent=True)
    if payload is None:
        raise ApiError(_("The body must be JSON (Content-Type: application/json)."), "users", 400)
    result = rosters.save_users(payload, g.api_token)
    db.session.commit()
    return result


@bp.route("/users/<int:user_id>")
@read
def user(user_id):
    """One user."""
    return _found(report_reads.get_user(_id(user_id)))


@bp.route("/classes")
@read
def classes():
    """Every class (班次)."""
    return report_reads.list_classes()


@bp.route("/classes/<int:class_id>/enrolments")
@read
def enrolments(class_id):
    """A class's learners and its assigned courses."""
    return _found(report_reads.class_enrolments(_id(class_id)))


@bp.route("/completions")
@read
def completions():
    """Course completions, paginated and filtered."""
    return report_reads.list_completions(request.args)


@bp.route("/credits")
@read
def credits():
    """Lines of the 学时 ledger, paginated and filtered."""
    return report_reads.list_credits(request.args)


@bp.route("/certificates/<code>")
@read
def certificate(code):
    """Verify a certificate by its code."""
    return _found(report_reads.verify_certificate(code))


@bp.route("/xapi/statements")
@read
def xapi_statements():
    """Completions and quiz results as xAPI statements."""
    return xapi.statements(request.args)
