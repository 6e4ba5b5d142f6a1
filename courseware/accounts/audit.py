"""Append entries to the audit log (审计日志)."""
import json

from flask import has_request_context
from flask_login import current_user

from courseware.accounts.models import AuditEvent, User
from courseware.db import db
from courseware.netutil import client_ip


def record(action: str, target: str = "", detail=None, actor: User | None = None) -> AuditEvent:
    """Add an audit entry to the current transaction; the caller commits with its own change.

    The actor defaults to the signed-in user; `detail` may be a string or anything JSON can hold.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if detail is None:
        detail = ""
    elif not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else "",
        action=action,
        target=target[:255],
        detail=detail,
        ip=client_ip() if has_request_context() else "",
    )
    db.session.add(event)
    return event
