"""Unit administrators (单位管理员) keep to their unit and its sub-units; the province sees all."""

import io

import pytest
import sqlalchemy as sa

from courseware.accounts.models import AuditEvent, Cohort, Role, Unit, User
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment
from courseware.timeutil import utcnow
from tests.conftest import Auth


@pytest.fixture
def cities(app, make_unit, make_user, make_class):
    """Hangzhou (with 西湖区) and Ningbo, each with a learner and a class; a unit administrator for
    Hangzhou and one for the province."""
    ids = {
        "hz": make_unit("浙江省", "杭州市"),
        "xh": make_unit("浙江省", "杭州市", "西湖区"),
        "nb": make_unit("浙江省", "宁波市"),
    }
    ids["province"] = make_unit("浙江省")
    ids["prov"] = make_user(Role.ADMIN, username="prov")
    ids["hzadmin"] = make_user(
        Role.ADMIN, username="hzadmin", unit_id=ids["hz"], admin_unit_id=ids["hz"]
    )
    ids["hzlearner"] = make_user(username="hzlearner", name="西湖学员", unit_id=ids["xh"])
    ids["nblearner"] = make_user(username="nblearner", name="宁波学员", unit_id=ids["nb"])
    ids["class_hz"] = make_class([], [ids["hzlearner"]], name="杭州班", unit_id=ids["hz"])
    ids["class_nb"] = make_class([], [ids["nblearner"]], name="宁波班", unit_id=ids["nb"])
    return ids


def signed_in(app, username) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def upload(auth, text: str) -> int:
    response = auth.post(
        "/admin/import",
        data={"file": (io.BytesIO(text.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return int(response.location.rstrip("/").split("/")[-1])


ROSTER = (
    "姓名,用户名,单位\n"
    "新学员,hz-new,浙江省/杭州市/西湖区\n"
    "外市学员,nb-new,浙江省/宁波市\n"
    "改名,nblearner,浙江省/杭州市\n"
)


def test_a_unit_administrators_roster_is_refused_by_row_and_column_outside_their_units(app, cities):
    hz = signed_in(app, "hzadmin")
    upload_id = upload(hz, ROSTER)
    preview = hz.client.get(f"/admin/import/{upload_id}").get_data(as_text=True)
    assert "第 3 行，C (单位) 列" in preview and "“浙江省/宁波市”不是您管理的单位。" in preview
    assert "“nblearner”属于您不管理的单位。" in preview
    hz.post(f"/admin/import/{upload_id}/commit")
    with app.app_context():
        names = set(db.session.scalars(sa.select(User.username)))
        assert "hz-new" not in names and "nb-new" not in names
        assert db.session.get(User, cities["nblearner"]).unit_id == cities["nb"]
    # The rows of their own units go through once the others are gone.
    app.config["JOBS_INLINE"] = True
    clean = upload(hz, "姓名,用户名,单位\n新学员,hz-new,浙江省/杭州市/西湖区\n")
    assert "不是您管理" not in hz.client.get(f"/admin/import/{clean}").get_data(as_text=True)
    hz.post(f"/admin/import/{clean}/commit")
    with app.app_context():
        created = db.session.scalar(sa.select(User).where(User.username == "hz-new"))
        assert created is not None and created.unit_id == cities["xh"]


def test_a_unit_administrators_new_account_needs_one_of_their_units(app, cities):
    hz = signed_in(app, "hzadmin")
    upload_id = upload(hz, "姓名,用户名\n无单位,no-unit\n")
    assert "请填写您管理的单位。" in hz.client.get(f"/admin/import/{upload_id}").get_data(
        as_text=True
    )


def test_the_province_imports_any_unit_as_before(app, cities):
    prov = signed_in(app, "prov")
    upload_id = upload(prov, ROSTER)
    preview = prov.client.get(f"/admin/import/{upload_id}").get_data(as_text=True)
    assert "不是您管理" not in preview and "不管理" not in preview


def test_a_unit_administrator_edits_only_their_units_accounts(app, cities):
    hz = signed_in(app, "hzadmin")
    listed = hz.client.get("/admin/users").get_data(as_text=True)
    assert "hzlearner" in listed and "nblearner" not in listed and "prov" not in listed
    assert hz.client.get(f"/admin/users/{cities['nblearner']}").status_code == 404
    assert hz.client.get(f"/admin/users/{cities['prov']}").status_code == 404
    # Moving a learner out of their units is not one of the choices.
    moved = hz.post(
        f"/admin/users/{cities['hzlearner']}",
        data={
            "username": "hzlearner",
            "name": "西湖学员",
            "role": "learner",
            "unit_id": cities["nb"],
        },
    )
    assert moved.status_code == 200
    with app.app_context():
        assert db.session.get(User, cities["hzlearner"]).unit_id == cities["xh"]
    kept = hz.post(
        f"/admin/users/{cities['hzlearner']}",
        data={
            "username": "hzlearner",
            "name": "西湖学员二",
            "role": "learner",
            "unit_id": cities["xh"],
        },
    )
    assert kept.status_code == 302


def test_a_unit_administrator_cannot_widen_a_scope(app, cities):
    hz = signed_in(app, "hzadmin")
    own = hz.post(
        f"/admin/users/{cities['hzadmin']}",
        data={
            "username": "hzadmin",
            "name": "杭州管理员",
            "role": "admin",
            "unit_id": cities["hz"],
            "admin_unit_id": cities["province"],
        },
    )
    assert own.status_code == 200
    # A new administrator made by them manages some of their units, never the province.
    new = hz.post(
        "/admin/users/new",
        data={"username": "hz2", "name": "区管理员", "role": "admin", "unit_id": cities["xh"]},
    )
    assert new.status_code == 200 and "请选择您管理的单位。" in new.get_data(as_text=True)
    made = hz.post(
        "/admin/users/new",
        data={
            "username": "hz2",
            "name": "区管理员",
            "role": "admin",
            "unit_id": cities["xh"],
            "admin_unit_id": cities["xh"],
        },
    )
    assert made.status_code == 302
    with app.app_context():
        assert db.session.get(User, cities["hzadmin"]).admin_unit_id == cities["hz"]
        assert (
            db.session.scalar(sa.select(User.admin_unit_id).where(User.username == "hz2"))
            == cities["xh"]
        )


def test_the_province_sets_an_administrators_unit_and_it_is_audited(app, cities):
    prov = signed_in(app, "prov")
    response = prov.post(
        f"/admin/users/{cities['hzadmin']}",
        data={
            "username": "hzadmin",
            "name": "杭州管理员",
            "role": "admin",
            "unit_id": cities["hz"],
            "admin_unit_id": cities["xh"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, cities["hzadmin"]).admin_unit_id == cities["xh"]
        event = db.session.scalar(
            sa.select(AuditEvent).where(
                AuditEvent.action == "user.update", AuditEvent.target == "hzadmin"
            )
        )
        assert event is not None and "admin_unit_id" in event.detail
    # The province's own list and pages are unchanged: every account, every class.
    listed = prov.client.get("/admin/users").get_data(as_text=True)
    assert "hzlearner" in listed and "nblearner" in listed
    classes = prov.client.get("/admin/classes").get_data(as_text=True)
    assert "杭州班" in classes and "宁波班" in classes


def test_a_unit_administrator_keeps_classes_to_their_units(app, cities):
    hz = signed_in(app, "hzadmin")
    listed = hz.client.get("/admin/classes").get_data(as_text=True)
    assert "杭州班" in listed and "宁波班" not in listed
    assert hz.client.get(f"/admin/classes/{cities['class_nb']}").status_code == 404
    outside = hz.post("/admin/classes/new", data={"name": "外市班", "unit_id": cities["nb"]})
    assert outside.status_code == 200
    unheld = hz.post("/admin/classes/new", data={"name": "无单位班"})
    assert "请选择您管理的单位。" in unheld.get_data(as_text=True)
    added = hz.post(
        f"/admin/classes/{cities['class_hz']}/members",
        data={"usernames": "nblearner", "unit_id": ""},
        follow_redirects=True,
    )
    assert "nblearner" in added.get_data(as_text=True)
    with app.app_context():
        names = set(db.session.scalars(sa.select(Cohort.name)))
        assert names == {"杭州班", "宁波班"}
        members = db.session.get(Cohort, cities["class_hz"]).members
        assert [m.username for m in members] == ["hzlearner"]
    made = hz.post("/admin/classes/new", data={"name": "西湖班", "unit_id": cities["xh"]})
    assert made.status_code == 302


def test_a_unit_administrators_reports_count_only_their_units(app, cities, lessons_dir, sync):
    sync()
    with app.app_context():
        course = db.session.scalar(sa.select(Course))
        for cohort in ("class_hz", "class_nb"):
            db.session.add(
                CourseAssignment(
                    cohort_id=cities[cohort],
                    course_id=course.id,
                    starts_on=utcnow().date(),
                    due_on=utcnow().date(),
                )
            )
        db.session.commit()
    hz = signed_in(app, "hzadmin")
    for query in ("", f"?unit={cities['nb']}", f"?unit={cities['province']}"):
        page = hz.client.get(f"/reports/{query}").get_data(as_text=True)
        assert "杭州市" in page and "宁波市" not in page, query
    by_class = hz.client.get("/reports/summary.csv?by=class").get_data(as_text=True)
    assert "杭州班" in by_class and "宁波班" not in by_class
    prov = signed_in(app, "prov")
    page = prov.client.get("/reports/").get_data(as_text=True)
    assert "杭州市" in page and "宁波市" in page


def test_a_unit_administrator_reads_their_units_part_of_the_audit_log(app, cities):
    prov = signed_in(app, "prov")
    for learner in ("hzlearner", "nblearner"):
        prov.post(f"/admin/users/{cities[learner]}/unlock")
    hz = signed_in(app, "hzadmin")
    log = hz.client.get("/admin/audit").get_data(as_text=True)
    assert "hzlearner" in log and "nblearner" not in log
    everything = prov.client.get("/admin/audit").get_data(as_text=True)
    assert "hzlearner" in everything and "nblearner" in everything


def test_a_unit_administrators_credit_hours_and_quotas(app, cities):
    hz = signed_in(app, "hzadmin")
    assert "宁波学员" not in hz.client.get("/admin/credits/?q=nblearner").get_data(as_text=True)
    assert "西湖学员" in hz.client.get("/admin/credits/?q=hzlearner").get_data(as_text=True)
    refused = hz.post(
        f"/admin/credits/{cities['nblearner']}/add",
        data={"hours": "2", "earned_on": "2026-01-05", "note": "培训"},
    )
    assert refused.status_code == 404
    # Quotas hold for the whole province: only the province's administrators set them.
    assert hz.client.get("/admin/credits/quotas").status_code == 403
    assert signed_in(app, "prov").client.get("/admin/credits/quotas").status_code == 200


def test_user_create_with_a_unit_makes_a_unit_administrator(app, runner, cities):
    result = runner.invoke(
        args=["user", "create", "county", "--role", "admin", "--unit", "浙江省/杭州市/西湖区"],
        env={"COURSEWARE_PASSWORD": "long-enough-pw"},
    )
    assert result.exit_code == 0, result.output
    assert "managing 浙江省 / 杭州市 / 西湖区" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "county"))
        assert user.admin_unit_id == cities["xh"] == user.unit_id
    province = runner.invoke(
        args=["user", "create", "whole", "--role", "admin"],
        env={"COURSEWARE_PASSWORD": "long-enough-pw"},
    )
    assert province.exit_code == 0
    with app.app_context():
        assert (
            db.session.scalar(sa.select(User.admin_unit_id).where(User.username == "whole")) is None
        )


def test_a_unit_that_scopes_an_administrator_or_holds_a_class_is_not_deleted(
    app, cities, make_unit
):
    prov = signed_in(app, "prov")
    scoped_only = make_unit("浙江省", "温州市")
    with app.app_context():
        db.session.get(User, cities["hzadmin"]).admin_unit_id = scoped_only
        db.session.get(Cohort, cities["class_nb"]).unit_id = make_unit("浙江省", "台州市")
        db.session.commit()
        held = db.session.get(Cohort, cities["class_nb"]).unit_id
    for unit_id in (scoped_only, held):
        prov.post(f"/admin/units/{unit_id}/delete")
    with app.app_context():
        assert db.session.get(Unit, scoped_only) is not None
        assert db.session.get(Unit, held) is not None


def tree_names(html: str) -> list[str]:
    """The unit tree's names, each prefixed by its depth."""
    import re

    tree = html[html.index('<ul class="tree">') : html.index('id="new-unit"')]
    depth, names = 0, []
    for tag, name in re.findall(
        r'(<ul class="tree">|</ul>)|<a href="/admin/units/\d+">([^<]+)</a>', tree
    ):
        if tag == '<ul class="tree">':
            depth += 1
        elif tag == "</ul>":
            depth -= 1
        else:
            names.append(f"{depth}:{name}")
    return names


def test_the_unit_tree_nests_each_administrators_units(app, cities):
    province = signed_in(app, "prov").client.get("/admin/units").get_data(as_text=True)
    assert tree_names(province) == ["1:浙江省", "2:宁波市", "2:杭州市", "3:西湖区"]
    hangzhou = signed_in(app, "hzadmin").client.get("/admin/units").get_data(as_text=True)
    assert tree_names(hangzhou) == ["1:杭州市", "2:西湖区"]
