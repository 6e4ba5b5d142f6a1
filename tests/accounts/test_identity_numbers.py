"""工号 and 身份证号: entered on the administrator's user form and by the roster import, checked
(unique; the ID number's GB 11643 check digit) and shown masked."""

import pytest
import sqlalchemy as sa

from courseware.accounts import roster
from courseware.accounts.identity import id_check_digit, id_number_problem, masked_id_number
from courseware.accounts.models import AuditEvent, Role, User
from courseware.db import db
from tests.accounts.test_roster import csv_bytes, plan, run_import, users_by_name
from tests.conftest import Auth

GOOD_ID = "11010519491231002X"  # the standard's own example
OTHER_ID = "440524188001010014"
BAD_CHECK = "110105194912310021"


def test_the_check_digit_follows_gb_11643():
    assert id_check_digit(GOOD_ID[:17]) == "X" and id_check_digit(OTHER_ID[:17]) == "4"
    assert id_number_problem(GOOD_ID) is None and id_number_problem(OTHER_ID) is None
    assert id_number_problem(BAD_CHECK) is not None
    assert id_number_problem("1101051949") is not None
    assert masked_id_number(GOOD_ID) == "*" * 14 + "002X"


def admin_client(app, make_user, locale):
    make_user(Role.ADMIN, username="chief", name="管理员", locale=locale)
    auth = Auth(app.test_client())
    assert auth.login("chief").status_code == 302
    return auth


def user_data(**changes):
    return {
        "username": "li01",
        "name": "李明",
        "role": "learner",
        "unit_id": "",
        "position": "",
        "rank_level": "",
        "phone": "",
    } | changes


def test_the_user_form_takes_both_numbers_and_masks_the_id(app, make_user):
    auth = admin_client(app, make_user, "zh")
    data = user_data(employee_no="ＺＪ-0０1", id_number="11010519491231002x")
    assert auth.post("/admin/users/new", data=data).status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "li01"))
        assert (user.employee_no, user.id_number) == ("ZJ-001", GOOD_ID)
        user_id = user.id
    page = auth.client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "002X" in page and GOOD_ID not in page and 'value="ZJ-001"' in page
    # An empty ID field keeps the number on file; a new one replaces it, audited masked.
    assert (
        auth.post(f"/admin/users/{user_id}", data=user_data(employee_no="ZJ-001")).status_code
        == 302
    )
    data = user_data(employee_no="ZJ-001", id_number=OTHER_ID)
    assert auth.post(f"/admin/users/{user_id}", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).id_number == OTHER_ID
        details = " ".join(
            str(e.detail)
            for e in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == "user.update")
            )
        )
        assert "0014" in details and OTHER_ID not in details and GOOD_ID not in details


@pytest.mark.parametrize(
    ("locale", "field", "value", "message"),
    [
        ("zh", "id_number", BAD_CHECK, "身份证号最后一位应为 X"),
        ("en", "id_number", BAD_CHECK, "last character should be X"),
        ("zh", "id_number", "1101051949", "身份证号应为 18 位，此号码为 10 位"),
        ("en", "id_number", "1101051949", "has 18 characters; this one has 10"),
        ("zh", "employee_no", "ZJ 001", "工号只能包含"),
        ("en", "employee_no", "ZJ 001", "A 工号 is letters, digits"),
        ("zh", "employee_no", "E9", "工号 E9 已属于王五"),
        ("en", "employee_no", "E9", "The 工号 E9 belongs to 王五"),
        ("zh", "id_number", GOOD_ID, "该身份证号已属于另一个账号"),
        ("en", "id_number", GOOD_ID, "belongs to another account"),
    ],
)
def test_bad_numbers_on_the_user_form_are_named(app, make_user, locale, field, value, message):
    make_user(username="wang5", name="王五")
    with app.app_context():
        other = db.session.scalar(sa.select(User).where(User.username == "wang5"))
        other.employee_no, other.id_number = "E9", GOOD_ID
        db.session.commit()
    auth = admin_client(app, make_user, locale)
    response = auth.post("/admin/users/new", data=user_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "li01")) is None


HEADER = ["姓名", "用户名", "工号", "身份证号"]


def test_the_roster_maps_gonghao_and_id_number(app):
    rows = [["张三", "zs01", "E100", GOOD_ID], ["李四", "ls02", "E101", ""]]
    assert run_import(app, "r.csv", csv_bytes(rows, header=HEADER)) == (2, 0, 0)
    users = users_by_name(app)
    assert (users["zs01"].employee_no, users["zs01"].id_number) == ("E100", GOOD_ID)
    assert users["ls02"].employee_no == "E101" and users["ls02"].id_number is None
    # Re-importing changes nothing; the preview names a changed number masked.
    assert run_import(app, "r.csv", csv_bytes(rows, header=HEADER)) == (0, 0, 2)
    with app.test_request_context():
        assert roster.readable("id_number", GOOD_ID) == "*" * 14 + "002X"


def test_the_roster_names_bad_and_repeated_numbers(app, make_user):
    make_user(username="wang5", name="王五")
    with app.app_context():
        other = db.session.scalar(sa.select(User).where(User.username == "wang5"))
        other.employee_no = "E9"
        db.session.commit()
    rows = [
        ["张三", "zs01", "E1", BAD_CHECK],
        ["李四", "ls02", "E1", ""],
    ]
    with app.test_request_context():
        found = [
            (x.place(), x.message)
            for x in plan(app, "r.csv", csv_bytes(rows, header=HEADER)).problems
        ]
    assert ("第 2 行，D (身份证号) 列", "身份证号最后一位应为 X，请核对号码。") in found
    assert any(p == "第 3 行，C (工号) 列" and "在第 2 行重复出现" in m for p, m in found), found
    rows = [["赵六", "zl03", "E9", ""]]
    with app.test_request_context():
        found = [
            (x.place(), x.message)
            for x in plan(app, "r.csv", csv_bytes(rows, header=HEADER)).problems
        ]
    assert found == [("第 2 行，C (工号) 列", "工号 E9 已属于账号“wang5”。")]
