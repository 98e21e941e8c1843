"""Amazon Connect client: ``GetMetricDataV2`` through boto3's ``connect`` client.

Why boto3 (pinned) and not a hand-made SigV4 call: the request must be signed with
AWS Signature Version 4, and credentials on a real deployment usually come from an IAM
role (instance profile, IRSA), not from keys. boto3 signs, serialises the request from
AWS's own service model and resolves the role; a home-grown signer would be security
code for us to maintain. ``endpoint_url`` comes from ``connection.base_url`` when set
(a VPC endpoint, or the tests' fake server).

boto3's own retries are switched off (``total_max_attempts=1``) so that one
``RetryPolicy`` governs both platforms: throttling (429) and 5xx answers and network
errors are retried with backoff, other errors are refused at once. Timeouts come from
botocore's ``Config``.

The request: ``Filters`` QUEUE = the connection's queues, ``Groupings`` QUEUE and
CHANNEL, ``Interval`` = the connection's time zone and ``DAY`` or ``HOUR``, and the
metrics ``amazon_connect.METRICS`` (the two IN_X counts with ``LTE`` thresholds: "within
20 seconds" includes 20). Connect allows a span under 35 days daily and under 3 days
hourly, so longer ranges are split at local midnights; each window is paged with
``NextToken``. The pages' ``MetricResults`` are concatenated and datetimes written as
ISO 8601 strings, so the payload is plain JSON, like the AWS CLI's output.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from platforms.amazon_connect import METRICS

from . import (
    RETRY_STATUSES,
    CredentialsMissing,
    PlatformRejected,
    PlatformUnavailable,
    RetryPolicy,
    connection_credentials,
    local_windows,
)

if TYPE_CHECKING:
    from platforms.models import PlatformConnection

WINDOW_DAYS = {"day": 31, "hour": 2}
INTERVAL_PERIOD = {"day": "DAY", "hour": "HOUR"}
PAGE_SIZE = 100


def metrics_request(connection: PlatformConnection) -> list[dict]:
    thresholds = {
        "SUM_CONTACTS_ANSWERED_IN_X": connection.answer_threshold_seconds,
        "SUM_CONTACTS_ABANDONED_IN_X": connection.short_abandon_seconds,
    }
    metrics = []
    for name in METRICS:
        metric: dict[str, Any] = {"Name": name}
        if name in thresholds:
            metric["Threshold"] = [{"Comparison": "LTE", "ThresholdValue": float(thresholds[name])}]
        metrics.append(metric)
    return metrics


def request_for(connection: PlatformConnection, start: datetime, end: datetime) -> dict:
    """The GetMetricDataV2 arguments for one window (without ``NextToken``)."""
    return {
        "ResourceArn": connection.instance_arn,
        "StartTime": start,
        "EndTime": end,
        "Interval": {
            "TimeZone": connection.tz_name,
            "IntervalPeriod": INTERVAL_PERIOD[connection.granularity],
        },
        "Filters": [{"FilterKey": "QUEUE", "FilterValues": list(connection.queue_ids)}],
        "Groupings": ["QUEUE", "CHANNEL"],
        "Metrics": metrics_request(connection),
        "MaxResults": PAGE_SIZE,
    }


class AmazonConnectConnector:
    platform = "amazon_connect"

    def __init__(
        self,
        *,
        retry: RetryPolicy | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout

    def client(self, connection: PlatformConnection):
        import boto3  # imported on use: botocore is slow to load and only pulls need it
        from botocore.config import Config

        credentials = connection_credentials(connection)
        return boto3.session.Session().client(
            "connect",
            region_name=connection.region,
            endpoint_url=connection.base_url or None,
            aws_access_key_id=credentials.get("access_key_id"),
            aws_secret_access_key=credentials.get("secret_access_key"),
            aws_session_token=credentials.get("session_token"),
            config=Config(
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                retries={"total_max_attempts": 1},
            ),
        )

    def fetch(self, connection: PlatformConnection, start: datetime, end: datetime) -> dict:
        client = self.client(connection)
        results: list[Any] = []
        span = WINDOW_DAYS[connection.granularity]
        for window_start, window_end in local_windows(start, end, connection.tzinfo, span):
            request = request_for(connection, window_start, window_end)
            next_token = None
            while True:
                page = self._call(client, connection, request, next_token)
                results.extend(page.get("MetricResults", []))
                next_token = page.get("NextToken")
                if not next_token:
                    break
        return {"MetricResults": _jsonable(results)}

    def _call(self, client, connection, request: dict, next_token: str | None) -> dict:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            HTTPClientError,
            NoCredentialsError,
        )
        from botocore.exceptions import ConnectionError as BotoConnectionError

        arguments = {**request, **({"NextToken": next_token} if next_token else {})}
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return client.get_metric_data_v2(**arguments)
            except ClientError as exc:
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                code = exc.response.get("Error", {}).get("Code", "")
                if status not in RETRY_STATUSES:
                    raise PlatformRejected(
                        f"{connection}: GetMetricDataV2 refused ({status} {code}): "
                        f"{exc.response.get('Error', {}).get('Message', '')[:300]}"
                    ) from exc
                failure: Exception = exc
            except (BotoConnectionError, HTTPClientError) as exc:  # refused, timeouts
                failure = exc
            except NoCredentialsError as exc:
                raise CredentialsMissing(f"{connection}: no AWS credentials found.") from exc
            except BotoCoreError as exc:  # invalid parameters, unreadable answers
                raise PlatformRejected(f"{connection}: GetMetricDataV2: {exc}") from exc
            if attempt == self.retry.attempts:
                raise PlatformUnavailable(
                    f"{connection}: GetMetricDataV2 failed after {attempt} attempts: {failure}"
                ) from failure
            self.retry.sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover


def _jsonable(value: Any) -> Any:
    """boto3's datetimes as ISO 8601 strings; everything else is JSON already."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
