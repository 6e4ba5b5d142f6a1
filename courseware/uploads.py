"""Routes that take a file larger than the app's request limit (MAX_CONTENT_LENGTH) declare how
large, so that their own check can refuse a file that is too big with a message naming it, where
the app-wide limit could only answer a bare 413.

The limit is raised before anything reads the request body — the CSRF check reads the form — so
this module's hook must be registered before CSRFProtect's.
"""

from flask import current_app, request


def accepts_upload(limit: int):
    """Let requests to this view carry up to `limit` bytes."""

    def decorator(view):
        view.upload_limit = limit
        return view

    return decorator


def raise_limit() -> None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    limit = getattr(getattr(view, "__wrapped__", view), "upload_limit", None)
    if limit:
        request.max_content_length = limit


def init_app(app) -> None:
    app.before_request(raise_limit)
