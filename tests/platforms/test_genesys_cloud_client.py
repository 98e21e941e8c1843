"""The Genesys Cloud client against a local fake server replaying recorded responses."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from platforms import genesys_cloud
from platforms.connectors import CredentialsMissing, PlatformRejected, PlatformUnavailable
from platforms.connectors.genesys_cloud import QUERY_PATH, GenesysCloudConnector
from tests.platforms.conftest import GENESYS_QUEUES
from tests.platforms.fake_platform import Reply
from tests.platforms.payloads import load

pytestmark = pytest.mark.django_db

TOKEN = Reply(200, {"access_token": "tok-1", "token_type": "bearer", "expires_in": 86399})
# 2 to 5 March 2026 in Manila (UTC+8): three whole local days.
START = datetime(2026, 3, 1, 16, tzinfo=UTC)
END = datetime(2026, 3, 4, 16, tzinfo=UTC)


def test_a_pull_gets_a_token_then_queries_the_connections_queues(
    fake, genesys_connection, genesys_env, retry
):
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, Reply(200, load("genesys_cloud_daily")))

    payload = GenesysCloudConnector(retry=retry).fetch(genesys_connection, START, END)

    (token_request,) = fake.received("POST", "/oauth/token")
    expected_basic = base64.b64encode(b"client-id-acme:s3cret-acme").decode()
    assert token_request.headers["authorization"] == f"Basic {expected_basic}"
    assert token_request.form() == {"grant_type": "client_credentials"}

    (query,) = fake.received("POST", QUERY_PATH)
    assert query.headers["authorization"] == "Bearer tok-1"
    body = query.json()
    assert body["interval"] == "2026-03-01T16:00:00.000Z/2026-03-04T16:00:00.000Z"
    assert body["granularity"] == "P1D"
    assert body["timeZone"] == "Asia/Manila"  # the vendor's zone: days are its days
    assert body["groupBy"] == ["queueId", "mediaType"]
    assert body["filter"]["type"] == "or"
    assert [p["value"] for p in body["filter"]["predicates"]] == GENESYS_QUEUES
    assert {p["dimension"] for p in body["filter"]["predicates"]} == {"queueId"}
    assert set(body["metrics"]) == {
        "nOffered",
        "tAnswered",
        "tAbandon",
        "tShortAbandon",
        "oServiceLevel",
        "tHandle",
    }

    rows = genesys_cloud.parse(payload).rows
    assert sum(r.offered for r in rows) == 412 + 398 + 455 + 120 + 98 + 131 + 14


def test_a_long_range_is_queried_in_windows_of_seven_local_days_with_one_token(
    fake, genesys_connection, genesys_env, retry
):
    first, second = load("genesys_cloud_daily"), load("genesys_cloud_hourly")
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, Reply(200, first), Reply(200, second))

    end = datetime(2026, 3, 11, 16, tzinfo=UTC)  # ten Manila days
    payload = GenesysCloudConnector(retry=retry).fetch(genesys_connection, START, end)

    intervals = [r.json()["interval"] for r in fake.received("POST", QUERY_PATH)]
    assert intervals == [
        "2026-03-01T16:00:00.000Z/2026-03-08T16:00:00.000Z",
        "2026-03-08T16:00:00.000Z/2026-03-11T16:00:00.000Z",
    ]
    assert len(fake.received("POST", "/oauth/token")) == 1
    assert payload["results"] == first["results"] + second["results"]


def test_429_and_503_are_retried_with_backoff_and_retry_after(
    fake, genesys_connection, genesys_env, retry, sleeps
):
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script(
        "POST",
        QUERY_PATH,
        Reply(429, {"message": "rate limited"}, headers={"Retry-After": "2"}),
        Reply(503, {"message": "unavailable"}),
        Reply(200, load("genesys_cloud_daily")),
    )
    payload = GenesysCloudConnector(retry=retry).fetch(genesys_connection, START, END)

    assert len(fake.received("POST", QUERY_PATH)) == 3
    assert sleeps[0] == 2.0  # the server's Retry-After
    assert 0 <= sleeps[1] <= 0.5 * 2  # exponential backoff, second attempt
    assert len(payload["results"]) == 3


def test_a_platform_that_keeps_failing_is_unavailable_after_the_last_attempt(
    fake, genesys_connection, genesys_env, retry, sleeps
):
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, *[Reply(502, "bad gateway")] * 3)
    with pytest.raises(PlatformUnavailable, match="HTTP 502 after 3 attempts"):
        GenesysCloudConnector(retry=retry).fetch(genesys_connection, START, END)
    assert len(fake.received("POST", QUERY_PATH)) == 3
    assert len(sleeps) == 2


def test_an_expired_token_is_renewed_once(fake, genesys_connection, genesys_env, retry):
    fake.script(
        "POST", "/oauth/token", TOKEN, Reply(200, {"access_token": "tok-2", "expires_in": 600})
    )
    fake.script("POST", QUERY_PATH, Reply(401, {"message": "expired"}), Reply(200, {"results": []}))
    payload = GenesysCloudConnector(retry=retry).fetch(genesys_connection, START, END)
    assert payload == {"results": []}
    assert [r.headers["authorization"] for r in fake.received("POST", QUERY_PATH)] == [
        "Bearer tok-1",
        "Bearer tok-2",
    ]


def test_a_bad_query_is_refused_at_once_with_the_platforms_message(
    fake, genesys_connection, genesys_env, retry, sleeps
):
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, Reply(400, {"message": "queueId unknown"}))
    with pytest.raises(PlatformRejected, match=r"HTTP 400.*queueId unknown"):
        GenesysCloudConnector(retry=retry).fetch(genesys_connection, START, END)
    assert len(fake.received("POST", QUERY_PATH)) == 1
    assert sleeps == []


def test_wrong_client_credentials_are_refused(fake, genesys_connection, genesys_env, retry):
    fake.script("POST", "/oauth/token", Reply(401, {"error": "invalid_client"}))
    with pytest.raises(PlatformRejected, match="OAuth token request refused with HTTP 401"):
        GenesysCloudConnector(retry=retry).fetch(genesys_connection, START, END)
    assert fake.received("POST", QUERY_PATH) == []


def test_missing_credentials_send_nothing(fake, genesys_connection, retry, monkeypatch):
    monkeypatch.delenv("GENESYS_ACME_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("GENESYS_ACME_CLIENT_ID", "client-id-acme")
    with pytest.raises(CredentialsMissing, match="GENESYS_ACME_CLIENT_SECRET"):
        GenesysCloudConnector(retry=retry).fetch(genesys_connection, START, END)
    assert fake.requests == []


def test_a_server_slower_than_the_timeout_is_retried_then_unavailable(
    fake, genesys_connection, genesys_env, retry
):
    fake.script("POST", "/oauth/token", TOKEN)
    fake.script("POST", QUERY_PATH, *[Reply(200, {"results": []}, delay=1.0)] * 3)
    with pytest.raises(PlatformUnavailable, match="ReadTimeout"):
        GenesysCloudConnector(retry=retry, timeout=0.2).fetch(genesys_connection, START, END)
    assert len(fake.received("POST", QUERY_PATH)) == 3
