"""Tokens: who gets in, who is refused and how, and that the browser's session plays no part."""

import datetime as dt

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Role
from courseware.api import tokens
from courseware.api.models import ApiToken
from courseware.db import db
from tests.api.conftest import Api
from tests.conftest import Auth


def audit_actions(app, prefix="api."):
    with app.app_context():
        return [
            (e.action, e.actor_username, e.detail)
            for e in db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.action.startswith(prefix))
                .order_by(AuditEvent.id)
            )
        ]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer cw_not-a-real-token",
        "cw_missing-scheme",
    ],
)
def test_a_call_without_a_valid_token_is_refused_with_a_challenge(client, make_token, header):
    make_token()
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/units", headers=headers)
    assert response.status_code == 401
    assert response.is_json and "error" in response.json
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="courseware-api"')


def test_a_revoked_token_is_refused_and_the_refusal_audited(app, client, make_token):
    raw = make_token()
    api = Api(client, raw)
    assert api.get("/units").status_code == 200
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        tokens.revoke_token(token)
        db.session.commit()
    response = api.get("/units")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert [a for a, _, _ in audit_actions(app)][-1] == "api.revoked"


def test_a_token_without_the_scope_gets_403(app, client, make_token):
    reader = Api(client, make_token("reports:read"))
    manager = Api(client, make_token("rosters:manage"))
    assert reader.get("/units").status_code == 200
    refused = reader.post("/users", json={"users": [{"username": "x", "name": "X"}]})
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert 'scope="rosters:manage"' in refused.headers["WWW-Authenticate"]
    assert refused.json["error"]
    assert manager.get("/units").status_code == 403
    assert [a for a, _, _ in audit_actions(app) if a == "api.forbidden"] == [
        "api.forbidden",
        "api.forbidden",
    ]


def test_the_token_is_matched_by_its_hash_only(app, make_token):
    raw = make_token()
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.token_hash == tokens.hash_token(raw) != raw
        assert raw.startswith(token.prefix) and len(token.prefix) == 12


@pytest.mark.parametrize("who", [Role.ADMIN, Role.LEARNER])
def test_the_browser_session_is_neither_accepted_nor_touched(
    app, client, make_user, make_token, who
):
    make_user(who, username="boss")
    assert Auth(client).login("boss").status_code == 302
    response = client.get("/api/v1/users")
    assert response.status_code == 401
    # With a token, the signed-in browser is still nobody: no cookie is refreshed or set.
    api = Api(client, make_token())
    response = api.post("/users", json={"users": [{"username": "new", "name": "新人"}]})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    created = [e for e in audit_actions(app, "user.create")]
    assert created and created[0][1].startswith("api:")  # the token, not the signed-in admin


def test_every_call_is_audited_with_its_outcome(app, api, organisation):
    api.get("/units")
    api.get("/users?unit=99999")
    api.get("/users/99999")
    calls = [
        (actor, detail) for action, actor, detail in audit_actions(app) if action == "api.call"
    ]
    assert len(calls) == 3
    assert all(actor.startswith("api:cw_") for actor, _ in calls)
    assert '"status": 200' in calls[0][1] and '"path": "/api/v1/units"' in calls[0][1]
    assert '"status": 400' in calls[1][1] and '"query": "unit=99999"' in calls[1][1]
    assert '"status": 404' in calls[2][1]


def test_last_used_is_written_at_most_once_a_minute(app, api):
    def last_used():
        with app.app_context():
            return db.session.scalar(sa.select(ApiToken.last_used_at))

    assert last_used() is None
    api.get("/units")
    first = last_used()
    assert first is not None
    api.get("/units")
    assert last_used() == first
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(last_used_at=first - dt.timedelta(minutes=2)))
        db.session.commit()
    api.get("/units")
    assert last_used() > first - dt.timedelta(minutes=2)


def test_the_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.0")
    assert "Set-Cookie" not in response.headers


def test_errors_are_json_everywhere_in_the_api(api):
    assert api.get("/nowhere").json["error"]
    assert api.get("/nowhere").status_code == 404
    response = api.client.delete("/api/v1/units", headers=api.headers())
    assert response.status_code == 405 and response.json["error"]
    response = api.client.post("/api/v1/users", data="not json", headers=api.headers())
    assert response.status_code == 400 and response.json["error"]
