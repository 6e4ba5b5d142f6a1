"""The application without the per-request session check: the comparison of bench/session_check.py.

Each worker takes the signed-in user from its own memory by the session token and reads nothing
from the database to learn whether the session still lives, as the platform did before sessions
ended at once. Never serve this: a logout or deactivation on one worker would not reach another.
"""

from courseware import create_app
from courseware.accounts import sessions
from courseware.db import db


def load_user_unchecked(token: str):
    """The user this worker kept for the token; the database only the first time."""
    kept = sessions._users.get(token)
    if kept is None:
        return sessions.load_user(token)
    user = db.session.merge(kept, load=False)
    user.session_token = token
    return user


app = create_app()
sessions.login_manager.user_loader(load_user_unchecked)
