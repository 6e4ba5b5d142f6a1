"""The OpenAPI 3.0 description of /api/v1, served at /api/v1/openapi.json.

Written by hand as a dict, next to the code it describes; tests/api/test_schemathesis.py calls every
operation with generated requests and checks each answer against it.
"""

from __future__ import annotations

import copy

from courseware.accounts.models import RankLevel, Role
from courseware.api.params import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT
from courseware.api.report_reads import CREDIT_KINDS
from courseware.api.rosters import MAX_USERS
from courseware.api.xapi import VERBS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "format": "int32", "minimum": 1, "maximum": MAX_ID}
HOURS = {"type": "number"}
CURSOR = {
    "type": "string",
    "nullable": True,
    "description": "Pass as `cursor` to get the next page; null on the last page.",
}


def _object(properties: dict, description: str = "", required: list | None = None) -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _page(item: str, description: str) -> dict:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "limit": {"type": "integer"},
            "next_cursor": CURSOR,
        },
        description,
    )


SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every refusal. `field` names the parameter or field at fault, when there is one.",
        "properties": {
            "error": STRING,
            "field": STRING,
            "status": {"type": "integer"},
            "errors": {"type": "array", "items": _object({"field": STRING, "message": STRING})},
        },
        "required": ["error"],
    },
    "LocalizedText": _object(
        {"zh": STRING, "en": _nullable(STRING)},
        "A text in Simplified Chinese and, when translated, English.",
    ),
    "Unit": _object(
        {
            "id": ID,
            "name": STRING,
            "parent_id": _nullable(ID),
            "path": {**STRING, "description": 'Names from the root, joined by " / ".'},
        },
        "A unit (单位) of the organisation tree.",
    ),
    "UnitList": _object({"items": {"type": "array", "items": _ref("Unit")}}),
    "UserRef": _object(
        {"id": ID, "username": STRING, "name": STRING, "unit_id": _nullable(ID)},
        "A user, in short.",
    ),
    "Member": _object(
        {
            "id": ID,
            "username": STRING,
            "name": STRING,
            "unit_id": _nullable(ID),
            "unit_path": _nullable(STRING),
        }
    ),
    "User": _object(
        {
            "id": ID,
            "username": STRING,
            "name": STRING,
            "role": {"type": "string", "enum": [r.value for r in Role]},
            "unit_id": _nullable(ID),
            "unit_path": _nullable(STRING),
            "position": {**STRING, "description": "职务"},
            "rank_level": {
                "type": "string",
                "enum": [r.value for r in RankLevel],
                "nullable": True,
                "description": "职级 band",
            },
            "phone": STRING,
            "active": {"type": "boolean"},
            "created_at": DATE_TIME,
            "updated_at": {
                **DATE_TIME,
                "description": "The last change to the account, as the audit log records it.",
            },
            "last_login_at": _nullable(DATE_TIME),
        },
        "A person's roster entry. Nothing about signing in is ever included.",
    ),
    "UserPage": _page("User", "A page of users, by id."),
    "CourseRef": _object(
        {
            "id": ID,
            "slug": STRING,
            "title": _ref("LocalizedText"),
            "credit_hours": {**HOURS, "description": "学时 credited on completion"},
        }
    ),
    "Class": _object(
        {
            "id": ID,
            "name": STRING,
            "start_date": _nullable(DATE),
            "end_date": _nullable(DATE),
            "instructors": {"type": "array", "items": _ref("UserRef")},
            "member_count": {"type": "integer", "minimum": 0},
        },
        "A class (班次).",
    ),
    "ClassList": _object({"items": {"type": "array", "items": _ref("Class")}}),
    "Assignment": _object(
        {"course": _ref("CourseRef"), "starts_on": DATE, "due_on": DATE, "assigned_at": DATE_TIME},
        "A course assigned to the class.",
    ),
    "Enrolments": _object(
        {
            "class": _ref("Class"),
            "members": {"type": "array", "items": _ref("Member")},
            "courses": {"type": "array", "items": _ref("Assignment")},
        }
    ),
    "Completion": _object(
        {
            "id": ID,
            "user": _ref("UserRef"),
            "course": _ref("CourseRef"),
            "completed_at": DATE_TIME,
            "score": {
                "type": "number",
                "nullable": True,
                "description": "Mean score (0–100) over the course's quizzes and exercises.",
            },
        },
        "A learner met a course's completion rule.",
    ),
    "CompletionPage": _page("Completion", "A page of completions, by id."),
    "CreditEntry": _object(
        {
            "id": ID,
            "user": _ref("UserRef"),
            "hours": {**HOURS, "description": "Negative for a reversal."},
            "earned_on": DATE,
            "kind": {"type": "string", "enum": list(CREDIT_KINDS)},
            "course": {"allOf": [_ref("CourseRef")], "nullable": True},
            "completion_id": _nullable(ID),
            "reverses_id": _nullable(ID),
            "note": STRING,
            "created_at": DATE_TIME,
        },
        "One line of the 学时 ledger; lines are never edited, a mistake is reversed by a new line.",
    ),
    "CreditPage": _page("CreditEntry", "A page of ledger lines, by id."),
    "CertificateVerification": _object(
        {
            "code": STRING,
            "name": STRING,
            "unit": STRING,
            "course_title": _ref("LocalizedText"),
            "credit_hours": HOURS,
            "issued_on": DATE,
            "valid": {
                "type": "boolean",
                "description": "False once the certificate has been revoked.",
            },
            "revoked_at": _nullable(DATE_TIME),
        },
        "What a certificate states, as issued, and whether it still stands.",
    ),
    "LanguageMap": {
        "type": "object",
        "additionalProperties": STRING,
        "description": "Texts keyed by RFC 5646 language tag.",
    },
    "XapiActivity": _object(
        {
            "objectType": {"type": "string", "enum": ["Activity"]},
            "id": {**STRING, "format": "uri"},
            "definition": _object(
                {"name": _ref("LanguageMap"), "type": {**STRING, "format": "uri"}}
            ),
        }
    ),
    "XapiStatement": _object(
        {
            "id": {**STRING, "format": "uuid"},
            "actor": _object(
                {
                    "objectType": {"type": "string", "enum": ["Agent"]},
                    "name": STRING,
                    "account": _object({"homePage": {**STRING, "format": "uri"}, "name": STRING}),
                }
            ),
            "verb": _object(
                {
                    "id": {"type": "string", "enum": [v["id"] for v in VERBS.values()]},
                    "display": _ref("LanguageMap"),
                }
            ),
            "object": _ref("XapiActivity"),
            "result": _object(
                {
                    "score": _object(
                        {
                            "scaled": {"type": "number", "minimum": -1, "maximum": 1},
                            "raw": {"type": "number"},
                            "min": {"type": "number"},
                            "max": {"type": "number"},
                        },
                        required=["scaled"],
                    ),
                    "success": {"type": "boolean"},
                    "completion": {"type": "boolean"},
                    "duration": STRING,
                },
                required=["completion"],
            ),
            "context": _object(
                {
                    "platform": STRING,
                    "contextActivities": _object(
                        {"parent": {"type": "array", "items": _ref("XapiActivity")}}
                    ),
                },
                required=["platform"],
            ),
            "timestamp": DATE_TIME,
            "version": {"type": "string", "enum": ["1.0.3"]},
        },
        "An xAPI 1.0.3 statement: a course completed, or a quiz passed or failed.",
    ),
    "StatementResult": _object(
        {
            "statements": {"type": "array", "items": _ref("XapiStatement")},
            "more": {
                **STRING,
                "description": 'The address of the next page, or "" on the last (as in xAPI).',
            },
            "next_cursor": CURSOR,
        }
    ),
    "UserInput": _object(
        {
            "username": {
                **STRING,
                "maxLength": 64,
                "description": "用户名/工号; matched case-insensitively.",
            },
            "name": {**STRING, "maxLength": 64},
            "unit": {
                **STRING,
                "nullable": True,
                "maxLength": 255,
                "description": "The unit's name or full path (浙江省/组织部).",
            },
            "unit_id": {**ID, "nullable": True, "description": "Instead of `unit`."},
            "position": {**STRING, "nullable": True, "maxLength": 128},
            "rank_level": {
                **STRING,
                "nullable": True,
                "description": "township (乡科级) or county (县处级).",
            },
            "phone": {
                **STRING,
                "nullable": True,
                "maxLength": 20,
                "description": "An 11-digit mobile number.",
            },
            "role": {
                **STRING,
                "nullable": True,
                "description": "learner (学员) or instructor (教师); new users are learners.",
            },
        },
        "A user to create, or to update when the username exists. An absent or empty field leaves the stored value alone.",
        required=["username", "name"],
    ),
    "UsersInput": _object(
        {
            "users": {
                "type": "array",
                "items": _ref("UserInput"),
                "minItems": 1,
                "maxItems": MAX_USERS,
            }
        }
    ),
    "UsersSaved": _object(
        {
            "created": {"type": "array", "items": _ref("UserRef")},
            "updated": {"type": "array", "items": _ref("UserRef")},
            "unchanged": {
                "type": "array",
                "items": STRING,
                "description": "Usernames already as sent.",
            },
        }
    ),
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        # An empty value is taken as no value, as HTML forms send an empty field.
        "allowEmptyValue": True,
        "schema": schema,
        "description": description,
    }


PARAMETERS = {
    "limit": _query(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "Rows per page.",
    ),
    "offset": _query(
        "offset", {"type": "integer", "minimum": 0}, "Rows to skip; not with `cursor`."
    ),
    "cursor": _query("cursor", STRING, "`next_cursor` of the previous page; not with `offset`."),
    "unit": _query("unit", ID, "A unit's id: rows of people in it or in any unit below it."),
    "user": _query("user", ID, "A user's id."),
    "course": _query("course", {"type": "string", "maxLength": 64}, "A course's slug."),
    "from": _query("from", DATE, "The first day, inclusive (UTC)."),
    "to": _query("to", DATE, "The last day, inclusive (UTC)."),
}


def _params(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _json(schema: str) -> dict:
    return {"application/json": {"schema": _ref(schema)}}


def _responses(ok: str, *codes: int) -> dict:
    """A 200 with the given schema, the usual refusals, and the extra error codes; every
    operation refuses a query parameter it does not list with 400."""
    descriptions = {
        400: "A parameter is malformed, or is not one the operation lists; `field` names it.",
        401: "No token, or an unknown or revoked one.",
        403: "The token lacks the operation's scope.",
        404: "No such record.",
        422: "The body has problems; `errors` lists each with its field. Nothing was saved.",
    }
    responses = {"200": {"description": "OK", "content": _json(ok)}}
    for code in sorted({400, *codes, 401, 403}):
        responses[str(code)] = {"description": descriptions[code], "content": _json("Error")}
    return responses


def _operation(
    op_id: str, summary: str, scope: str, ok: str, parameters=(), errors=(), **extra
) -> dict:
    return {
        "operationId": op_id,
        "summary": summary,
        "description": f"Needs a token with the scope `{scope}`.",
        "security": [{"bearerAuth": []}],
        "x-required-scope": scope,
        "parameters": list(parameters),
        "responses": _responses(ok, *errors),
        **extra,
    }


def _path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID, "description": description}


READ, MANAGE = "reports:read", "rosters:manage"

PATHS = {
    "/units": {
        "get": _operation("listUnits", "Every unit of the organisation tree", READ, "UnitList")
    },
    "/users": {
        "get": _operation(
            "listUsers",
            "Users, paginated",
            READ,
            "UserPage",
            [
                *_params("unit"),
                _query(
                    "role",
                    {"type": "string", "enum": [r.value for r in Role]},
                    "Only users with this role.",
                ),
                _query(
                    "updated_since",
                    DATE_TIME,
                    "Only users created or changed at or after this moment.",
                ),
                *_params("limit", "offset", "cursor"),
            ],
        ),
        "post": _operation(
            "saveUsers",
            "Create or update users, all or nothing",
            MANAGE,
            "UsersSaved",
            errors=(422,),
            requestBody={"required": True, "content": _json("UsersInput")},
        ),
    },
    "/users/{user_id}": {
        "get": _operation(
            "getUser",
            "One user",
            READ,
            "User",
            [_path_id("user_id", "The user's id.")],
            errors=(404,),
        )
    },
    "/classes": {"get": _operation("listClasses", "Every class (班次)", READ, "ClassList")},
    "/classes/{class_id}/enrolments": {
        "get": _operation(
            "getEnrolments",
            "A class's learners and assigned courses",
            READ,
            "Enrolments",
            [_path_id("class_id", "The class's id.")],
            errors=(404,),
        )
    },
    "/completions": {
        "get": _operation(
            "listCompletions",
            "Course completions, paginated",
            READ,
            "CompletionPage",
            _params("from", "to", "unit", "course", "user", "limit", "offset", "cursor"),
        )
    },
    "/credits": {
        "get": _operation(
            "listCredits",
            "Lines of the 学时 (credit-hour) ledger, paginated",
            READ,
            "CreditPage",
            [
                *_params("from", "to", "unit", "course", "user"),
                _query(
                    "kind",
                    {"type": "string", "enum": list(CREDIT_KINDS)},
                    "Only lines of this kind.",
                ),
                *_params("limit", "offset", "cursor"),
            ],
        )
    },
    "/certificates/{code}": {
        "get": _operation(
            "verifyCertificate",
            "Verify a certificate by its code",
            READ,
            "CertificateVerification",
            [
                {
                    "name": "code",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 32},
                    "description": "The code printed on the certificate.",
                }
            ],
            errors=(404,),
        )
    },
    "/xapi/statements": {
        "get": _operation(
            "listXapiStatements",
            "Completions and quiz results as xAPI statements",
            READ,
            "StatementResult",
            [
                _query("since", DATE_TIME, "Only statements with a timestamp after this moment."),
                _query(
                    "until", DATE_TIME, "Only statements with a timestamp at or before this moment."
                ),
                *_params("unit", "course", "user"),
                _query(
                    "verb",
                    {"type": "string", "enum": [v["id"] for v in VERBS.values()]},
                    "Only statements with this verb.",
                ),
                *_params("limit", "cursor"),
            ],
        )
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "400": {
                    "description": "A query parameter was given: this document takes none.",
                    "content": _json("Error"),
                },
            },
        }
    },
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "Courseware API",
        "version": "1.0.0",
        "description": (
            "Units, users, classes (班次), enrolments, completions, the 学时 ledger, certificate "
            "verification and xAPI statements, for an organisation department's own systems. "
            "Every call needs a token issued by an administrator (Authorization: Bearer <token>) "
            "with the scope the operation names, and every call is recorded in the audit log. "
            "Times are UTC, written ISO 8601 with Z. An operation takes only the query "
            "parameters it lists: any other is refused with 400 and named in `field`, as is a "
            "value its schema does not allow, so a misspelt filter never returns every row."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "A token from Administration → API tokens. Scopes: reports:read (every GET), rosters:manage (POST /users).",
            }
        },
        "parameters": PARAMETERS,
        "schemas": SCHEMAS,
    },
}


def document() -> dict:
    """The OpenAPI document (a copy, so no caller can change the original)."""
    return copy.deepcopy(DOCUMENT)


def _query_names(operation: dict) -> frozenset[str]:
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = PARAMETERS[parameter["$ref"].rsplit("/", 1)[-1]]
        if parameter["in"] == "query":
            names.add(parameter["name"])
    return frozenset(names)


# (path as the document writes it, method) → the query parameters the operation lists.
QUERY_PARAMETERS = {
    (path, method.upper()): _query_names(operation)
    for path, operations in PATHS.items()
    for method, operation in operations.items()
}


def query_parameters(path: str, method: str) -> frozenset[str]:
    """The query parameters the document lists for an operation (HEAD as its GET); none for an
    operation it does not describe."""
    method = "GET" if method == "HEAD" else method
    return QUERY_PARAMETERS.get((path, method), frozenset())
