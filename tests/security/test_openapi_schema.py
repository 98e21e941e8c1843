"""The OpenAPI schema is valid OpenAPI and documents every error an operation answers."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from tests.security.world import api_operations, openapi_schema

pytestmark = pytest.mark.django_db


def test_the_schema_validates_with_openapi_spec_validator():
    validate(openapi_schema())  # raises with the first problem it finds


def test_the_served_schema_is_the_validated_one(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    validate(response.json())


def test_every_operation_documents_its_error_answers():
    missing = {}
    for path, method, operation in api_operations(openapi_schema()):
        documented = set(operation["responses"])
        expected = {"400"}
        if path != "/api/v1/auth/token/":
            expected |= {"401", "403"}
        parameters = {p["name"] for p in operation.get("parameters", [])}
        if "{" in path or parameters & {"page", "cursor"}:
            expected.add("404")
        if "requestBody" in operation:
            expected.add("415")
        if expected - documented:
            missing[f"{method} {path}"] = sorted(expected - documented)
    assert missing == {}


def test_the_token_endpoint_documents_its_throttle_and_no_credential_errors():
    token = openapi_schema()["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert {"200", "400", "415", "429"} <= set(token)
    assert "401" not in token and "403" not in token


def test_times_of_day_are_local_times_not_rfc3339_times():
    schema = openapi_schema()
    start = schema["components"]["schemas"]["Vendor"]["properties"]["working_hours_start"]
    assert "format" not in start
    assert start["pattern"].startswith("^")


def test_blank_statuses_and_outcomes_are_documented_as_blank():
    components = openapi_schema()["components"]["schemas"]
    from_status = components["Event"]["properties"]["from_status"]
    assert "BlankEnum" in str(from_status)
    outcome = components["TransitionRequest"]["properties"]["outcome"]
    assert "BlankEnum" in str(outcome)
