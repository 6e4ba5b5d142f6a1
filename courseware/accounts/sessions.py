"""Sign-in sessions kept in the database, so logout and deactivation end them on every worker."""

import secrets

import sqlalchemy as sa
from flask import current_app, g, has_request_context, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, LoginManager, logout_user
from flask_login.signals import user_accessed
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import make_transient_to_detached

from courseware import caching
from courseware.accounts.models import User, UserSession
from courseware.db import db, first_row_on_driver
from courseware.netutil import client_ip
from courseware.timeutil import utcnow


class SessionLoginManager(LoginManager):
    """Flask-Login's manager, loading the user from the session cookie's token alone.

    This app signs in with no remember-me cookie and no request or header loader, and it checks
    every session against the database instead of Flask-Login's session protection, which is off.
    Flask-Login's own loader still worked out that protection's identifier (a SHA-512 of the
    address and the browser) on every request, only to ignore it, and looked for a remember-me
    cookie whenever no one was signed in."""

    def _load_user(self):
        user_accessed.send(current_app._get_current_object())
        token = session.get("_user_id")
        user = self._user_callback(token) if token is not None else None
        return self._update_request_context_with_user(user)


login_manager = SessionLoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
# Sessions are checked against the database on every request instead.
login_manager.session_protection = None

# Endpoints a user who must change their password may still reach.
ALLOWED_BEFORE_PASSWORD_CHANGE = {
    "auth.change_password",
    "auth.logout",
    "main.set_language",
    "static",
}


# Built once: this runs on every signed-in request, and building a statement costs more than
# running it on SQLite. Core, not ORM: the row is compared with the copy kept below, and an ORM
# object is made only when they differ.
_USER_COLUMNS = [column for column in User.__table__.columns]
_LIVE_SESSION = (
    sa.select(*_USER_COLUMNS)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.token == sa.bindparam("token"),
        UserSession.ended_at.is_(None),
        User.active.is_(True),
    )
)
# The statement load_user runs: _LIVE_SESSION with the values read along (read_along()).
_live_session_row = _LIVE_SESSION

# Values every signed-in page shows (the unread-notifications count), read by the same statement
# as the session's row: one round trip per request instead of one each. Registered by the package
# that owns the value, with a scalar subquery that may refer to the user's columns.
_read_along: dict[str, sa.ScalarSelect] = {}


def read_along(name: str, value: sa.ScalarSelect) -> None:
    """Read `value` (a scalar subquery on the user's columns) with the session's row on every
    signed-in request; `value_read_along(name, user)` then gives it for this request."""
    global _live_session_row
    _read_along[name] = value
    _live_session_row = _LIVE_SESSION.add_columns(
        *(subquery.label(key) for key, subquery in _read_along.items())
    )


def value_read_along(name: str, user) -> int | None:
    """The value read with this request's session row for `user`, or None when it was not read
    (another user, no request) or was set aside by `forget_read_along` since."""
    if not has_request_context():
        return None
    kept = g.get("read_along")
    if kept is None or kept[0] != user.id:
        return None
    return kept[1].get(name)


def forget_read_along(name: str) -> None:
    """Set aside a value read with the session's row, after this request changed it: the next
    reader asks the database."""
    if has_request_context():
        kept = g.get("read_along")
        if kept is not None:
            kept[1].pop(name, None)


# Signed-in users by session token, kept in each process so that a page view builds no ORM object
# to learn who is asking, each with the user's columns as read: the next request's row is compared
# with them as one tuple. Every request still reads the session's row: a session ended, or an
# account deactivated or changed, by any worker or app server counts from the next request on.
_users = caching.Cache("session_users", max_size=4096)
_USER_KEYS = [column.key for column in _USER_COLUMNS]
_ID_INDEX = _USER_KEYS.index("id")


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Return the user of a live session on an active account, or None."""
    row = first_row_on_driver(_live_session_row, {"token": token})
    if row is None:
        _users.pop(token, None)
        return None
    columns = row[: len(_USER_KEYS)]
    if _read_along:
        values = dict(zip(_read_along, row[len(_USER_KEYS) :], strict=True))
        g.read_along = (columns[_ID_INDEX], values)
    kept = _users.get(token)
    if kept is None or kept[0] != columns:
        kept = (columns, _detached_user(columns))
        _users.set(token, kept)
    # A copy in this request's database session, so changes to it are saved as usual.
    user = db.session.merge(kept[1], load=False)
    user.session_token = token
    return user


def _detached_user(columns: tuple) -> User:
    """A user made from a row's columns (in _USER_COLUMNS' order) that belongs to no database
    session and never expires."""
    # A worker's first request may come before any query has configured the mappers.
    sa.orm.configure_mappers()
    user = User.__mapper__.class_manager.new_instance()
    for key, value in zip(_USER_KEYS, columns, strict=True):
        setattr(user, key, value)
    make_transient_to_detached(user)
    return user


def forget_user(user_id: int) -> None:
    """Drop every cached session of a user, so the next request reads the database."""
    _users.discard_where(lambda token, kept: kept[1].id == user_id)


@event.listens_for(User, "after_update")
@event.listens_for(User, "after_delete")
def _forget_changed_user(mapper, connection, user: User) -> None:
    """A role, name or status changed in this process applies from the next request on."""
    forget_user(user.id)


def start_session(user: User) -> None:
    """Sign the user in with a fresh session, so a cookie planted before login is worthless."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token=token,
            user_id=user.id,
            ip=client_ip(),
            user_agent=(request.user_agent.string or "")[:255],
        )
    )
    user.session_token = token
    user.last_login_at = utcnow()
    session.permanent = True
    login_user(user)
    # Give the new session its CSRF secret now, in the sign-in response's cookie: otherwise the
    # first page after sign-in adds it, and every request made with the sign-in cookie alone
    # (a script, or a browser that loses the race between two tabs) signs and sends a new cookie.
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)  # a token signed for the old session
    generate_csrf()


def end_session() -> None:
    """End the current session: the cookie stops working even if someone kept a copy."""
    if current_user.is_authenticated:
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.token == current_user.session_token)
            .values(ended_at=utcnow())
        )
        _users.pop(current_user.session_token, None)
    logout_user()
    session.clear()


def end_all_sessions(user: User, keep_token: str | None = None) -> None:
    """End every session of a user (deactivation, password reset), except perhaps the current one."""
    stmt = sa.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep_token:
        stmt = stmt.where(UserSession.token != keep_token)
    db.session.execute(stmt.values(ended_at=utcnow()))
    forget_user(user.id)


def require_password_change():
    """Hold users with a generated password on the change-password page until they pick one."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and not current_user.is_demo
        and request.endpoint not in ALLOWED_BEFORE_PASSWORD_CHANGE
    ):
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app):
    login_manager.init_app(app)
    app.before_request(require_password_change)
