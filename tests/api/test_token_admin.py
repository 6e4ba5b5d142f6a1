"""Administrators issue tokens (shown once) and revoke them; both are audited."""

import re

import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Role
from courseware.api.models import ApiToken
from courseware.db import db
from tests.api.conftest import Api
from tests.conftest import Auth

SECRET = re.compile(r'id="api-token"><code>(cw_[^<]+)</code>')


def create(auth, name="干部信息系统", scopes=("reports:read",)):
    return auth.post("/admin/api-tokens/", data={"name": name, "scopes": list(scopes)})


def test_a_new_token_is_shown_once_and_works(app, client, auth, admin):
    response = create(auth)
    assert response.status_code == 302
    page = client.get(response.location)
    secret = SECRET.search(page.get_data(as_text=True)).group(1)
    again = client.get(response.location)
    assert again.status_code == 302 and secret not in client.get(again.location).get_data(
        as_text=True
    )
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.scopes == ["reports:read"] and token.created_by_id == admin
        assert secret not in (token.token_hash, token.prefix)
    api = Api(app.test_client(), secret)
    assert api.get("/units").status_code == 200
    assert api.post("/users", json={"users": [{"username": "x", "name": "X"}]}).status_code == 403


def test_the_list_shows_prefixes_never_secrets(app, client, auth, admin):
    location = create(auth, "人事系统").location
    secret = SECRET.search(client.get(location).get_data(as_text=True)).group(1)
    listing = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert "人事系统" in listing and secret[:12] in listing and secret not in listing


def test_a_token_needs_a_name_and_a_known_scope(app, auth, admin):
    for data in [
        {"name": "", "scopes": ["reports:read"]},
        {"name": "x"},
        {"name": "x", "scopes": ["root"]},
    ]:
        response = auth.post("/admin/api-tokens/", data=data)
        assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_revoking_is_audited_and_takes_effect_at_once(app, client, auth, admin):
    secret = SECRET.search(client.get(create(auth).location).get_data(as_text=True)).group(1)
    api = Api(app.test_client(), secret)
    assert api.get("/units").status_code == 200
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    assert auth.post(f"/admin/api-tokens/{token_id}/revoke").status_code == 302
    assert api.get("/units").status_code == 401
    assert f"/admin/api-tokens/{token_id}/revoke" not in client.get("/admin/api-tokens/").get_data(
        as_text=True
    )
    with app.app_context():
        events = {
            e.action: e
            for e in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action.startswith("api.token"))
            )
        }
    assert set(events) == {"api.token_create", "api.token_revoke"}
    assert events["api.token_revoke"].actor_username == "boss"
    assert "干部信息系统" in events["api.token_create"].target


def test_only_administrators_manage_tokens(app, client, make_user):
    make_user(Role.INSTRUCTOR, username="teacher")
    Auth(client).login("teacher")
    assert client.get("/admin/api-tokens/").status_code == 403


def test_the_admin_overview_links_to_tokens(client, admin):
    assert "/admin/api-tokens/" in client.get("/admin/").get_data(as_text=True)


def test_the_form_and_the_list_name_the_token_not_a_person(client, auth, admin):
    create(auth, "人事系统")
    page = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert '<label for="name">令牌名称</label>' in page
    assert '<th scope="col">令牌名称</th>' in page and "姓名" not in page
