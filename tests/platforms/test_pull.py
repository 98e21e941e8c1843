"""Scheduled pulls: platform_pull, its hand-off to the import service (pull_store),
the Celery task and the sweep that enqueues it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from celery import current_app

from platforms.connectors import RetryPolicy
from platforms.connectors.genesys_cloud import QUERY_PATH, GenesysCloudConnector
from platforms.models import PlatformConnection
from platforms.services import platform_pull, platform_pull_due
from platforms.tasks import pull_platform_data
from scorecards.models import Measurement
from tests.platforms.fake_platform import Reply
from tests.platforms.payloads import load

pytestmark = pytest.mark.django_db

TOKEN = Reply(200, {"access_token": "tok", "expires_in": 3600})
START = datetime(2026, 3, 1, 16, tzinfo=UTC)
END = datetime(2026, 3, 4, 16, tzinfo=UTC)
NOW = datetime(2026, 3, 5, 2, tzinfo=UTC)
BILLING = "5b1d0a5e-6a57-4c0b-9d0e-0a7c2d1f3b01"


@pytest.fixture
def eager_celery():
    """Celery's own synchronous mode for the enqueue test, restored afterwards."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


def test_a_pull_returns_the_parsed_counts_and_stores_nothing(
    fake, genesys_connection, genesys_env, retry
):
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, Reply(200, load("genesys_cloud_daily")))
    measurements_before = Measurement.objects.count()

    result = platform_pull(
        connection=genesys_connection,
        start=START,
        end=END,
        now=NOW,
        connector=GenesysCloudConnector(retry=retry),
    )

    assert result.ok
    assert (result.connection_id, result.vendor_id) == (
        genesys_connection.pk,
        genesys_connection.vendor_id,
    )
    assert (result.start, result.end, result.platform) == (START, END, "genesys_cloud")
    assert str(result.tzinfo) == "Asia/Manila"
    billing = [r for r in result.rows if r.queue == BILLING]
    assert sum(r.offered for r in billing) == 412 + 398 + 455
    assert sum(r.answered_in_threshold for r in billing) == 310 + 281 + 368
    assert Measurement.objects.count() == measurements_before
    genesys_connection.refresh_from_db()
    assert genesys_connection.pulled_until is None  # only the import may advance it


def test_a_payload_with_faults_comes_back_with_its_errors(
    fake, genesys_connection, genesys_env, retry
):
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, Reply(200, {"results": [{"group": {}, "data": "x"}]}))
    result = platform_pull(
        connection=genesys_connection,
        start=START,
        end=END,
        now=NOW,
        connector=GenesysCloudConnector(retry=retry),
    )
    assert not result.ok
    assert [(e.path, e.field) for e in result.errors] == [("results[0].data", "payload")]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (END, START, "end after it starts"),
        (START, NOW + timedelta(hours=1), "past now"),
        (START.replace(tzinfo=None), END, "aware"),
    ],
)
def test_a_bad_window_is_refused_before_any_request(fake, genesys_connection, start, end, message):
    with pytest.raises(ValueError, match=message):
        platform_pull(connection=genesys_connection, start=start, end=end, now=NOW)
    assert fake.requests == []


def test_the_task_pulls_the_due_window_and_records_the_attempt(
    fake, genesys_connection, genesys_env
):
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, Reply(200, load("genesys_cloud_daily")))

    summary = pull_platform_data.apply(args=[genesys_connection.pk]).get()

    window = genesys_connection.pull_window(datetime.now(UTC))
    (query,) = fake.received("POST", QUERY_PATH)
    assert query.json()["interval"].startswith(
        window[0].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    )
    assert summary["rows"] == 6 and summary["errors"] == 0
    # Stored through the import service: three Manila days × six count-derived KPIs,
    # client-measured, and the connection moves on to the end of the window.
    assert summary["created"] == 18
    assert set(Measurement.objects.values_list("supplied_by", "source").distinct()) == {
        ("client", "platform")
    }
    genesys_connection.refresh_from_db()
    assert genesys_connection.last_attempt_at is not None
    assert genesys_connection.last_error == ""
    assert genesys_connection.pulled_until == window[1]


def test_a_repeated_pull_updates_instead_of_duplicating(fake, genesys_connection, genesys_env):
    for _ in range(2):
        fake.script("POST", "/oauth/token", TOKEN)
        fake.script("POST", QUERY_PATH, Reply(200, load("genesys_cloud_daily")))
    first = pull_platform_data.apply(args=[genesys_connection.pk]).get()
    PlatformConnection.objects.filter(pk=genesys_connection.pk).update(pulled_until=None)
    again = pull_platform_data.apply(args=[genesys_connection.pk]).get()
    assert (first["created"], again["created"], again["updated"]) == (18, 0, 18)
    assert Measurement.objects.count() == 18


def test_a_pull_with_faults_stores_nothing_and_does_not_move_on(
    fake, genesys_connection, genesys_env
):
    payload = load("genesys_cloud_daily")
    payload["results"][0]["data"][1]["metrics"][0]["stats"]["count"] = -1
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, Reply(200, payload))
    summary = pull_platform_data.apply(args=[genesys_connection.pk]).get()
    assert summary["errors"] == 1
    assert Measurement.objects.count() == 0
    genesys_connection.refresh_from_db()
    assert genesys_connection.pulled_until is None
    assert "results[0].data[1].metrics[0].stats.count" in genesys_connection.last_error


def test_a_failed_pull_is_recorded_and_left_to_the_next_sweep(
    fake, genesys_connection, genesys_env
):
    fake.script("POST", "/oauth/token", Reply(401, {"error": "invalid_client"}))
    summary = pull_platform_data.apply(args=[genesys_connection.pk]).get()
    assert "HTTP 401" in summary["error"]
    genesys_connection.refresh_from_db()
    assert "OAuth token request refused with HTTP 401" in genesys_connection.last_error


def test_the_task_skips_a_disabled_connection(fake, genesys_connection):
    genesys_connection.enabled = False
    genesys_connection.save()
    summary = pull_platform_data.apply(args=[genesys_connection.pk]).get()
    assert summary["skipped"] == "disabled or deleted"
    assert fake.requests == []


def test_the_sweep_enqueues_one_pull_per_enabled_due_connection_after_commit(
    fake,
    genesys_connection,
    connect_connection,
    vendor_b,
    genesys_env,
    aws_env,
    django_capture_on_commit_callbacks,
    eager_celery,
    settings,
):
    settings.PLATFORM_PULL_BACKFILL_DAYS = 2
    now = datetime.now(UTC)
    PlatformConnection.objects.create(
        vendor=vendor_b,
        name="Switched off",
        platform="genesys_cloud",
        region="mypurecloud.ie",
        queue_ids=["q"],
        credentials_ref="GENESYS_B",
        enabled=False,
    )
    up_to_date = PlatformConnection.objects.create(
        vendor=vendor_b,
        name="Up to date",
        platform="genesys_cloud",
        region="mypurecloud.ie",
        queue_ids=["q"],
        credentials_ref="GENESYS_B",
    )
    up_to_date.pulled_until = up_to_date.pull_window(now)[1]
    up_to_date.save()
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, Reply(200, load("genesys_cloud_daily")))
    fake.script("POST", "/metrics/data", Reply(200, {"MetricResults": []}))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert platform_pull_due(now) == 2
    assert fake.requests == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()

    assert len(fake.received("POST", QUERY_PATH)) == 1
    assert len(fake.received("POST", "/metrics/data")) == 1
    for connection in (genesys_connection, connect_connection):
        connection.refresh_from_db()
        assert connection.last_attempt_at is not None and connection.last_error == ""


def test_the_default_policy_retries_five_times_with_capped_backoff():
    policy = RetryPolicy()
    assert policy.attempts == 5
    assert all(0 <= policy.delay(n) <= min(30.0, 2 ** (n - 1)) for n in range(1, 10))
    assert policy.delay(1, retry_after=120) == 30.0  # a Retry-After is capped too
