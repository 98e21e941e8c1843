"""Internal comments never reach partners: pages, API, export, notifications."""

from __future__ import annotations

from disputes import services
from vendorhub.models import Notification

SECRET = "Legal thinks we should terminate"


def _with_internal(dispute, manager, partner_a):
    services.dispute_comment(dispute=dispute, by=manager, body=SECRET, internal=True)
    services.dispute_comment(dispute=dispute, by=manager, body="Please send the roster")


def test_partner_detail_page_hides_internal_notes(dispute_a, manager, partner_a, client_for):
    _with_internal(dispute_a, manager, partner_a)
    html = client_for(partner_a).get(dispute_a.get_absolute_url()).content.decode()
    assert "Please send the roster" in html
    assert SECRET not in html and "Internal" not in html
    manager_html = client_for(manager).get(dispute_a.get_absolute_url()).content.decode()
    assert SECRET in manager_html


def test_partner_api_comments_and_timeline_hide_internal_notes(
    dispute_a, manager, partner_a, api_for
):
    _with_internal(dispute_a, manager, partner_a)
    api = api_for(partner_a)
    for path in ("comments", "timeline"):
        body = api.get(f"/api/v1/disputes/{dispute_a.pk}/{path}/").content.decode()
        assert SECRET not in body and "roster" in body
    client_side = api_for(manager).get(f"/api/v1/disputes/{dispute_a.pk}/comments/").json()
    assert any(c["internal"] and c["body"] == SECRET for c in client_side["results"])


def test_partner_export_has_no_timeline_content(dispute_a, manager, partner_a, client_for):
    _with_internal(dispute_a, manager, partner_a)
    response = client_for(partner_a).get("/disputes/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert dispute_a.reference in body and SECRET not in body


def test_internal_notes_notify_nobody_at_the_vendor(dispute_a, manager, partner_a):
    Notification.objects.all().delete()
    services.dispute_comment(dispute=dispute_a, by=manager, body=SECRET, internal=True)
    assert not Notification.objects.filter(recipient=partner_a).exists()
    assert not Notification.objects.filter(message__contains=SECRET).exists()


def test_partner_cannot_write_internal_notes(dispute_a, partner_a, api_for):
    response = api_for(partner_a).post(
        f"/api/v1/disputes/{dispute_a.pk}/comments/",
        {"body": "psst", "internal": True},
        format="json",
    )
    assert response.status_code == 400 and "internal" in response.json()
    assert not dispute_a.events.filter(body="psst").exists()


def test_shared_comment_from_partner_notifies_the_owner(
    dispute_a, manager, partner_a, api_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(partner_a).post(
            f"/api/v1/disputes/{dispute_a.pk}/comments/", {"body": "Fixed"}, format="json"
        )
    assert response.status_code == 201
    assert Notification.objects.filter(recipient=manager, kind="dispute_comment").exists()


def test_empty_comment_is_a_field_error(dispute_a, manager, client_for):
    response = client_for(manager).post(f"/disputes/{dispute_a.reference}/comment/", {"body": ""})
    assert response.status_code == 400
    assert "body" in response.context["comment_form"].errors
