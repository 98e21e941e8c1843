"""The cast every test uses: a manager, an executive and partners of two vendors."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory, VendorFactory
from vendorhub.models import Role
from vendorhub.tokens import api_token_issue


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = False
    # SECURE_SSL_REDIRECT would bounce the test client to https.
    settings.SECURE_SSL_REDIRECT = False
    clear_test_cache()


def clear_test_cache() -> None:
    """Each test starts with an empty cache (rate-limit counters, delivery counts).

    With REDIS_URL the cache is Redis, shared with the Celery broker: only this test
    run's own keys (prefix ``vendorhub-test``, see settings) are deleted, never the
    whole database.
    """
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:
        cache.clear()  # local memory: private to this process
        return
    redis = client(write=True)
    keys = list(redis.scan_iter(match=cache.make_key("*"), count=1000))
    if keys:
        redis.delete(*keys)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data that migrations add (the KPI library) is back for every run.

    A transactional test flushes every table at its end; with ``--reuse-db`` the next
    run would start without the rows the data migrations wrote.
    """
    from scorecards.library import ensure_kpi_library

    with django_db_blocker.unblock():
        ensure_kpi_library()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def vendor_a(db):
    return VendorFactory(slug="acme-contact", name="Acme Contact", timezone="Asia/Manila")


@pytest.fixture
def vendor_b(db):
    return VendorFactory(
        slug="borealis-cx", name="Borealis CX", country="PT", timezone="Europe/Lisbon"
    )


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role=Role.MANAGER)


@pytest.fixture
def executive(db):
    return UserFactory(username="executive", role=Role.EXECUTIVE)


@pytest.fixture
def partner_a(vendor_a):
    return UserFactory(
        username="partner_a", role=Role.PARTNER, vendor=vendor_a, timezone="Asia/Manila"
    )


@pytest.fixture
def partner_b(vendor_b):
    return UserFactory(
        username="partner_b", role=Role.PARTNER, vendor=vendor_b, timezone="Europe/Lisbon"
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the Django test client, logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for():
    """``api_for(user)``: a DRF client authenticated with a freshly issued API token."""

    def make(user):
        api = APIClient()
        key, _token = api_token_issue(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api

    return make
