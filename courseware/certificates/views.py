"""Certificates: the learner's list, the printable page and PDF, public verification, revocation."""
from flask import Blueprint

from courseware.certificates import models  # noqa: F401  (the tables, for migrations)

bp = Blueprint("certificates", __name__)
