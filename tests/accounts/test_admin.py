"""Administrators manage units, users and classes; every change is audited."""

import re

import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Cohort, Role, Unit, User
from courseware.db import db
from tests.conftest import Auth, csrf_token


def audit_actions(app):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_unit_tree_create_move_and_delete(app, client, auth, admin):
    assert auth.post("/admin/units", data={"name": "浙江省", "parent_id": ""}).status_code == 302
    with app.app_context():
        province = db.session.scalar(sa.select(Unit).where(Unit.name == "浙江省")).id
    auth.post("/admin/units", data={"name": "省委组织部", "parent_id": str(province)})
    with app.app_context():
        department = db.session.scalar(sa.select(Unit).where(Unit.name == "省委组织部"))
        assert department.path() == "浙江省 / 省委组织部"
        department_id = department.id
    # A unit cannot be moved inside its own descendant.
    response = auth.post(
        f"/admin/units/{province}", data={"name": "浙江省", "parent_id": str(department_id)}
    )
    assert response.status_code == 200 and "不能" in response.get_data(as_text=True)
    # The same name twice under one parent is refused.
    response = auth.post("/admin/units", data={"name": "省委组织部", "parent_id": str(province)})
    assert response.status_code == 200
    # A unit with sub-units cannot be deleted; an empty one can.
    auth.post(f"/admin/units/{province}/delete")
    auth.post(f"/admin/units/{department_id}/delete")
    with app.app_context():
        assert [u.name for u in db.session.scalars(sa.select(Unit))] == ["浙江省"]
    assert audit_actions(app)[-3:] == ["unit.create", "unit.create", "unit.delete"]


def test_create_edit_reset_and_deactivate_a_user(app, client, auth, admin, make_unit):
    unit_id = make_unit("浙江省", "杭州市")
    response = auth.post(
        "/admin/users/new",
        data={
            "username": "Li01",
            "name": "李明",
            "role": "learner",
            "unit_id": str(unit_id),
            "position": "科员",
            "rank_level": "township",
            "phone": "138 0013 8000",
        },
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert 'id="initial-password"' in page
    # Shown once: reloading the page does not show it, nor reset it again.
    again = client.get(response.location)
    assert again.status_code == 302 and "initial-password" not in again.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "li01"))
        assert user.phone == "13800138000" and user.must_change_password
        user_id = user.id
    response = auth.post(
        f"/admin/users/{user_id}",
        data={
            "username": "li01",
            "name": "李明",
            "role": "instructor",
            "unit_id": "",
            "position": "讲师",
            "rank_level": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    assert auth.post(f"/admin/users/{user_id}/reset-password").status_code == 302
    auth.post(f"/admin/users/{user_id}/deactivate")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.role, user.active, user.unit_id) == ("instructor", False, None)
    assert audit_actions(app)[-5:] == [
        "user.create",
        "user.role",
        "user.update",
        "user.reset_password",
        "user.deactivate",
    ]


def test_user_form_names_bad_input(client, auth, admin, make_user):
    make_user(username="taken")
    response = auth.post(
        "/admin/users/new",
        data={"username": "TAKEN", "name": "", "role": "learner", "phone": "12345"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "用户名已被占用" in page
    assert 'aria-invalid="true"' in page


def test_an_administrator_cannot_lock_themselves_out(app, auth, admin):
    auth.post(f"/admin/users/{admin}/deactivate")
    auth.post(
        f"/admin/users/{admin}",
        data={"username": "boss", "name": "管理员", "role": "learner"},
    )
    with app.app_context():
        user = db.session.get(User, admin)
        assert user.active and user.role == "admin"


def test_classes_with_instructors_and_members(app, client, auth, admin, make_user, make_unit):
    unit_id = make_unit("浙江省", "衢州市")
    teacher = make_user(Role.INSTRUCTOR, username="t1")
    make_user(username="l1", unit_id=unit_id)
    make_user(username="l2", unit_id=unit_id)
    make_user(username="l3")
    response = auth.post(
        "/admin/classes/new",
        data={
            "name": "春季班",
            "start_date": "2026-03-01",
            "end_date": "2026-02-01",
            "instructor_ids": [str(teacher)],
        },
    )
    assert response.status_code == 200 and "结束日期早于开始日期" in response.get_data(as_text=True)
    response = auth.post(
        "/admin/classes/new",
        data={
            "name": "春季班",
            "start_date": "2026-03-01",
            "end_date": "2026-06-30",
            "instructor_ids": [str(teacher)],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        cohort_id = db.session.scalar(sa.select(Cohort.id))
    # An unknown username adds nobody.
    auth.post(
        f"/admin/classes/{cohort_id}/members", data={"usernames": "l3, nobody", "unit_id": ""}
    )
    auth.post(
        f"/admin/classes/{cohort_id}/members", data={"usernames": "l3", "unit_id": str(unit_id)}
    )
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert sorted(u.username for u in cohort.members) == ["l1", "l2", "l3"]
        assert [u.username for u in cohort.instructors] == ["t1"]
        l3 = db.session.scalar(sa.select(User.id).where(User.username == "l3"))
    auth.post(f"/admin/classes/{cohort_id}/members/{l3}/remove")
    with app.app_context():
        assert len(db.session.get(Cohort, cohort_id).members) == 2


def test_instructors_see_only_their_own_classes(app, client, auth, make_user):
    mine = make_user(Role.INSTRUCTOR, username="t1")
    other = make_user(Role.INSTRUCTOR, username="t2")
    with app.app_context():
        db.session.add_all(
            [
                Cohort(name="我的班", instructors=[db.session.get(User, mine)]),
                Cohort(name="别人的班", instructors=[db.session.get(User, other)]),
            ]
        )
        db.session.commit()
        ids = dict(db.session.execute(sa.select(Cohort.name, Cohort.id)).all())
    auth.login("t1")
    page = client.get("/classes").get_data(as_text=True)
    assert "我的班" in page and "别人的班" not in page
    assert client.get(f"/classes/{ids['我的班']}").status_code == 200
    assert client.get(f"/classes/{ids['别人的班']}").status_code == 404


def test_audit_log_filters(app, client, auth, admin, make_user):
    make_user(username="zhang")
    Auth(app.test_client()).login("zhang", "wrong-password")
    page = client.get("/admin/audit?action=login.failure").get_data(as_text=True)
    assert "login.failure" in page and "login.success" not in page
    page = client.get("/admin/audit?action=login&date_from=2000-01-01&date_to=2000-01-02").get_data(
        as_text=True
    )
    assert "login.failure" not in page
    bad = client.get("/admin/audit?date_from=not-a-date")
    assert bad.status_code == 200


def test_removing_one_learner_removes_that_learner_only(app, auth, admin, make_user):
    ids = {name: make_user(username=name) for name in ("l1", "l2", "l3")}
    with app.app_context():
        db.session.add(Cohort(name="班", members=[db.session.get(User, i) for i in ids.values()]))
        db.session.commit()
        cohort_id = db.session.scalar(sa.select(Cohort.id))
    auth.post(f"/admin/classes/{cohort_id}/members/{ids['l3']}/remove")
    extra = make_user(username="l4")
    auth.post(f"/admin/classes/{cohort_id}/members", data={"usernames": "l4", "unit_id": ""})
    with app.app_context():
        members = sorted(u.username for u in db.session.get(Cohort, cohort_id).members)
        assert members == ["l1", "l2", "l4"] and extra
        removed = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "class.remove_member")
        )
        assert "l3" in removed.detail


def test_initial_passwords_for_accounts_that_never_signed_in(app, client, auth, admin, make_user):
    """Accounts made through the API carry a password nobody knows: the administrator lists those
    that never signed in and issues their passwords as one spreadsheet."""
    import io

    from openpyxl import load_workbook

    for i in range(3):
        make_user(username=f"api{i}", name=f"学员{i}")
    make_user(Role.INSTRUCTOR, username="api-teacher", name="=教师")
    make_user(username="seasoned", name="老学员")
    make_user(Role.ADMIN, username="admin2", name="另一位管理员")
    make_user(username="demo1", is_demo=True)
    make_user(username="gone", active=False)
    assert Auth(app.test_client()).login("seasoned").status_code == 302

    listed = client.get("/admin/users?never_signed_in=y").get_data(as_text=True)
    assert "api0" in listed and "seasoned" not in listed
    assert "没有符合条件的用户。" in client.get("/admin/users?q=nobody-by-this-name").get_data(
        as_text=True
    )
    assert "发放初始密码（电子表格）" in listed
    # Without the filter the button is not offered: it would reach every account.
    assert "发放初始密码（电子表格）" not in client.get("/admin/users").get_data(as_text=True)

    # The form's own filter, narrowed to learners named 学员, then all who wait.
    only_learners = auth.post(
        "/admin/users/initial-passwords", data={"never_signed_in": "y", "q": "学员"}
    )
    assert only_learners.status_code == 200 and only_learners.mimetype.endswith(
        "spreadsheetml.sheet"
    )
    first = {
        r[1]: r
        for r in list(
            load_workbook(io.BytesIO(only_learners.data)).active.iter_rows(values_only=True)
        )[1:]
    }
    assert sorted(first) == ["api0", "api1", "api2"]
    sheet = auth.post("/admin/users/initial-passwords", data={"never_signed_in": "y"})
    rows = {
        r[1]: r
        for r in list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))[1:]
    }
    assert set(rows) == {"api0", "api1", "api2", "api-teacher"}
    assert rows["api-teacher"][0] == "'=教师"  # neutralised
    # The newest password works, and must be changed; the first sheet's no longer does.
    fresh = Auth(app.test_client())
    assert fresh.login("api1", first["api1"][2]).status_code == 401  # refused
    assert fresh.login("api1", rows["api1"][2]).status_code == 302
    assert fresh.client.get("/").location.endswith("/password")
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.action.like("user%"))
        ).all()
    assert actions.count("user.reset_password") == 3 + 4 and "users.initial_passwords" in actions


def test_initial_passwords_refuse_without_csrf_and_say_when_nobody_waits(
    app, client, auth, admin, make_user
):
    make_user(username="api0")
    assert (
        client.post("/admin/users/initial-passwords", data={"never_signed_in": "y"}).status_code
        == 400
    )
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "user.reset_password")
            )
            == 0
        )
    nobody = auth.post(
        "/admin/users/initial-passwords", data={"never_signed_in": "y", "q": "nobody-here"}
    )
    assert nobody.status_code == 302 and "never_signed_in=y" in nobody.location
    assert "没有等待首次登录的账号" in client.get(nobody.location).get_data(as_text=True)


def test_the_learners_form_keeps_what_was_typed_and_says_what_is_wrong(
    app, client, auth, admin, make_user
):
    make_user(username="l1")
    with app.app_context():
        cohort = Cohort(name="春季班")
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id
    missing = auth.post(f"/admin/classes/{cohort_id}/members", data={})
    assert missing.status_code == 400
    assert "请填写用户名，或选择一个单位。" in missing.get_data(as_text=True)
    unknown = auth.post(
        f"/admin/classes/{cohort_id}/members", data={"usernames": "l1, nobody", "unit_id": ""}
    )
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 400 and "nobody" in page
    assert re.search(r"<textarea[^>]*>\s*l1, nobody</textarea>", page)  # kept as typed
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).members == []


def test_a_units_path_by_id_reads_as_its_path_from_the_root(app, make_unit):
    from courseware.accounts.models import unit_path, unit_paths_of

    leaf = make_unit("浙江省", "杭州市", "西湖区", "北山街道")
    with app.app_context():
        unit = db.session.get(Unit, leaf)
        assert unit_path(leaf) == unit.path() == "浙江省 / 杭州市 / 西湖区 / 北山街道"
        assert unit_path(unit.parent_id) == "浙江省 / 杭州市 / 西湖区"
        assert unit_path(None) == ""
        other = make_unit("浙江省", "宁波市")
        assert unit_paths_of([leaf, other, None]) == {
            leaf: "浙江省 / 杭州市 / 西湖区 / 北山街道",
            other: "浙江省 / 宁波市",
        }


def test_the_users_list_follows_each_change_of_a_row_in_each_language(
    app, client, admin, make_user, make_unit
):
    """The list's rows are kept rendered; every value a row shows is part of its key."""
    unit = make_unit("浙江省", "杭州市")
    wang = make_user(username="wang", name="王五", unit_id=unit, position="科员")

    def row() -> str:
        page = client.get("/admin/users").get_data(as_text=True)
        found = re.search(r"<tr>\s*<td><a href=\"/admin/users/\d+\">wang</a>.*?</tr>", page, re.S)
        return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())

    assert row() == "wang 王五 学员 浙江省 / 杭州市 科员 正常"
    with app.app_context():
        user = db.session.get(User, wang)
        user.name, user.position, user.role = "王六", "副科长", Role.INSTRUCTOR
        db.session.commit()
    assert row() == "wang 王六 教师 浙江省 / 杭州市 副科长 正常"
    token = csrf_token(client, "/")
    client.post("/language", data={"locale": "en", "next": "/", "csrf_token": token})
    assert row() == "wang 王六 Instructor 浙江省 / 杭州市 副科长 active"
    with app.app_context():
        db.session.get(User, wang).must_change_password = True
        db.session.commit()
    assert row() == "wang 王六 Instructor 浙江省 / 杭州市 副科长 must change password"


def test_the_users_list_counts_and_pages_what_its_search_finds(app, client, admin, make_user):
    for number in range(5):
        make_user(username=f"li{number}", name=f"李{number}")
    make_user(username="zhao", name="赵")
    app.config["USERS_PER_PAGE"] = 2

    def names(page: str) -> list[str]:
        return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', page)

    first = client.get("/admin/users?q=li").get_data(as_text=True)
    assert "共 5 个用户" in first and "第 1 页，共 3 页" in first
    assert names(first) == ["li0", "li1"]
    last = client.get("/admin/users?q=li&page=3").get_data(as_text=True)
    assert names(last) == ["li4"] and "共 5 个用户" in last
    assert "共 7 个用户" in client.get("/admin/users").get_data(as_text=True)  # with boss, zhao


def test_the_users_filters_show_what_was_set_in_each_language(client, auth, admin, make_user):
    """The filter form is kept rendered by its values: each search shows its own."""
    make_user(Role.INSTRUCTOR, username="wang")
    page = client.get("/admin/users?q=wang&role=instructor&show_inactive=y").get_data(as_text=True)
    assert 'name="q" type="text" value="wang"' in page
    assert '<option selected value="instructor">' in page
    assert 'checked id="show_inactive"' in page and 'checked id="never_signed_in"' not in page
    page = client.get("/admin/users?q=li").get_data(as_text=True)
    assert 'value="li"' in page and 'value="wang"' not in page
    assert "selected" not in page.split('<select id="role"', 1)[1].split("</select>", 1)[0]
    assert 'checked id="show_inactive"' not in page
    assert "按姓名或用户名搜索" in page
    page = client.get("/admin/users?q=zhang").get_data(as_text=True)
    assert 'value="zhang"' in page and 'value="li"' not in page
    client.set_cookie("locale", "en")
    page = client.get("/admin/users?q=li").get_data(as_text=True)
    assert "Search by name or username" in page and 'value="li"' in page
