"""Sign-in sessions kept in the database, so logout and deactivation end them on every worker."""

import secrets

import sqlalchemy as sa
from flask import redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, LoginManager, logout_user
from sqlalchemy import event
from sqlalchemy.orm import make_transient_to_detached

from courseware import caching
from courseware.accounts.models import User, UserSession
from courseware.db import db
from courseware.netutil import client_ip
from courseware.timeutil import utcnow

login_manager = LoginManager()
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
# running it on SQLite.
LIVE_SESSION_USER = (
    sa.select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.token == sa.bindparam("token"),
        UserSession.ended_at.is_(None),
        User.active.is_(True),
    )
)


# Signed-in users by session token, kept a few seconds in each process: a page view then asks the
# database nothing to learn who is asking. The price is that a session ended, or an account
# deactivated or changed, by another process (the other workers, other servers) is noticed there
# only when the entry expires, up to USER_CACHE_SECONDS later. In this process logout, ending a
# user's sessions and any change to the user's row take effect at once.
USER_CACHE_SECONDS = 5
_users = caching.Cache("session_users", max_size=4096, ttl=USER_CACHE_SECONDS)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Return the user of a live session on an active account, or None."""
    cached = _cached_user(token)
    if cached is not None:
        # A copy in this request's database session, so changes to it are saved as usual.
        user = db.session.merge(cached, load=False)
    else:
        user = db.session.execute(LIVE_SESSION_USER, {"token": token}).scalar_one_or_none()
        if user is None:
            return None
        _remember_user(token, user)
    user.session_token = token
    return user


def _cached_user(token: str) -> User | None:
    return _users.get(token)


def _remember_user(token: str, user: User) -> None:
    _users.set(token, _detached_copy(user))


def _detached_copy(user: User) -> User:
    """A copy of the user's columns that belongs to no database session and never expires."""
    copy = User.__mapper__.class_manager.new_instance()
    for column in User.__mapper__.column_attrs:
        setattr(copy, column.key, getattr(user, column.key))
    make_transient_to_detached(copy)
    return copy


def forget_user(user_id: int) -> None:
    """Drop every cached session of a user, so the next request reads the database."""
    _users.discard_where(lambda token, user: user.id == user_id)


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
