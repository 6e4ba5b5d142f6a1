"""Administrators' pages for API tokens: list, create (shown once), revoke."""

import sqlalchemy as sa
from flask import abort, Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courseware import permissions
from courseware.access import roles
from courseware.accounts.models import Role, User
from courseware.api import tokens
from courseware.api.forms import TokenForm
from courseware.api.models import ApiToken
from courseware.db import db
from courseware.forms import ActionForm

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-tokens")

admin_only = roles(Role.ADMIN)


@bp.before_request
def province_only():
    """A token reads every unit's records: only the province's administrators may issue one."""
    if current_user.is_authenticated and not permissions.is_province_admin(current_user):
        abort(403)


# The session key under which a new token waits for the one page view that shows it.
ONCE = "api_token_once"


@bp.route("/", methods=["GET", "POST"])
@admin_only
def index():
    """List every token and issue new ones."""
    form = TokenForm()
    if form.validate_on_submit():
        token, raw = tokens.issue_token(form.name.data.strip(), form.scopes.data, current_user)
        db.session.commit()
        # Post-redirect-get: the secret rides in the administrator's session until shown once.
        session[ONCE] = {"id": token.id, "token": raw}
        return redirect(url_for("api_admin.created", token_id=token.id))
    rows = db.session.execute(
        sa.select(ApiToken, User.username)
        .outerjoin(User, User.id == ApiToken.created_by_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    return render_template("api/tokens.html", rows=rows, form=form, action=ActionForm())


@bp.route("/<int:token_id>/created")
@admin_only
def created(token_id):
    """Show a new token's secret, once."""
    token = db.get_or_404(ApiToken, token_id)
    shown = session.get(ONCE)
    if not shown or shown.get("id") != token.id:
        flash(
            _("That token was shown already. Revoke it and create a new one if it was not copied."),
            "info",
        )
        return redirect(url_for("api_admin.index"))
    session.pop(ONCE)
    return render_template("api/token_created.html", token=token, secret=shown["token"])


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@admin_only
def revoke(token_id):
    """Revoke a token: calls carrying it are refused from now on."""
    token = db.get_or_404(ApiToken, token_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if tokens.revoke_token(token):
        db.session.commit()
        flash(_("Token “%(name)s” revoked.", name=token.name), "success")
    else:
        flash(_("That token was revoked already."), "info")
    return redirect(url_for("api_admin.index"))
