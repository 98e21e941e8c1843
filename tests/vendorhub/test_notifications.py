"""The bell, the notification list, mark read (page, htmx and API), and isolation."""

from __future__ import annotations

import pytest

from tests.factories import NotificationFactory
from vendorhub.models import Notification
from vendorhub.notifications import notify

pytestmark = pytest.mark.django_db


def test_list_shows_only_own_notifications(client_for, manager, executive):
    NotificationFactory(recipient=manager, message="Mine")
    NotificationFactory(recipient=executive, message="Not mine")
    body = client_for(manager).get("/notifications/").content.decode()
    assert "Mine" in body and "Not mine" not in body


def test_unread_tab_hides_read_ones(client_for, manager):
    NotificationFactory(recipient=manager, message="Fresh")
    old = NotificationFactory(recipient=manager, message="Seen already")
    old.mark_read()
    body = client_for(manager).get("/notifications/?show=unread").content.decode()
    assert "Fresh" in body and "Seen already" not in body


def test_mark_read_with_htmx_returns_the_row_and_refreshes_the_bell(client_for, manager):
    n = NotificationFactory(recipient=manager)
    NotificationFactory(recipient=manager)
    response = client_for(manager).post(f"/notifications/{n.pk}/read/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{n.pk}"' in body
    assert 'hx-swap-oob="true"' in body and 'class="bell-count">1<' in body
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_marks_read_and_follows_the_link(client_for, manager):
    n = NotificationFactory(recipient=manager, url="/vendors/")
    response = client_for(manager).post(f"/notifications/{n.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response.url == "/vendors/"


def test_open_never_redirects_off_site(client_for, manager):
    n = NotificationFactory(recipient=manager, url="https://evil.example/phish")
    response = client_for(manager).post(f"/notifications/{n.pk}/read/", {"open": "1"})
    assert response.url == "/notifications/"


def test_someone_elses_notification_is_404_and_stays_unread(client_for, partner_b, partner_a):
    n = NotificationFactory(recipient=partner_a)
    assert client_for(partner_b).post(f"/notifications/{n.pk}/read/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(client_for, executive):
    NotificationFactory.create_batch(3, recipient=executive)
    client_for(executive).post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=executive, read_at__isnull=True).exists()


def test_mark_read_is_post_only(client_for, manager):
    n = NotificationFactory(recipient=manager)
    assert client_for(manager).get(f"/notifications/{n.pk}/read/").status_code == 405


def test_list_query_count_does_not_grow(client_for, manager, django_assert_max_num_queries):
    client = client_for(manager)
    NotificationFactory.create_batch(40, recipient=manager)
    with django_assert_max_num_queries(6):
        assert client.get("/notifications/").status_code == 200


def test_notify_never_tells_a_partner_about_another_vendor(manager, partner_a, partner_b, vendor_a):
    created = notify(
        recipients=[manager, partner_a, partner_b, partner_a],
        kind="dispute.raised",
        message="A dispute was raised",
        vendor=vendor_a,
    )
    assert sorted(n.recipient.username for n in created) == ["manager", "partner_a"]


def test_notify_without_vendor_skips_partners(manager, partner_a):
    created = notify(recipients=[manager, partner_a], kind="portfolio", message="Board pack ready")
    assert [n.recipient for n in created] == [manager]


# --- API ----------------------------------------------------------------------------
def test_api_lists_own_notifications_with_public_fields(api_for, partner_a, manager):
    NotificationFactory(
        recipient=partner_a, message="For the partner", url="/vendors/acme-contact/"
    )
    NotificationFactory(recipient=manager, message="For the manager")
    results = api_for(partner_a).get("/api/v1/notifications/").json()["results"]
    assert len(results) == 1
    assert set(results[0]) == {"id", "kind", "message", "url", "created_at", "read_at"}
    assert results[0]["read_at"] is None


def test_api_every_role_marks_own_notification_read(api_for, executive, partner_a):
    for user in (executive, partner_a):
        n = NotificationFactory(recipient=user)
        response = api_for(user).post(f"/api/v1/notifications/{n.pk}/read/")
        assert response.status_code == 200
        assert response.json()["read_at"] is not None


def test_api_other_users_notification_is_404(api_for, partner_a, partner_b):
    n = NotificationFactory(recipient=partner_a)
    assert api_for(partner_b).get(f"/api/v1/notifications/{n.pk}/").status_code == 404
    assert api_for(partner_b).post(f"/api/v1/notifications/{n.pk}/read/").status_code == 404


def test_api_read_all_and_unread_filter(api_for, executive):
    NotificationFactory.create_batch(2, recipient=executive)
    api = api_for(executive)
    assert api.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 2
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0


def test_api_notifications_cannot_be_created_or_edited(api_for, manager):
    n = NotificationFactory(recipient=manager)
    api = api_for(manager)
    assert api.post("/api/v1/notifications/", {"message": "x"}, format="json").status_code == 405
    assert (
        api.patch(f"/api/v1/notifications/{n.pk}/", {"message": "x"}, format="json").status_code
        == 405
    )


def test_api_list_query_count_does_not_grow(api_for, manager, django_assert_max_num_queries):
    api = api_for(manager)
    NotificationFactory.create_batch(30, recipient=manager)
    with django_assert_max_num_queries(3):
        assert api.get("/api/v1/notifications/").json()["count"] == 30


def test_notify_queues_email_only_for_people_who_want_it_now(
    manager, executive, partner_a, vendor_a
):
    from vendorhub.models import EmailOutbox

    executive.notification_delivery = "digest"
    executive.save()
    partner_a.notification_delivery = "in_app"
    partner_a.save()
    notify(
        recipients=[manager, executive, partner_a],
        kind="dispute.responded",
        message="Atlas answered DSP-2026-0003",
        url="/disputes/DSP-2026-0003/",
        vendor=vendor_a,
    )
    assert Notification.objects.count() == 3
    assert list(EmailOutbox.objects.values_list("to_email", flat=True)) == [manager.email]
    assert "Atlas answered DSP-2026-0003" in EmailOutbox.objects.get().body_text
