"""Operations: /healthz, production settings (check --deploy), and the management commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vendorhub.models import Role, User, Vendor

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with a clean, production-like environment."""
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into "production".
    dropped = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.update({"VENDORHUB_TESTING": "0", "DJANGO_SETTINGS_MODULE": "vendorhub.settings"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["checks"]["database"]["status"] == "ok"
    assert data["checks"]["broker"]["status"] == "ok"
    assert data["status"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', headers={'host': 'localhost'});"
        "print(r.status_code, r.json()['checks']['database']['status'])"
    )
    # A real, unreachable PostgreSQL server: nothing listens on port 1.
    result = run_python(
        code,
        DEBUG="1",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/nowhere",
        CELERY_FS_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == "503 error", result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-9f8e7d6c5b4a",
        ALLOWED_HOSTS="vendorhub.example.com",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_FS_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_python(
        "import django; django.setup()", DEBUG="0", SECRET_KEY="", CELERY_FS_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- add_user ---------------------------------------------------------------------
def test_add_user_creates_a_partner_bound_to_its_vendor(vendor_a):
    call_command(
        "add_user",
        "ops.lead",
        "--role",
        "partner",
        "--vendor",
        "acme-contact",
        "--password",
        "S3cure-pass-1",
        "--email",
        "ops@acme.example",
    )
    user = User.objects.get(username="ops.lead")
    assert (user.role, user.vendor, user.email) == (Role.PARTNER, vendor_a, "ops@acme.example")
    assert user.check_password("S3cure-pass-1")
    assert user.timezone == vendor_a.timezone


def test_add_user_updates_an_existing_user(manager):
    call_command("add_user", "manager", "--role", "executive")
    manager.refresh_from_db()
    assert manager.role == Role.EXECUTIVE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--role", "partner"], "A partner needs --vendor"),
        (
            ["x", "--role", "manager", "--vendor", "acme-contact"],
            "Only partners belong to a vendor",
        ),
        (["x", "--role", "partner", "--vendor", "nope"], "No vendor with slug"),
        (["x", "--role", "manager", "--email", "not-an-address"], "email"),
    ],
)
def test_add_user_refuses_bad_input_and_creates_nothing(vendor_a, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_user", *args)
    assert not User.objects.filter(username="x").exists()


# --- seed_demo ----------------------------------------------------------------------
def test_seed_demo_is_idempotent_and_prints_logins(capsys):
    call_command("seed_demo")
    first = (Vendor.objects.count(), User.objects.count())
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert (Vendor.objects.count(), User.objects.count()) == first
    assert first[0] >= 3
    assert {"manager", "executive", "partner"} <= set(User.objects.values_list("role", flat=True))
    assert "maria.manager" in out and "erin.exec" in out and "paolo.atlas" in out
    assert User.objects.get(username="paolo.atlas").check_password("vendorhub-demo")


# --- send_reminders -----------------------------------------------------------------
def test_send_reminders_runs_with_a_given_now(capsys):
    call_command("send_reminders", "--now", "2026-03-01T09:00:00+01:00")
    assert "Reminder sweeps ran at 2026-03-01T09:00:00+01:00" in capsys.readouterr().out


def test_send_reminders_refuses_a_bad_now():
    with pytest.raises(CommandError, match="not an ISO 8601"):
        call_command("send_reminders", "--now", "yesterday-ish")


def test_one_off_commands_run_without_a_secret_but_servers_and_checks_refuse(tmp_path):
    def manage(*args):
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        env.update(
            {
                "VENDORHUB_TESTING": "0",
                "CELERY_FS_DIR": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            }
        )
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert manage("makemigrations", "--check", "--dry-run").returncode == 0
    refused = manage("check", "--deploy")
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
