"""Log-ins resist guessing: each reproduction from the probe, through the real pages/API.

- the token endpoint's throttle trusted X-Forwarded-For (30 of 30 rotating attempts
  went through): now keyed on the real client address;
- one address could spray many usernames; many addresses could share one username's
  guesses: both limited, on the log-in page and the token endpoint alike;
- password reset sent 20 mails to one address in seconds: limited per address and per
  client, with the same neutral answer either way;
- the profile changed the e-mail without the password: the password is required.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import RequestFactory
from rest_framework.test import APIClient

from tests.factories import UserFactory
from vendorhub.ratelimit import client_ip

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
RESET = "/accounts/password_reset/"


def token_attempt(api: APIClient, username: str, password: str = "wrong", **extra) -> int:
    return api.post(
        TOKEN, {"username": username, "password": password}, format="json", **extra
    ).status_code


# --- The client address ---------------------------------------------------------


def test_rotating_x_forwarded_for_does_not_buy_more_token_attempts(manager):
    api = APIClient()
    codes = [token_attempt(api, "manager", HTTP_X_FORWARDED_FOR=f"10.0.{i}.{i}") for i in range(30)]
    assert codes.count(400) == 10  # the first ten are answered (wrong password)
    assert codes[10:] == [429] * 20


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_key(manager, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api = APIClient()
    # The client writes anything it likes left of what our proxy appends.
    spoofed = [
        token_attempt(api, "manager", HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 203.0.113.7")
        for i in range(11)
    ]
    assert spoofed[:10] == [400] * 10
    assert spoofed[10] == 429
    # Another client behind the same proxy has its own budget.
    assert token_attempt(api, "manager", HTTP_X_FORWARDED_FOR="198.51.100.9") == 400


def test_drf_and_axes_see_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"
    assert SimpleRateThrottle.get_ident(object.__new__(SimpleRateThrottle), request) == (
        "203.0.113.7"
    )
    assert get_client_ip_address(request) == "203.0.113.7"

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.9.9.9"
    assert get_client_ip_address(request) == "10.9.9.9"


def test_settings_tie_drf_and_axes_to_the_one_proxy_setting():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT == 0
    assert settings.AXES_CLIENT_IP_CALLABLE == "vendorhub.ratelimit.client_ip"


# --- One address, many usernames; one username, many addresses ------------------


def test_one_address_cannot_spray_usernames_on_the_token_endpoint(db):
    api = APIClient()
    codes = [token_attempt(api, f"user{i}") for i in range(12)]
    assert codes[:10] == [400] * 10
    assert codes[10:] == [429, 429]


def test_one_address_cannot_spray_usernames_on_the_login_page(client, manager, password):
    for i in range(10):
        response = client.post(LOGIN, {"username": f"guess{i}", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    # Even the right password is refused from this address until the window passes.
    blocked = client.post(LOGIN, {"username": "manager", "password": password})
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert "Too many attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = client.post(
        LOGIN, {"username": "manager", "password": password}, REMOTE_ADDR="192.0.2.44"
    )
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(manager.pk)


def test_many_addresses_cannot_share_guesses_on_one_username(client, manager, password, settings):
    settings.LOGIN_FAILURES_PER_USERNAME = "5/h"
    for i in range(5):
        response = client.post(
            LOGIN, {"username": "Manager ", "password": "wrong"}, REMOTE_ADDR=f"192.0.2.{i}"
        )
        assert response.status_code == 200
    api = APIClient()
    assert token_attempt(api, "manager", password, REMOTE_ADDR="198.51.100.1") == 429
    page = client.post(
        LOGIN, {"username": "manager", "password": password}, REMOTE_ADDR="198.51.100.2"
    )
    assert page.status_code == 429
    assert "_auth_user_id" not in client.session
    # Other accounts are not affected.
    UserFactory(username="someone-else")
    assert token_attempt(api, "someone-else", password, REMOTE_ADDR="198.51.100.3") == 200


def test_successful_logins_do_not_count_against_the_username(client, manager, password):
    api = APIClient()
    for i in range(25):
        assert token_attempt(api, "manager", password, REMOTE_ADDR=f"192.0.2.{i}") == 200


def test_counters_start_empty_in_every_test_part_one(db):
    api = APIClient()
    assert [token_attempt(api, f"u{i}") for i in range(11)][-1] == 429


def test_counters_start_empty_in_every_test_part_two(db):
    """Runs after part one: the cache (Redis in CI) does not carry its counts over."""
    assert token_attempt(APIClient(), "u0") == 400


# --- Password reset ---------------------------------------------------------------


def test_password_reset_sends_at_most_three_mails_per_address_per_hour(client, manager):
    answers = [client.post(RESET, {"email": manager.email}) for _ in range(20)]
    assert {a.status_code for a in answers} == {302}
    assert {a.url for a in answers} == {"/accounts/password_reset/done/"}
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {manager.email}


def test_password_reset_is_limited_per_client_address_across_addresses(client):
    users = [UserFactory(username=f"staff{i}") for i in range(12)]
    answers = [client.post(RESET, {"email": u.email}) for u in users]
    assert {a.status_code for a in answers} == {302}
    assert len(mail.outbox) == 10
    later = client.post(RESET, {"email": users[0].email}, REMOTE_ADDR="192.0.2.77")
    assert later.status_code == 302
    assert len(mail.outbox) == 11  # another client address still gets its mail


def test_password_reset_answers_the_same_for_unknown_and_throttled_addresses(client, manager):
    def page_after(email: str, **extra) -> str:
        response = client.post(RESET, {"email": email}, follow=True, **extra)
        assert response.redirect_chain == [("/accounts/password_reset/done/", 302)]
        page = re.sub(r'nonce="[^"]+"', "", response.content.decode())
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)

    unknown = page_after("nobody@example.com")
    for _ in range(3):
        page_after(manager.email, REMOTE_ADDR="192.0.2.1")
    throttled = page_after(manager.email, REMOTE_ADDR="192.0.2.2")
    assert throttled == unknown
    assert len(mail.outbox) == 3


# --- Profile e-mail -------------------------------------------------------------


def test_changing_the_email_needs_the_current_password(client_for, manager, password):
    client = client_for(manager)
    form = {
        "first_name": "Maria",
        "last_name": "Lopez",
        "email": "attacker@example.com",
        "job_title": "",
        "timezone": "Europe/Berlin",
        "notification_delivery": "immediate",
    }
    missing = client.post("/accounts/profile/", form)
    assert missing.status_code == 200
    assert "Enter your current password to change your e-mail address" in missing.content.decode()
    wrong = client.post("/accounts/profile/", {**form, "current_password": "guess"})
    assert "Your current password was entered incorrectly" in wrong.content.decode()
    manager.refresh_from_db()
    assert manager.email == "manager@example.com"

    right = client.post("/accounts/profile/", {**form, "current_password": password})
    assert right.status_code == 302
    manager.refresh_from_db()
    assert manager.email == "attacker@example.com"


def test_other_profile_fields_change_without_the_password(client_for, manager):
    client = client_for(manager)
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Maria",
            "last_name": "Lopez",
            "email": manager.email,
            "job_title": "Head of vendors",
            "timezone": "Asia/Manila",
            "notification_delivery": "digest",
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.timezone, manager.job_title) == ("Asia/Manila", "Head of vendors")


def test_password_guesses_on_the_profile_count_as_failed_logins(
    client_for, manager, password, settings
):
    settings.LOGIN_FAILURES_PER_USERNAME = "3/h"
    client = client_for(manager)
    form = {
        "first_name": "M",
        "last_name": "L",
        "email": "new@example.com",
        "timezone": "Europe/Berlin",
        "notification_delivery": "immediate",
    }
    for guess in ("a", "b", "c"):
        client.post("/accounts/profile/", {**form, "current_password": guess})
    blocked = client.post("/accounts/profile/", {**form, "current_password": password})
    assert "Too many wrong passwords" in blocked.content.decode()
    manager.refresh_from_db()
    assert manager.email == "manager@example.com"
