"""What the read endpoints return: the right rows, filters and pages, and never anything about
signing in."""

import pytest

from courseware.accounts import operations
from courseware.accounts.models import User
from courseware.db import db

READ_PATHS = [
    "/units",
    "/users",
    "/users/{a}",
    "/classes",
    "/classes/{class}/enrolments",
    "/completions",
    "/credits",
    "/certificates/ABCDEFGHJK23",
    "/xapi/statements",
]


def paths(organisation):
    return [
        p.format(a=organisation["people"]["a"], **{"class": organisation["class"]})
        for p in READ_PATHS
    ]


def test_no_response_mentions_passwords_or_sessions(api, organisation):
    for path in paths(organisation):
        response = api.get(path)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True).lower()
        assert "password" not in text, path
        assert "session" not in text, path
        assert "scrypt" not in text, path


def test_units_carry_their_paths(api, organisation):
    units = api.get("/units").json["items"]
    by_id = {u["id"]: u for u in units}
    office = by_id[organisation["units"]["office"]]
    assert office["path"] == "浙江省 / 组织部 / 干部一处"
    assert office["parent_id"] == organisation["units"]["dept"]
    assert by_id[organisation["units"]["province"]]["parent_id"] is None


def test_a_user_record(api, organisation):
    user = api.get(f"/users/{organisation['people']['a']}").json
    assert user["username"] == "a" and user["name"] == "甲" and user["role"] == "learner"
    assert user["unit_path"] == "浙江省 / 组织部 / 干部一处"
    assert user["phone"] == "13800000001" and user["position"] == "科员"
    assert user["created_at"].endswith("Z")
    assert set(user) == {
        "id",
        "username",
        "name",
        "role",
        "unit_id",
        "unit_path",
        "position",
        "rank_level",
        "phone",
        "active",
        "created_at",
        "updated_at",
        "last_login_at",
    }
    assert api.get("/users/999999").status_code == 404
    assert api.get("/users/99999999999999999999").status_code == 404


@pytest.mark.parametrize(
    "unit, expected",
    [
        ("province", {"a", "b", "c", "d"}),
        ("dept", {"a", "b", "c"}),
        ("office", {"a", "b"}),
        ("publicity", {"d"}),
    ],
)
def test_the_unit_filter_takes_in_sub_units(api, organisation, unit, expected):
    response = api.get(f"/users?unit={organisation['units'][unit]}")
    assert {u["username"] for u in response.json["items"]} == expected
    completions = api.get(f"/completions?unit={organisation['units'][unit]}").json["items"]
    assert {c["user"]["username"] for c in completions} == expected & {"a", "c"}


def test_users_filtered_by_role_and_change(app, api, organisation):
    assert [u["username"] for u in api.get("/users?role=instructor").json["items"]] == ["t"]
    everyone = api.get("/users").json["items"]
    latest = max(u["updated_at"] for u in everyone)
    assert (
        api.get("/users", query_string={"updated_since": "2999-01-01T00:00:00Z"}).json["items"]
        == []
    )
    with app.app_context():
        user = db.session.get(User, organisation["people"]["d"])
        operations.update_user(user, {"position": "处长"})
        db.session.commit()
    changed = api.get("/users", query_string={"updated_since": latest}).json["items"]
    assert "d" in {u["username"] for u in changed}
    assert {u["username"] for u in changed} <= {"d", "a", "b", "c", "t"}


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=x", "limit"),
        ("offset=-1", "offset"),
        ("cursor=%%%", "cursor"),
        ("offset=1&cursor=WzFd", "cursor"),
        ("unit=abc", "unit"),
        ("unit=999999", "unit"),
        ("updated_since=yesterday", "updated_since"),
        ("role=root", "role"),
    ],
)
def test_bad_parameters_are_named(api, organisation, query, field):
    response = api.get("/users?" + query)
    assert response.status_code == 400
    assert response.json["field"] == field


@pytest.mark.parametrize(
    "path, query",
    [
        ("/users", "unit_id=3"),
        ("/completions", "course_id=1"),
        ("/units", "limit=5"),
        ("/users/1", "fields=name"),
        ("/xapi/statements", "offset=0"),
    ],
)
def test_a_parameter_the_operation_does_not_list_is_refused_by_name(api, organisation, path, query):
    """A misspelt filter is not ignored, which would return every row unfiltered."""
    response = api.get(f"{path}?{query}")
    assert response.status_code == 400
    assert response.json["field"] == query.split("=")[0]


def test_the_document_says_that_unlisted_parameters_are_refused(client):
    document = client.get("/api/v1/openapi.json").json
    assert "any other is refused with 400" in document["info"]["description"]
    for methods in document["paths"].values():
        for operation in methods.values():
            assert "400" in operation["responses"]


def test_pagination_by_offset_and_by_cursor(api, organisation):
    everyone = [u["id"] for u in api.get("/users?limit=500").json["items"]]
    assert len(everyone) == 5 and everyone == sorted(everyone)
    assert api.get("/users?limit=500").json["next_cursor"] is None
    first = api.get("/users?limit=2").json
    assert [u["id"] for u in first["items"]] == everyone[:2]
    second = api.get(f"/users?limit=2&cursor={first['next_cursor']}").json
    third = api.get(f"/users?limit=2&cursor={second['next_cursor']}").json
    assert [u["id"] for u in second["items"] + third["items"]] == everyone[2:]
    assert third["next_cursor"] is None
    assert [u["id"] for u in api.get("/users?limit=2&offset=3").json["items"]] == everyone[3:5]


def test_classes_and_enrolments(api, organisation):
    classes = api.get("/classes").json["items"]
    assert [
        (c["name"], c["member_count"], [i["username"] for i in c["instructors"]]) for c in classes
    ] == [("2026 春季班", 4, ["t"])]
    enrolments = api.get(f"/classes/{organisation['class']}/enrolments").json
    assert [m["username"] for m in enrolments["members"]] == ["a", "b", "c", "d"]
    assert enrolments["members"][0]["unit_path"] == "浙江省 / 组织部 / 干部一处"
    [assignment] = enrolments["courses"]
    assert assignment["course"]["slug"] == "test-course"
    assert assignment["course"]["title"] == {"zh": "测试课程", "en": "Test course"}
    assert (assignment["starts_on"], assignment["due_on"]) == ("2026-01-01", "2026-03-01")
    assert api.get("/classes/999999/enrolments").status_code == 404


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"a", "c"}),
        ("from=2026-02-10&to=2026-02-10", {"a"}),
        ("from=2026-02-11", {"c"}),
        ("to=2026-02-09", set()),
        ("course=test-course", {"a", "c"}),
    ],
)
def test_completions_filtered_by_date_and_course(api, organisation, query, expected):
    response = api.get("/completions?" + query)
    assert response.status_code == 200
    assert {c["user"]["username"] for c in response.json["items"]} == expected


def test_completion_record_and_refusals(api, organisation):
    [first] = api.get("/completions?to=2026-03-01").json["items"]
    assert first["completed_at"] == "2026-02-10T08:30:00.000Z"
    assert first["score"] == 90.0 and first["course"]["credit_hours"] == 2.0
    assert api.get("/completions?course=nope").json["field"] == "course"
    assert api.get("/completions?from=2026-03-01&to=2026-02-01").json["field"] == "to"


def test_the_credit_ledger(api, organisation):
    lines = api.get("/credits").json["items"]
    assert sorted((line["user"]["username"], line["hours"], line["kind"]) for line in lines) == [
        ("a", 2.0, "course"),
        ("b", 5.0, "external"),
        ("c", 2.0, "course"),
    ]
    external = api.get("/credits?kind=external").json["items"]
    assert external[0]["note"] == "党校" and external[0]["course"] is None
    office = api.get(f"/credits?unit={organisation['units']['office']}&from=2026-03-01").json[
        "items"
    ]
    assert [line["user"]["username"] for line in office] == ["b"]
    assert api.get("/credits?kind=bonus").json["field"] == "kind"


def test_certificate_verification(api, organisation):
    valid = api.get("/certificates/ABCDEFGHJK23").json
    assert valid == {
        "code": "ABCDEFGHJK23",
        "name": "甲",
        "unit": "浙江省 / 组织部 / 干部一处",
        "course_title": {"zh": "测试课程", "en": "Test course"},
        "credit_hours": 2.0,
        "issued_on": "2026-02-10",
        "valid": True,
        "revoked_at": None,
    }
    assert api.get("/certificates/abcdefghjk23").json["valid"] is True
    revoked = api.get("/certificates/MNPQRSTUVW45").json
    assert revoked["valid"] is False and revoked["revoked_at"] == "2026-06-01T00:00:00.000Z"
    assert "录入错误" not in str(revoked)
    assert api.get("/certificates/NOSUCHCODE22").status_code == 404
    assert api.get("/certificates/%00").status_code == 404
