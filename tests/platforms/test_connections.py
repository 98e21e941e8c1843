"""PlatformConnection: scoping, validation, credentials by reference, windows, admin."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from platforms.connectors import CredentialsMissing, connection_credentials
from platforms.models import PlatformConnection
from tests.platforms.conftest import CONNECT_ARN, GENESYS_QUEUES

pytestmark = pytest.mark.django_db


def genesys(vendor, **overrides) -> PlatformConnection:
    fields = {
        "vendor": vendor,
        "name": "Genesys",
        "platform": "genesys_cloud",
        "region": "mypurecloud.ie",
        "queue_ids": list(GENESYS_QUEUES),
        "credentials_ref": "GENESYS_ACME",
    }
    return PlatformConnection(**{**fields, **overrides})


def messages(connection: PlatformConnection) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        connection.full_clean()
    return caught.value.message_dict


def test_each_side_sees_only_what_the_access_rule_allows(
    vendor_a, vendor_b, manager, executive, partner_a, partner_b
):
    mine = genesys(vendor_a)
    mine.save()
    theirs = genesys(vendor_b)
    theirs.save()
    visible = PlatformConnection.objects.visible_to
    assert set(visible(manager)) == {mine, theirs}
    assert set(visible(executive)) == {mine, theirs}
    assert list(visible(partner_a)) == [mine]
    assert list(visible(partner_b)) == [theirs]
    assert list(visible(AnonymousUser())) == []


def test_a_valid_genesys_connection_passes_and_follows_the_vendors_zone(vendor_a):
    connection = genesys(vendor_a)
    connection.full_clean()
    assert connection.tzinfo == ZoneInfo("Asia/Manila")
    connection.timezone = "Europe/Lisbon"
    assert connection.tzinfo == ZoneInfo("Europe/Lisbon")


def test_genesys_needs_a_region_domain_and_a_credentials_reference(vendor_a):
    errors = messages(genesys(vendor_a, region="eu west", credentials_ref=""))
    assert set(errors) == {"region", "credentials_ref"}


def test_a_secret_pasted_into_the_reference_is_refused(vendor_a):
    errors = messages(genesys(vendor_a, credentials_ref="s3cr3t-value/with+chars"))
    assert "never a secret" in errors["credentials_ref"][0]


def test_connect_needs_an_instance_arn_of_its_region(vendor_a):
    connection = genesys(
        vendor_a,
        platform="amazon_connect",
        region="eu-west-2",
        instance_arn=CONNECT_ARN,  # an ap-southeast-1 instance
        credentials_ref="",
    )
    assert messages(connection) == {"instance_arn": ["The instance ARN names another region."]}
    connection.region = "ap-southeast-1"
    connection.full_clean()  # no reference: the server's own AWS role is used


@pytest.mark.parametrize(
    "queue_ids", [[], "q1", ["q1", "q1"], ["q1", ""], [1, 2], [f"q{i}" for i in range(101)]]
)
def test_queue_ids_are_a_list_of_distinct_ids(vendor_a, queue_ids):
    assert "queue_ids" in messages(genesys(vendor_a, queue_ids=queue_ids))


def test_credentials_come_from_the_environment_by_prefix(vendor_a, monkeypatch):
    connection = genesys(vendor_a)
    monkeypatch.setenv("GENESYS_ACME_CLIENT_ID", "id-1")
    monkeypatch.delenv("GENESYS_ACME_CLIENT_SECRET", raising=False)
    with pytest.raises(CredentialsMissing, match="GENESYS_ACME_CLIENT_SECRET not set"):
        connection_credentials(connection)
    monkeypatch.setenv("GENESYS_ACME_CLIENT_SECRET", "secret-1")
    assert connection_credentials(connection) == {
        "client_id": "id-1",
        "client_secret": "secret-1",
    }


def test_a_setting_wins_over_the_environment(vendor_a, settings, monkeypatch):
    monkeypatch.setenv("GENESYS_ACME_CLIENT_ID", "from-env")
    monkeypatch.setenv("GENESYS_ACME_CLIENT_SECRET", "from-env")
    settings.PLATFORM_CREDENTIALS = {
        "GENESYS_ACME": {"client_id": "from-settings", "client_secret": "s"}
    }
    assert connection_credentials(genesys(vendor_a))["client_id"] == "from-settings"


def test_no_credential_is_stored_in_the_database(vendor_a, monkeypatch):
    monkeypatch.setenv("GENESYS_ACME_CLIENT_ID", "id-in-env")
    monkeypatch.setenv("GENESYS_ACME_CLIENT_SECRET", "secret-in-env")
    connection = genesys(vendor_a)
    connection.save()
    connection_credentials(connection)
    stored = PlatformConnection.objects.filter(pk=connection.pk).values().get()
    history = list(connection.history.values())
    assert "secret-in-env" not in repr(stored) + repr(history)
    assert "id-in-env" not in repr(stored) + repr(history)


def test_the_pull_window_is_the_whole_local_days_not_yet_stored(vendor_a):
    connection = genesys(vendor_a)
    manila = ZoneInfo("Asia/Manila")
    now = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)  # 09:30 on 10 March in Manila
    start, end = connection.pull_window(now)
    assert end == datetime(2026, 3, 10, tzinfo=manila)  # today is left for tomorrow
    assert start == datetime(2026, 3, 3, tzinfo=manila)  # seven days back by default
    connection.pulled_until = datetime(2026, 3, 8, tzinfo=manila)
    assert connection.pull_window(now) == (datetime(2026, 3, 8, tzinfo=manila), end)
    connection.pulled_until = end
    assert connection.pull_window(now) is None


def test_edits_are_in_the_history_and_pull_status_is_not(vendor_a):
    from platforms.services import connection_record_attempt

    connection = genesys(vendor_a)
    connection.save()
    connection.queue_ids = [GENESYS_QUEUES[0]]
    connection.save()
    assert connection.history.count() == 2
    connection_record_attempt(connection=connection, now=datetime.now(UTC), error="HTTP 503")
    connection.refresh_from_db()
    assert connection.last_error == "HTTP 503"
    assert connection.history.count() == 2
    assert connection.history.first().queue_ids == [GENESYS_QUEUES[0]]


def test_administrators_manage_connections_in_the_admin(admin_client, vendor_a):
    response = admin_client.post(
        "/admin/platforms/platformconnection/add/",
        {
            "vendor": vendor_a.pk,
            "name": "Genesys Manila",
            "platform": "genesys_cloud",
            "enabled": "on",
            "region": "mypurecloud.jp",
            "instance_arn": "",
            "base_url": "",
            "queue_ids": '["q-1", "q-2"]',
            "credentials_ref": "GENESYS_MANILA",
            "timezone": "",
            "granularity": "day",
            "answer_threshold_seconds": "20",
            "short_abandon_seconds": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    connection = PlatformConnection.objects.get(name="Genesys Manila")
    assert connection.queue_ids == ["q-1", "q-2"]
    assert admin_client.get("/admin/platforms/platformconnection/").status_code == 200
    bad = admin_client.post(
        "/admin/platforms/platformconnection/add/",
        {
            "vendor": vendor_a.pk,
            "name": "Bad",
            "platform": "genesys_cloud",
            "region": "x",
            "queue_ids": "[]",
            "credentials_ref": "lower",
            "granularity": "day",
            "answer_threshold_seconds": "20",
            "short_abandon_seconds": "5",
        },
    )
    assert bad.status_code == 200
    assert PlatformConnection.objects.filter(name="Bad").count() == 0


def test_managers_without_admin_rights_do_not_reach_the_admin(client_for, manager):
    response = client_for(manager).get("/admin/platforms/platformconnection/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
