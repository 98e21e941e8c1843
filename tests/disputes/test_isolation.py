"""Every dispute URL and endpoint: another vendor's partner gets 404; executives 403 on writes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes import services
from tests.security.corpus import make_pdf

PDF = make_pdf()

PAGE_GETS = ["", "edit/"]
PAGE_POSTS = ["transition/", "comment/", "respond/", "playbook/", "clock/"]
API_GETS = ["", "comments/", "timeline/"]
API_POSTS = ["comments/", "transition/", "respond/", "attachments/"]


@pytest.mark.parametrize("suffix", PAGE_GETS + PAGE_POSTS)
def test_partner_of_other_vendor_gets_404_on_pages(suffix, dispute_a, partner_b, client_for):
    client = client_for(partner_b)
    url = f"/disputes/{dispute_a.reference}/{suffix}"
    response = client.get(url) if suffix in PAGE_GETS else client.post(url, {"to": "closed"})
    assert response.status_code == 404


@pytest.mark.parametrize("suffix", API_GETS + API_POSTS)
def test_partner_of_other_vendor_gets_404_on_api(suffix, dispute_a, partner_b, api_for):
    api = api_for(partner_b)
    url = f"/api/v1/disputes/{dispute_a.pk}/{suffix}"
    response = api.get(url) if suffix in API_GETS else api.post(url, {}, format="json")
    assert response.status_code == 404


def test_partner_of_other_vendor_gets_404_on_attachment(dispute_a, manager, partner_b, client_for):
    event = services.dispute_comment(
        dispute=dispute_a,
        by=manager,
        body="evidence",
        attachment=SimpleUploadedFile("r.pdf", PDF, "application/pdf"),
    )
    url = f"/disputes/{dispute_a.reference}/files/{event.pk}/"
    assert client_for(partner_b).get(url).status_code == 404


def test_partner_of_other_vendor_sees_nothing_in_lists_and_export(
    dispute_a, partner_b, client_for, api_for
):
    assert api_for(partner_b).get("/api/v1/disputes/").json()["results"] == []
    assert dispute_a.reference not in client_for(partner_b).get("/disputes/").content.decode()
    body = b"".join(client_for(partner_b).get("/disputes/export.csv").streaming_content)
    assert dispute_a.reference.encode() not in body


@pytest.mark.parametrize("suffix", [*PAGE_POSTS, "edit/"])
def test_executive_gets_403_on_page_writes(suffix, dispute_a, executive, client_for):
    response = client_for(executive).post(
        f"/disputes/{dispute_a.reference}/{suffix}",
        {"to": "escalated", "version": dispute_a.version, "body": "x", "key": "facts_only"},
    )
    assert response.status_code == 403
    dispute_a.refresh_from_db()
    assert dispute_a.status == "awaiting_vendor"
    assert not dispute_a.events.filter(body="x").exists()


@pytest.mark.parametrize("suffix", API_POSTS)
def test_executive_gets_403_on_api_writes(suffix, dispute_a, executive, api_for):
    response = api_for(executive).post(
        f"/api/v1/disputes/{dispute_a.pk}/{suffix}", {"to": "escalated", "body": "x"}
    )
    assert response.status_code == 403
    patch = api_for(executive).patch(f"/api/v1/disputes/{dispute_a.pk}/", {"title": "x"})
    assert patch.status_code == 403


def test_executive_reads_detail_list_and_export(dispute_a, executive, client_for, api_for):
    client = client_for(executive)
    assert client.get(dispute_a.get_absolute_url()).status_code == 200
    assert client.get("/disputes/export.csv").status_code == 200
    assert api_for(executive).get(f"/api/v1/disputes/{dispute_a.pk}/").status_code == 200


def test_no_delete_through_the_api(dispute_a, manager, api_for):
    response = api_for(manager).delete(f"/api/v1/disputes/{dispute_a.pk}/")
    assert response.status_code == 405
    dispute_a.refresh_from_db()


def test_anonymous_is_sent_to_login(dispute_a, client):
    response = client.get(dispute_a.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response.url
