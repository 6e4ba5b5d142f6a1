"""Fuzz every operation against the OpenAPI document: no server errors, every answer as documented,
and every request the document does not allow (a wrong type, a value out of range, a parameter the
operation does not list) refused with a 4xx.

The document is loaded from the dict the app serves (api/openapi.py), and each generated request
goes to a fresh app through WSGI. (schemathesis.pytest.from_fixture, which would load it from the
app, does not run under pytest 9: it sets a node attribute pytest no longer has.)
"""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from courseware.api.openapi import document

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_dict(document())
# Every call carries a real token (below), which would replace a generated Authorization header:
# a request generated as invalid for its header alone would reach the API valid.
schema.config.generation.update(with_security_parameters=False)


def test_the_served_document_is_the_one_fuzzed(client):
    assert client.get("/api/v1/openapi.json").json == document()


@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_matches_the_document(case, app, organisation, make_token):
    bearer = {"Authorization": f"Bearer {make_token()}"}
    case.call_and_validate(app=app, headers=bearer, checks=CHECKS)
