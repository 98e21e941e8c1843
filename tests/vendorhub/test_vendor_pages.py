"""Vendor list, detail, create and edit: scoping, roles, bad input, query bounds."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory, VendorContactFactory, VendorFactory, VendorSiteFactory
from vendorhub.models import Role, Vendor

pytestmark = pytest.mark.django_db


def vendor_post(**overrides):
    data = {
        "name": "Pacific Voice",
        "slug": "pacific-voice",
        "status": "onboarding",
        "country": "IN",
        "timezone": "Asia/Kolkata",
        "working_hours_start": "09:00",
        "working_hours_end": "18:00",
        "working_days": ["1", "2", "3", "4", "5"],
        "services": ["voice", "chat"],
        "relationship_owner": "",
        "website": "",
        "notes": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Asha Rao",
        "contacts-0-role": "Account director",
        "contacts-0-email": "asha@pacific.example",
        "sites-TOTAL_FORMS": "0",
        "sites-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


# --- list ---------------------------------------------------------------------------
def test_list_shows_all_vendors_to_client_side(client_for, manager, executive, vendor_a, vendor_b):
    for user in (manager, executive):
        body = client_for(user).get("/vendors/").content.decode()
        assert "Acme Contact" in body and "Borealis CX" in body


def test_list_sends_partner_to_its_own_vendor(client_for, partner_a, vendor_b):
    response = client_for(partner_a).get("/vendors/")
    assert response.status_code == 302
    assert response.url == "/vendors/acme-contact/"


def test_list_filters_by_status_service_and_text(client_for, manager, vendor_a, vendor_b):
    vendor_b.status = "probation"
    vendor_b.services = ["back_office"]
    vendor_b.save()
    client = client_for(manager)
    by_status = client.get("/vendors/", {"status": "probation"}).context["page"].object_list
    assert [v.slug for v in by_status] == ["borealis-cx"]
    by_service = client.get("/vendors/", {"service": "back_office"}).context["page"].object_list
    assert [v.slug for v in by_service] == ["borealis-cx"]
    by_text = client.get("/vendors/", {"q": "acme"}).context["page"].object_list
    assert [v.slug for v in by_text] == ["acme-contact"]


def test_list_htmx_request_gets_only_the_results_fragment(client_for, manager, vendor_a):
    response = client_for(manager).get("/vendors/", {"q": "acme"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
    assert "Acme Contact" in body


def test_list_with_garbage_filters_is_not_an_error(client_for, manager, vendor_a):
    response = client_for(manager).get("/vendors/", {"status": "nonsense", "page": "abc"})
    assert response.status_code == 200


def test_list_query_count_does_not_grow(client_for, manager, django_assert_max_num_queries):
    client = client_for(manager)
    for n in range(30):
        vendor = VendorFactory(slug=f"v-{n}", relationship_owner=manager)
        VendorContactFactory(vendor=vendor)
    with django_assert_max_num_queries(8):
        response = client.get("/vendors/")
    assert len(response.context["page"].object_list) == 25


# --- detail -------------------------------------------------------------------------
def test_partner_sees_own_vendor_without_internal_notes(client_for, partner_a, vendor_a):
    vendor_a.notes = "Secret negotiation stance"
    vendor_a.save()
    response = client_for(partner_a).get("/vendors/acme-contact/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Acme Contact" in body
    assert "Secret negotiation stance" not in body
    assert "History" not in body


def test_partner_of_other_vendor_gets_404(client_for, partner_b, vendor_a):
    assert client_for(partner_b).get("/vendors/acme-contact/").status_code == 404


def test_unknown_vendor_is_404(client_for, manager):
    assert client_for(manager).get("/vendors/no-such-vendor/").status_code == 404


def test_detail_shows_contacts_sites_portal_users_and_history(
    client_for, manager, vendor_a, partner_a
):
    VendorContactFactory(vendor=vendor_a, name="Isabel Reyes", is_primary=True)
    VendorSiteFactory(vendor=vendor_a, name="Makati", seats=420)
    client = client_for(manager)
    client.post(
        "/vendors/acme-contact/edit/",
        vendor_post(
            name="Acme Contact Group",
            slug="acme-contact",
            **{"contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"},
        ),
    )
    body = client.get("/vendors/acme-contact/").content.decode()
    assert "Isabel Reyes" in body and "Makati" in body
    assert "partner_a" in body
    assert "Name: <del>Acme Contact</del> → Acme Contact Group" in body


def test_detail_query_count_is_bounded(
    client_for, manager, vendor_a, django_assert_max_num_queries
):
    for n in range(10):
        VendorContactFactory(vendor=vendor_a)
        VendorSiteFactory(vendor=vendor_a, name=f"Site {n}")
        UserFactory(username=f"p{n}", role=Role.PARTNER, vendor=vendor_a)
    client = client_for(manager)
    with django_assert_max_num_queries(22):
        assert client.get("/vendors/acme-contact/").status_code == 200


# --- create / edit ------------------------------------------------------------------
def test_manager_creates_vendor_with_a_contact(client_for, manager):
    response = client_for(manager).post("/vendors/new/", vendor_post())
    assert response.status_code == 302
    vendor = Vendor.objects.get(slug="pacific-voice")
    assert vendor.services == ["voice", "chat"]
    assert vendor.working_days == "12345"
    assert vendor.contacts.get().name == "Asha Rao"
    assert vendor.history.first().history_user == manager


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "Select a valid choice"),
        ("slug", "has spaces", "Enter a valid “slug”"),
        ("working_hours_end", "08:00", "Working hours must end after they start"),
        ("name", "", "This field is required"),
        ("services", ["telepathy"], "Select a valid choice"),
    ],
)
def test_bad_vendor_input_shows_field_error_and_saves_nothing(
    client_for, manager, field, value, message
):
    response = client_for(manager).post("/vendors/new/", vendor_post(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Vendor.objects.filter(name="Pacific Voice").exists()


def test_duplicate_slug_is_refused(client_for, manager, vendor_a):
    response = client_for(manager).post("/vendors/new/", vendor_post(slug="acme-contact"))
    assert response.status_code == 400
    assert "Vendor with this Slug already exists" in response.content.decode()


def test_bad_contact_row_rolls_back_the_whole_form(client_for, manager):
    response = client_for(manager).post(
        "/vendors/new/", vendor_post(**{"contacts-0-email": "not-an-email"})
    )
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not Vendor.objects.filter(slug="pacific-voice").exists()


@pytest.mark.parametrize("who", ["executive", "partner_a"])
def test_read_only_roles_get_403_on_create_and_edit(request, client_for, vendor_a, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/vendors/new/").status_code == 403
    assert client.post("/vendors/new/", vendor_post()).status_code == 403
    assert (
        client.post("/vendors/acme-contact/edit/", vendor_post(slug="acme-contact")).status_code
        == 403
    )
    assert not Vendor.objects.filter(slug="pacific-voice").exists()
    vendor_a.refresh_from_db()
    assert vendor_a.name == "Acme Contact"


def test_partner_of_other_vendor_gets_404_on_edit(client_for, partner_b, vendor_a):
    assert client_for(partner_b).get("/vendors/acme-contact/edit/").status_code == 404


def test_manager_edits_vendor(client_for, manager, vendor_a):
    response = client_for(manager).post(
        "/vendors/acme-contact/edit/",
        vendor_post(name="Acme Renamed", slug="acme-contact", status="probation"),
    )
    assert response.status_code == 302
    vendor_a.refresh_from_db()
    assert (vendor_a.name, vendor_a.status) == ("Acme Renamed", "probation")
