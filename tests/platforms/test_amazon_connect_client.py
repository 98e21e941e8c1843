"""The Amazon Connect client (boto3) against a local fake server: SigV4, paging, retries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platforms import amazon_connect
from platforms.connectors import CredentialsMissing, PlatformRejected, PlatformUnavailable
from platforms.connectors.amazon_connect import AmazonConnectConnector
from tests.platforms.conftest import CONNECT_ARN, CONNECT_QUEUES
from tests.platforms.fake_platform import Reply
from tests.platforms.payloads import load

pytestmark = pytest.mark.django_db

PATH = "/metrics/data"
START = datetime(2026, 3, 1, 16, tzinfo=UTC)
END = datetime(2026, 3, 4, 16, tzinfo=UTC)


def wire(results: list[dict], next_token: str | None = None) -> dict:
    """A recorded GetMetricDataV2 answer as it travels: times in epoch seconds."""
    page = {"MetricResults": []}
    for result in results:
        interval = dict(result["MetricInterval"])
        for key in ("StartTime", "EndTime"):
            interval[key] = datetime.fromisoformat(interval[key]).timestamp()
        page["MetricResults"].append({**result, "MetricInterval": interval})
    if next_token:
        page["NextToken"] = next_token
    return page


def throttled() -> Reply:
    return Reply(
        429,
        {"message": "Rate exceeded"},
        headers={"x-amzn-ErrorType": "ThrottlingException"},
    )


def test_a_pull_is_signed_pages_with_next_token_and_reads_like_the_cli_output(
    fake, connect_connection, aws_env, retry
):
    results = load("amazon_connect_daily")["MetricResults"]
    fake.script(
        "POST",
        PATH,
        Reply(200, wire(results[:4], next_token="page-2")),
        Reply(200, wire(results[4:])),
    )

    payload = AmazonConnectConnector(retry=retry).fetch(connect_connection, START, END)

    first, second = fake.received("POST", PATH)
    authorization = first.headers["authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLEACME/")
    assert "/ap-southeast-1/connect/aws4_request" in authorization
    assert "Signature=" in authorization
    body = first.json()
    assert body["ResourceArn"] == CONNECT_ARN
    assert (body["StartTime"], body["EndTime"]) == (START.timestamp(), END.timestamp())
    assert body["Interval"] == {"TimeZone": "Asia/Manila", "IntervalPeriod": "DAY"}
    assert body["Filters"] == [{"FilterKey": "QUEUE", "FilterValues": CONNECT_QUEUES}]
    assert body["Groupings"] == ["QUEUE", "CHANNEL"]
    metrics = {m["Name"]: m.get("Threshold") for m in body["Metrics"]}
    assert metrics["SUM_CONTACTS_ANSWERED_IN_X"] == [{"Comparison": "LTE", "ThresholdValue": 20}]
    assert metrics["SUM_CONTACTS_ABANDONED_IN_X"] == [{"Comparison": "LTE", "ThresholdValue": 5}]
    assert {"CONTACTS_QUEUED", "CONTACTS_HANDLED", "CONTACTS_ABANDONED", "AVG_HANDLE_TIME"} <= set(
        metrics
    )
    assert "NextToken" not in body
    assert second.json()["NextToken"] == "page-2"

    # Both pages, read back exactly as the AWS CLI's own JSON would be.
    assert (
        amazon_connect.parse(payload).rows
        == amazon_connect.parse(load("amazon_connect_daily")).rows
    )
    assert sum(r.offered for r in amazon_connect.parse(payload).rows) == (
        520 + 88 + 476 + 0 + 503 + 97
    )


def test_hourly_data_is_requested_in_windows_under_three_days(
    fake, connect_connection, aws_env, retry
):
    connect_connection.granularity = "hour"
    connect_connection.save()
    fake.script("POST", PATH, *[Reply(200, {"MetricResults": []})] * 3)
    end = datetime(2026, 3, 6, 16, tzinfo=UTC)  # five Manila days
    AmazonConnectConnector(retry=retry).fetch(connect_connection, START, end)
    spans = [
        (r.json()["StartTime"], r.json()["EndTime"], r.json()["Interval"]["IntervalPeriod"])
        for r in fake.received("POST", PATH)
    ]
    day = 24 * 3600
    assert spans == [
        (START.timestamp(), START.timestamp() + 2 * day, "HOUR"),
        (START.timestamp() + 2 * day, START.timestamp() + 4 * day, "HOUR"),
        (START.timestamp() + 4 * day, end.timestamp(), "HOUR"),
    ]


def test_throttling_and_server_errors_are_retried(fake, connect_connection, aws_env, retry, sleeps):
    fake.script(
        "POST",
        PATH,
        throttled(),
        Reply(
            500, {"message": "internal"}, headers={"x-amzn-ErrorType": "InternalServiceException"}
        ),
        Reply(200, wire(load("amazon_connect_daily")["MetricResults"])),
    )
    payload = AmazonConnectConnector(retry=retry).fetch(connect_connection, START, END)
    assert len(fake.received("POST", PATH)) == 3
    assert len(sleeps) == 2
    assert len(payload["MetricResults"]) == 6


def test_throttled_every_time_is_unavailable(fake, connect_connection, aws_env, retry):
    fake.script("POST", PATH, throttled(), throttled(), throttled())
    with pytest.raises(PlatformUnavailable, match="after 3 attempts"):
        AmazonConnectConnector(retry=retry).fetch(connect_connection, START, END)


def test_access_denied_is_refused_without_retrying(
    fake, connect_connection, aws_env, retry, sleeps
):
    fake.script(
        "POST",
        PATH,
        Reply(
            403,
            {"message": "not authorized to perform connect:GetMetricDataV2"},
            headers={"x-amzn-ErrorType": "AccessDeniedException"},
        ),
    )
    with pytest.raises(PlatformRejected, match="403 AccessDeniedException"):
        AmazonConnectConnector(retry=retry).fetch(connect_connection, START, END)
    assert len(fake.received("POST", PATH)) == 1
    assert sleeps == []


def test_missing_keys_send_nothing(fake, connect_connection, aws_env, retry, monkeypatch):
    monkeypatch.delenv("CONNECT_ACME_SECRET_ACCESS_KEY")
    with pytest.raises(CredentialsMissing, match="CONNECT_ACME_SECRET_ACCESS_KEY"):
        AmazonConnectConnector(retry=retry).fetch(connect_connection, START, END)
    assert fake.requests == []
