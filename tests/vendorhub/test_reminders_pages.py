"""The reminders operations page and the beat status on /healthz."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from vendorhub.models import EmailOutbox, OutboxStatus, SweepRun
from vendorhub.reminders import remind

pytestmark = pytest.mark.django_db


def test_manager_sees_reminders_and_failed_email(client_for, manager, vendor_a):
    remind(
        kind="contract.notice",
        obj=vendor_a,
        stage="30d",
        due_at=timezone.now(),
        recipients=[manager],
        message="Notice deadline for MSA-7 in 30 days",
        vendor=vendor_a,
    )
    EmailOutbox.objects.update(
        status=OutboxStatus.FAILED, attempts=5, last_error="SMTP 550 mailbox full"
    )
    body = client_for(manager).get("/operations/reminders/").content.decode()
    assert "Notice deadline for MSA-7 in 30 days" in body
    assert "SMTP 550 mailbox full" in body


@pytest.mark.parametrize("who", ["executive", "partner_a"])
def test_other_roles_get_403(request, client_for, who):
    assert client_for(request.getfixturevalue(who)).get("/operations/reminders/").status_code == 403


def test_page_query_count_is_bounded(client_for, manager, vendor_a, django_assert_max_num_queries):
    client = client_for(manager)
    for n in range(20):
        remind(
            kind="k",
            obj=vendor_a,
            stage=str(n),
            due_at=None,
            recipients=[manager],
            message=f"m{n}",
            vendor=vendor_a,
        )
    with django_assert_max_num_queries(12):
        assert client.get("/operations/reminders/").status_code == 200


def test_healthz_reports_when_beat_last_ran(client):
    assert client.get("/healthz").json()["checks"]["beat"]["status"] == "never"
    now = timezone.now()
    two_hours_ago = now - timedelta(hours=2)
    SweepRun.objects.create(
        started_at=two_hours_ago, finished_at=two_hours_ago, now=two_hours_ago, trigger="beat"
    )
    data = client.get("/healthz").json()
    assert (data["checks"]["beat"]["status"], data["status"]) == ("stale", "degraded")
    SweepRun.objects.create(started_at=now, finished_at=now, now=now, trigger="beat")
    data = client.get("/healthz").json()
    assert data["checks"]["beat"]["status"] == "ok" and data["checks"]["beat"]["last_run"]
    assert data["status"] == "ok"
