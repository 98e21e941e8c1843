"""Connections of vendor_a on both platforms, pointed at a local fake server."""

from __future__ import annotations

import pytest

from platforms.connectors import RetryPolicy
from platforms.models import PlatformConnection
from tests.platforms.fake_platform import FakePlatform

GENESYS_QUEUES = ["5b1d0a5e-6a57-4c0b-9d0e-0a7c2d1f3b01", "9c3e2f71-1b4d-4e8a-a3f2-55d6c7e8f902"]
CONNECT_QUEUES = ["a1b2c3d4-0000-4000-8000-000000000001", "a1b2c3d4-0000-4000-8000-000000000002"]
CONNECT_ARN = (
    "arn:aws:connect:ap-southeast-1:123456789012:instance/0f3c1e2d-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
)


@pytest.fixture
def fake():
    with FakePlatform() as server:
        yield server
    assert not server.unexpected, [f"{r.method} {r.path}" for r in server.unexpected]


class Sleeps(list):
    """Records the backoff delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def retry(sleeps) -> RetryPolicy:
    return RetryPolicy(attempts=3, base_delay=0.5, max_delay=4.0, sleep=sleeps)


@pytest.fixture
def genesys_env(monkeypatch):
    monkeypatch.setenv("GENESYS_ACME_CLIENT_ID", "client-id-acme")
    monkeypatch.setenv("GENESYS_ACME_CLIENT_SECRET", "s3cret-acme")


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """Explicit test keys only: no shared config, no instance metadata, no real AWS."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("CONNECT_ACME_ACCESS_KEY_ID", "AKIDEXAMPLEACME")
    monkeypatch.setenv("CONNECT_ACME_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


@pytest.fixture
def genesys_connection(vendor_a, fake):
    return PlatformConnection.objects.create(
        vendor=vendor_a,
        name="Genesys voice and chat",
        platform="genesys_cloud",
        region="mypurecloud.jp",
        base_url=fake.url,
        queue_ids=GENESYS_QUEUES,
        credentials_ref="GENESYS_ACME",
    )


@pytest.fixture
def connect_connection(vendor_a, fake):
    return PlatformConnection.objects.create(
        vendor=vendor_a,
        name="Connect Manila",
        platform="amazon_connect",
        region="ap-southeast-1",
        instance_arn=CONNECT_ARN,
        base_url=fake.url,
        queue_ids=CONNECT_QUEUES,
        credentials_ref="CONNECT_ACME",
    )
