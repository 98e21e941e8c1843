"""Log in, log out, password change and reset through the real pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_strict_csp(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    # Every script is a file of our own (no inline script, so no nonce is even needed).
    assert "script-src 'self'" in csp
    assert "<script>" not in response.content.decode()
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


def test_anonymous_is_sent_to_login(client):
    response = client.get("/vendors/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/vendors/")


def test_login_with_good_password_lands_on_home(client, manager, password):
    response = client.post(
        "/accounts/login/", {"username": "manager", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"] == manager


def test_login_with_bad_password_shows_an_error(client, manager):
    response = client.post("/accounts/login/", {"username": "manager", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client_for, manager):
    client = client_for(manager)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_requires_the_old_password(client_for, manager, password):
    client = client_for(manager)
    bad = client.post(
        "/accounts/password_change/",
        {
            "old_password": "wrong",
            "new_password1": "N3w-secret-pass",
            "new_password2": "N3w-secret-pass",
        },
    )
    assert bad.status_code == 200
    assert "Your old password was entered incorrectly" in bad.content.decode()
    good = client.post(
        "/accounts/password_change/",
        {
            "old_password": password,
            "new_password1": "N3w-secret-pass",
            "new_password2": "N3w-secret-pass",
        },
    )
    assert good.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("N3w-secret-pass")


def test_password_reset_sends_a_working_link(client, manager):
    response = client.post("/accounts/password_reset/", {"email": manager.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Fresh-pass-4242", "new_password2": "Fresh-pass-4242"},
    )
    assert done.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("Fresh-pass-4242")


def test_password_reset_for_unknown_address_sends_nothing_and_does_not_tell(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_repeated_failed_logins_lock_the_account_out(client, manager, password, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "manager", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "manager", "password": password})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
