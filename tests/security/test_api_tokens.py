"""API tokens: the public form is kept, the key is stored only as a digest and expires."""

from __future__ import annotations

import hashlib
import importlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

import vendorhub.migrations
from vendorhub.models import ApiToken
from vendorhub.tokens import api_token_issue

pytestmark = pytest.mark.django_db


def get_token(username: str, password: str) -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def vendors_status(key: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/vendors/").status_code


def test_the_key_is_stored_only_as_its_sha256_digest(manager, password):
    body = get_token("manager", password)
    key = body["token"]
    assert len(key) >= 40
    row = ApiToken.objects.get(user=manager)
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (row.digest, row.prefix) and key.startswith(row.prefix)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        assert key not in repr(cursor.fetchall())
    assert vendors_status(key) == 200


def test_the_token_expires_after_the_configured_lifetime(manager, password, settings):
    settings.API_TOKEN_LIFETIME = timedelta(days=30)
    body = get_token("manager", password)
    expires = ApiToken.objects.get(user=manager).expires_at
    assert timedelta(days=29, hours=23) < expires - timezone.now() <= timedelta(days=30)
    assert body["expires_at"].startswith(expires.date().isoformat())
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    expired = api.get("/api/v1/vendors/")
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


def test_unknown_malformed_and_missing_tokens_get_401(manager):
    assert vendors_status("0" * 40) == 401  # an old-style authtoken key that was never issued
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token a b")
    assert api.get("/api/v1/vendors/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token " + "x" * 500)
    assert api.get("/api/v1/vendors/").status_code == 401
    anonymous = APIClient().get("/api/v1/vendors/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"


def test_a_deactivated_user_token_stops_working(manager, password):
    key = get_token("manager", password)["token"]
    manager.is_active = False
    manager.save()
    assert vendors_status(key) == 401


def test_each_login_issues_a_new_key_and_old_ones_are_capped(manager, password, settings):
    settings.API_TOKEN_MAX_PER_USER = 3
    keys = [api_token_issue(user=manager)[0] for _ in range(5)]
    assert len(set(keys)) == 5
    assert ApiToken.objects.filter(user=manager).count() == 3
    assert [vendors_status(k) for k in keys] == [401, 401, 200, 200, 200]


def test_expired_tokens_are_deleted_when_the_user_gets_a_new_one(manager):
    past = timezone.now() - timedelta(days=400)
    old_key, _ = api_token_issue(user=manager, now=past)
    new_key, _ = api_token_issue(user=manager)
    assert ApiToken.objects.filter(user=manager).count() == 1
    assert (vendors_status(old_key), vendors_status(new_key)) == (401, 200)


def test_keys_issued_by_drf_authtoken_are_carried_over_hashed_and_the_table_dropped(manager):
    """The migration away from rest_framework.authtoken keeps integrations working."""
    (path,) = Path(vendorhub.migrations.__file__).parent.glob("*_api_tokens.py")
    migration = importlib.import_module(f"vendorhub.migrations.{path.stem}")
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp "
            "with time zone, user_id bigint)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, timezone.now(), manager.pk]
        )
    with connection.schema_editor() as editor:
        migration.carry_over_authtoken_keys(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    row = ApiToken.objects.get(user=manager)
    assert row.digest == hashlib.sha256(old_key.encode()).hexdigest()
    assert vendors_status(old_key) == 200


def test_a_new_password_revokes_the_users_api_tokens(manager, password, client_for):
    key = get_token("manager", password)["token"]
    response = client_for(manager).post(
        "/accounts/password_change/",
        {
            "old_password": password,
            "new_password1": "N3w-secret-pass",
            "new_password2": "N3w-secret-pass",
        },
    )
    assert response.status_code == 302
    assert vendors_status(key) == 401
    assert vendors_status(get_token("manager", "N3w-secret-pass")["token"]) == 200


def test_a_password_reset_revokes_the_users_api_tokens(manager, password, client):
    key = get_token("manager", password)["token"]
    client.post("/accounts/password_reset/", {"email": manager.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Fresh-pass-4242", "new_password2": "Fresh-pass-4242"},
    )
    assert done.status_code == 302
    assert vendors_status(key) == 401
