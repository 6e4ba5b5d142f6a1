"""Every route declares who may use it, and the declaration holds for every role and method.

The table below is written by hand on purpose: a new route that is not in it fails this test, so
whoever adds a route must decide, here, who may use it.
"""

import pytest
import sqlalchemy as sa
from werkzeug.routing import FloatConverter, IntegerConverter

from courseware.accounts.models import AuditEvent, Role
from courseware.db import db
from tests.conftest import Auth

PUBLIC, SIGNED_IN, TOKEN = "public", "signed-in", "token"
STAFF = {"instructor", "admin"}
ADMIN = {"admin"}

EXPECTED = {
    "static": PUBLIC,
    "main.index": PUBLIC,
    "main.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.reminder_settings": SIGNED_IN,
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "notifications.mark_all_read": SIGNED_IN,
    "notifications.remind_class": STAFF,
    "notifications.remind_unit": ADMIN,
    "classes.my_classes": STAFF,
    "classes.class_detail": STAFF,
    "certificates.verify": PUBLIC,
    "certificates.mine": SIGNED_IN,
    "certificates.show": SIGNED_IN,
    "certificates.pdf": SIGNED_IN,
    "certificates.admin": ADMIN,
    "certificates.revoke": ADMIN,
    "certificates.design_edit": ADMIN,
    "certificates.design_seal": ADMIN,
    "class_certificates.start": STAFF,
    "class_certificates.status": STAFF,
    "class_certificates.download": STAFF,
    "api.openapi": PUBLIC,
    "reports.index": STAFF,
    "reports.summary": STAFF,
    "reports.start_export": ADMIN,
    "reports.export_status": ADMIN,
    "reports.download": ADMIN,
    "records.mine": SIGNED_IN,
    "records.mine_pdf": SIGNED_IN,
    "records.mine_xlsx": SIGNED_IN,
    "records.index": STAFF,
    "records.learner": STAFF,
    "records.learner_pdf": STAFF,
    "records.learner_xlsx": STAFF,
    "records.start_unit": ADMIN,
    "records.unit_status": ADMIN,
    "records.unit_download": ADMIN,
}
PREFIXES = {
    "admin.": ADMIN,
    "author.": STAFF,
    "quiz_author.": STAFF,
    "quiz_history.": STAFF,
    "bank.": STAFF,
    "lessons.": SIGNED_IN,
    "progress.": SIGNED_IN,
    "checks.": SIGNED_IN,
    "quizzes.": SIGNED_IN,
    "teach_quizzes.": STAFF,
    "exercises.": SIGNED_IN,
    "teach_exercises.": STAFF,
    "observe_exercises.": STAFF,
    "exercise_timeline.": STAFF,
    "scenario_author.": STAFF,
    "teach_progress.": STAFF,
    "classroom.": SIGNED_IN,
    "teach_classroom.": STAFF,
    "classroom_live.": SIGNED_IN,
    "teach_classroom_live.": STAFF,
    "credits.": ADMIN,
    "training_import.": ADMIN,
    "api.": TOKEN,
    "api_admin.": ADMIN,
}
VISITORS = ["anonymous", "learner", "instructor", "admin"]


def expected_audience(endpoint):
    if endpoint in EXPECTED:
        return EXPECTED[endpoint]
    for prefix, audience in PREFIXES.items():
        if endpoint.startswith(prefix):
            return audience
    assert endpoint in EXPECTED, f"{endpoint} is not in the access table of tests/test_access.py"
    return EXPECTED[endpoint]


def concrete_url(rule) -> str:
    """Fill a rule's variables with placeholder values."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = 1 if isinstance(converter, (IntegerConverter, FloatConverter)) else "x"
    return rule.build(values, append_unknown=False)[1]


def all_requests(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, concrete_url(rule)


def signed_in_client(app, make_user, who):
    client = app.test_client()
    if who != "anonymous":
        make_user(Role(who), username=f"{who}-visitor")
        assert Auth(client).login(f"{who}-visitor").status_code == 302
    return client


@pytest.mark.parametrize("who", VISITORS)
def test_every_route_enforces_its_declared_audience(app, make_user, who):
    client = signed_in_client(app, make_user, who)
    checked = 0
    for endpoint, method, url in all_requests(app):
        audience = expected_audience(endpoint)
        response = client.open(url, method=method)
        where = f"{method} {url} ({endpoint}) as {who}"
        if audience == PUBLIC:
            assert response.status_code not in (401, 403), where
        elif audience == TOKEN:
            # The API takes tokens, never the browser's session: without one, everyone gets 401.
            assert response.status_code == 401, where
        elif who == "anonymous":
            assert response.status_code == 302, where
            assert "/login" in response.location, where
        elif audience == SIGNED_IN or who in audience:
            assert response.status_code != 403, where
            assert "/login" not in (response.location or ""), where
        else:
            assert response.status_code == 403, where
        checked += 1
    assert checked >= 40


def test_every_view_declares_an_audience(app):
    from courseware.access import audience_of

    with app.test_request_context():
        undeclared = [e for e in app.view_functions if audience_of(e) is None]
    assert undeclared == []


def test_an_undeclared_view_is_refused_to_everyone(app, make_user):
    app.add_url_rule("/forgotten", "forgotten", lambda: "open")
    client = signed_in_client(app, make_user, "admin")
    assert client.get("/forgotten").status_code == 403


def post_rules(app):
    return [(e, u) for e, m, u in all_requests(app) if m == "POST"]


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_post_without_a_csrf_token_is_refused(app, make_user, who):
    client = signed_in_client(app, make_user, who)
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    refused = 0
    for endpoint, url in post_rules(app):
        if expected_audience(endpoint) == TOKEN:
            continue  # the API takes bearer tokens, never cookies: there is nothing for CSRF to forge
        if who == "anonymous" and expected_audience(endpoint) != PUBLIC:
            continue
        response = client.post(url, data={"name": "x", "username": "x", "locale": "en"})
        assert response.status_code == 400, f"POST {url} ({endpoint}) as {who}"
        assert "表单已过期" in response.get_data(as_text=True)
        refused += 1
    assert refused >= (2 if who == "anonymous" else 15)
    with app.app_context():
        after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert after == before


def test_a_wrong_csrf_token_is_refused(client, make_user):
    make_user(username="zhang")
    response = client.post(
        "/login", data={"username": "zhang", "password": "whatever", "csrf_token": "forged"}
    )
    assert response.status_code == 400
