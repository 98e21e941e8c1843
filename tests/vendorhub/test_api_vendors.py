"""/api/v1/auth/token/ and /api/v1/vendors/: scoping, roles, validation, query bounds."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import VendorFactory
from vendorhub.models import Vendor

pytestmark = pytest.mark.django_db

NEW_VENDOR = {
    "name": "Pacific Voice",
    "slug": "pacific-voice",
    "country": "IN",
    "timezone": "Asia/Kolkata",
    "status": "onboarding",
}


def test_token_endpoint_returns_a_working_token(manager, password, vendor_a):
    api = APIClient()
    response = api.post(
        "/api/v1/auth/token/", {"username": "manager", "password": password}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/vendors/").status_code == 200


def test_token_endpoint_refuses_bad_credentials_with_json_error(manager):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "manager", "password": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_token_endpoint_is_throttled(manager, settings):
    api = APIClient()
    codes = [
        api.post(
            "/api/v1/auth/token/", {"username": "manager", "password": "x"}, format="json"
        ).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10:] == [429, 429]


def test_anonymous_gets_401_or_403(vendor_a):
    assert APIClient().get("/api/v1/vendors/").status_code in (401, 403)


def test_list_is_scoped_for_partners(api_for, partner_a, vendor_a, vendor_b):
    results = api_for(partner_a).get("/api/v1/vendors/").json()["results"]
    assert [v["slug"] for v in results] == ["acme-contact"]
    assert "notes" not in results[0]


def test_client_side_sees_every_vendor_and_notes(api_for, executive, vendor_a, vendor_b):
    results = api_for(executive).get("/api/v1/vendors/").json()["results"]
    assert {v["slug"] for v in results} == {"acme-contact", "borealis-cx"}
    assert "notes" in results[0]


def test_detail_uses_slug_and_hides_other_vendors_from_partners(api_for, partner_b, vendor_a):
    assert api_for(partner_b).get("/api/v1/vendors/borealis-cx/").status_code == 200
    response = api_for(partner_b).get("/api/v1/vendors/acme-contact/")
    assert response.json() == {"detail": "No Vendor matches the given query."}


def test_manager_creates_and_updates_vendor(api_for, manager):
    api = api_for(manager)
    created = api.post("/api/v1/vendors/", NEW_VENDOR, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["slug"] == "pacific-voice"
    patched = api.patch("/api/v1/vendors/pacific-voice/", {"status": "active"}, format="json")
    assert patched.status_code == 200
    assert Vendor.objects.get(slug="pacific-voice").status == "active"


@pytest.mark.parametrize("who", ["executive", "partner_a"])
def test_read_only_roles_get_403_on_writes(request, api_for, vendor_a, who):
    api = api_for(request.getfixturevalue(who))
    assert api.post("/api/v1/vendors/", NEW_VENDOR, format="json").status_code == 403
    assert (
        api.patch("/api/v1/vendors/acme-contact/", {"name": "X"}, format="json").status_code == 403
    )
    assert not Vendor.objects.filter(slug="pacific-voice").exists()
    assert Vendor.objects.get(slug="acme-contact").name == "Acme Contact"


def test_partner_of_other_vendor_gets_404_on_write(api_for, partner_b, vendor_a):
    # Vendor A is not there for vendor B's partner: the same 404 as a made-up slug.
    api = api_for(partner_b)
    response = api.patch("/api/v1/vendors/acme-contact/", {"name": "X"}, format="json")
    assert response.status_code == 404
    made_up = api.patch("/api/v1/vendors/no-such-vendor/", {"name": "X"}, format="json")
    assert made_up.status_code == 404 and made_up.json() == response.json()
    vendor_a.refresh_from_db()
    assert vendor_a.name == "Acme Contact"


def test_nothing_is_deleted_through_the_api(api_for, manager, vendor_a):
    assert api_for(manager).delete("/api/v1/vendors/acme-contact/").status_code == 405
    assert Vendor.objects.filter(slug="acme-contact").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**NEW_VENDOR, "timezone": "Mars/Olympus"}, "timezone"),
        ({**NEW_VENDOR, "status": "sleeping"}, "status"),
        ({**NEW_VENDOR, "country": "XX"}, "country"),
        ({**NEW_VENDOR, "slug": "bad slug!"}, "slug"),
        ({**NEW_VENDOR, "services": ["telepathy"]}, "services"),
        (
            {**NEW_VENDOR, "working_hours_start": "19:00", "working_hours_end": "08:00"},
            "working_hours_end",
        ),
        ({k: v for k, v in NEW_VENDOR.items() if k != "name"}, "name"),
    ],
)
def test_bad_input_gets_field_errors_and_creates_nothing(api_for, manager, payload, field):
    response = api_for(manager).post("/api/v1/vendors/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Vendor.objects.filter(name="Pacific Voice").exists()


def test_malformed_json_is_a_400(api_for, manager):
    response = api_for(manager).generic(
        "POST", "/api/v1/vendors/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_duplicate_slug_is_a_field_error(api_for, manager, vendor_a):
    response = api_for(manager).post(
        "/api/v1/vendors/", {**NEW_VENDOR, "slug": "acme-contact"}, format="json"
    )
    assert response.status_code == 400
    assert "slug" in response.json()


def test_filters_by_status(api_for, manager, vendor_a, vendor_b):
    vendor_b.status = "probation"
    vendor_b.save()
    results = api_for(manager).get("/api/v1/vendors/", {"status": "probation"}).json()["results"]
    assert [v["slug"] for v in results] == ["borealis-cx"]


def test_list_query_count_does_not_grow(api_for, manager, django_assert_max_num_queries):
    api = api_for(manager)
    for n in range(40):
        VendorFactory(slug=f"v-{n}", relationship_owner=manager)
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/vendors/")
    assert response.json()["count"] == 40


def test_unknown_api_path_is_json_404(api_for, manager):
    response = api_for(manager).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_schema_and_docs_are_served_without_cdn(client_for, manager):
    client = client_for(manager)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/vendors/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "cdn" not in body.lower() and "unpkg" not in body.lower()
    assert "/static/drf_spectacular_sidecar/" in body
