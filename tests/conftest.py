"""The cast every test uses: a manager, an executive and partners of two vendors."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory, VendorFactory
from vendorhub.models import Role


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
    """``api_for(user)``: a DRF client authenticated with the user's token."""

    def make(user):
        api = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return make
