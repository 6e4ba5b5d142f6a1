"""Completions and quiz results as xAPI statements, valid against the xAPI 1.0.3 Statement schema."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

ADL = "http://adlnet.gov/expapi/verbs/"
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "xapi_statement.schema.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def validator():
    Draft7Validator.check_schema(SCHEMA)
    return Draft7Validator(SCHEMA)


def assert_valid(validator, statement):
    errors = sorted(validator.iter_errors(statement), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    score = statement.get("result", {}).get("score", {})
    if "raw" in score:
        assert score["min"] <= score["raw"] <= score["max"] and score["min"] < score["max"]


def by_verb(statements):
    found = {}
    for s in statements:
        found.setdefault(s["verb"]["id"], []).append(s)
    return found


def test_the_schema_rejects_what_the_spec_rejects(validator):
    good = {
        "actor": {"mbox": "mailto:a@example.org"},
        "verb": {"id": ADL + "completed"},
        "object": {"id": "http://example.org/course"},
    }
    assert validator.is_valid(good)
    for bad in [
        {k: v for k, v in good.items() if k != "verb"},
        {**good, "actor": {"name": "nobody"}},  # no identifier
        {**good, "verb": {"id": "completed"}},  # not an IRI
        {**good, "result": {"score": {"scaled": 1.5}}},
        {**good, "timestamp": "2026-02-10 08:30"},
        {**good, "colour": "blue"},
    ]:
        assert not validator.is_valid(bad), bad


def test_statements_are_valid_xapi(api, organisation, validator):
    body = api.get("/xapi/statements").json
    assert body["more"] == ""
    statements = body["statements"]
    assert len(statements) == 4  # two completions, a passed and a failed attempt; ungraded left out
    for statement in statements:
        assert_valid(validator, statement)
        assert statement["timestamp"].endswith("Z")
        assert statement["actor"]["account"]["homePage"] == "http://localhost/"
    assert len({s["id"] for s in statements}) == 4


def test_completed_passed_and_failed(api, organisation):
    found = by_verb(api.get("/xapi/statements").json["statements"])
    assert set(found) == {ADL + "completed", ADL + "passed", ADL + "failed"}
    completed = {s["actor"]["account"]["name"]: s for s in found[ADL + "completed"]}
    assert set(completed) == {"a", "c"}
    first = completed["a"]
    assert first["object"]["id"] == "http://localhost/courses/test-course"
    assert first["object"]["definition"]["name"] == {"zh-CN": "测试课程", "en": "Test course"}
    assert first["result"] == {
        "completion": True,
        "score": {"scaled": 0.9, "raw": 90.0, "min": 0, "max": 100.0},
    }
    assert first["timestamp"] == "2026-02-10T08:30:00.000Z"
    assert "score" not in completed["c"]["result"]

    [passed] = found[ADL + "passed"]
    assert passed["actor"]["account"]["name"] == "a"
    assert passed["object"]["id"] == "http://localhost/quizzes/test-course/final"
    assert passed["object"]["definition"]["name"] == {"zh-CN": "结业测验", "en": "Final quiz"}
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == 0.8
    assert passed["result"]["duration"] == "PT600S"
    assert (
        passed["context"]["contextActivities"]["parent"][0]["id"]
        == "http://localhost/courses/test-course"
    )
    [failed] = found[ADL + "failed"]
    assert failed["result"]["success"] is False and failed["result"]["score"]["scaled"] == 0.3


def test_the_same_record_keeps_its_statement_id(api, organisation):
    first = [s["id"] for s in api.get("/xapi/statements").json["statements"]]
    assert [s["id"] for s in api.get("/xapi/statements").json["statements"]] == first


@pytest.mark.parametrize(
    "query, expected",
    [
        ("verb=" + ADL + "failed", {("b", "failed")}),
        ("user={a}", {("a", "completed"), ("a", "passed")}),
        ("unit={publicity}", set()),
        ("since=2026-02-10T08:30:00Z", {("c", "completed")}),
        ("until=2026-02-09T09:15:00%2B00:00", {("a", "passed")}),
        (
            "course=test-course&until=2026-02-10T08:30:00Z",
            {("a", "passed"), ("b", "failed"), ("a", "completed")},
        ),
    ],
)
def test_statement_filters(api, organisation, query, expected):
    query = query.format(
        a=organisation["people"]["a"], publicity=organisation["units"]["publicity"]
    )
    response = api.get("/xapi/statements?" + query)
    assert response.status_code == 200, response.json
    assert {
        (s["actor"]["account"]["name"], s["verb"]["id"].rsplit("/", 1)[1])
        for s in response.json["statements"]
    } == expected


def test_statements_page_with_more_links(api, organisation, validator):
    seen, url, pages = [], "/api/v1/xapi/statements?limit=1", 0
    while url:
        body = api.client.get(url, headers=api.headers()).json
        seen += body["statements"]
        url, pages = body["more"], pages + 1
    assert pages == 4
    timestamps = [s["timestamp"] for s in seen]
    assert timestamps == sorted(timestamps)
    assert seen == api.get("/xapi/statements").json["statements"]
