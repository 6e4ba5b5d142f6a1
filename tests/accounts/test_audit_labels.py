"""The audit log reads as words: every action the code records has a label, and a filter that cannot
be applied, or that matches nothing, says so instead of showing a table."""

import ast
import datetime as dt
from pathlib import Path

import pytest

from courseware.accounts import audit
from courseware.accounts.models import Role
from courseware.db import db
from courseware.timeutil import utcnow
from tests.conftest import Auth

SOURCES = Path(audit.__file__).resolve().parents[1]


def called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def recorded_actions() -> dict[str, str]:
    """Every action code passed as a literal to audit.record (or to the API's refusal helper, which
    passes its own on), with where it is recorded."""
    found = {}
    for path in SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = called_name(node)
            if name == "record" and node.args:
                action = node.args[0]
            elif name == "_audit_refusal" and len(node.args) > 1:
                action = node.args[1]
            else:
                continue
            for literal in ast.walk(action):  # both sides of `"a" if x else "b"`
                if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                    found[literal.value] = f"{path.relative_to(SOURCES.parent)}:{node.lineno}"
    return found


def test_the_scan_finds_the_recorded_actions():
    actions = recorded_actions()
    assert {
        "login.success",
        "user.activate",
        "user.deactivate",
        "lesson.draft",
        "api.forbidden",
        "report.export",
        "report.download",
        "credit.course",
    } <= set(actions)


def test_every_recorded_action_has_a_label():
    unlabelled = {
        code: where for code, where in recorded_actions().items() if code not in audit.ACTION_LABELS
    }
    assert unlabelled == {}


@pytest.fixture
def english_admin(client, make_user):
    user_id = make_user(Role.ADMIN, username="auditor", locale="en")
    assert Auth(client).login("auditor").status_code == 302
    return user_id


def add_entries(app, *actions):
    with app.app_context():
        for action in actions:
            audit.record(action, target="t")
        db.session.commit()


@pytest.mark.parametrize(
    "code, label",
    [
        ("report.export", "Report exported"),
        ("report.download", "Report export downloaded"),
        (
            "users.initial_passwords",
            "Initial passwords issued to accounts never signed in (spreadsheet)",
        ),
        ("credit.reverse", "Credit-hour entry reversed"),
        ("class.assign", "Course assigned to a class"),
    ],
)
def test_the_log_shows_labels_not_codes_twice(app, client, english_admin, code, label):
    add_entries(app, code)
    page = client.get(f"/admin/audit?action={code}").get_data(as_text=True)
    assert f'<td>{label} <small class="muted">{code}</small></td>' in page
    assert f"{code} {code}" not in page


def test_an_unknown_code_is_shown_once(app, client, english_admin):
    add_entries(app, "mystery.thing")
    page = client.get("/admin/audit?action=mystery").get_data(as_text=True)
    assert "<td>mystery.thing</td>" in page


def test_a_reversed_date_range_is_named_at_its_field_and_not_run(app, client, english_admin):
    today = utcnow().date()
    yesterday = today - dt.timedelta(days=1)
    response = client.get(f"/admin/audit?date_from={today}&date_to={yesterday}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        '<small id="date_to-error" class="field-error">The end date comes before the start date.</small>'
        in page
    )
    assert 'aria-invalid="true" id="date_to"' in page
    # The sign-in of today is not listed as if the filter had found it, nor is a count of entries given.
    assert (
        "login.success" not in page
        and "entries. Times are UTC." not in page
        and 'id="audit"' not in page
    )
    assert "Correct the filter above to see entries." in page
    # The same dates the right way round do find it.
    page = client.get(f"/admin/audit?date_from={yesterday}&date_to={today}").get_data(as_text=True)
    assert "login.success" in page and "The end date comes before the start date." not in page


def test_a_date_that_is_not_one_lists_nothing_as_if_filtered(client, english_admin):
    page = client.get("/admin/audit?date_from=not-a-date").get_data(as_text=True)
    assert 'id="date_from-error"' in page and "login.success" not in page


def test_an_empty_result_says_so(client, english_admin):
    page = client.get("/admin/audit?action=nothing.recorded").get_data(as_text=True)
    assert "No entries match." in page and 'id="audit"' not in page
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "No entries match." not in page and 'id="audit"' in page and "Times are UTC." in page
