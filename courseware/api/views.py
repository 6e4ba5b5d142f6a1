"""The JSON API, /api/v1."""
from flask import Blueprint

from courseware.api import models  # noqa: F401  (the tables, for migrations)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
