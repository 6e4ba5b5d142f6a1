"""The administrators' pages on one blueprint: each subject module adds its routes to it."""

from courseware.admin import (  # noqa: F401  (each module adds its routes to the blueprint)
    addresses,
    audit_log,
    classes,
    courses,
    home,
    rosters,
    units,
    users,
)
from courseware.admin.blueprint import bp

__all__ = ["bp"]
