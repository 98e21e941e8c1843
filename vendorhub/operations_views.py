"""The reminders operations page: what was sent, what waits, what failed (managers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .access import manager_required
from .models import EmailOutbox, OutboxStatus, Reminder, SweepRun
from .views import beat_status


@login_required
@manager_required
@require_GET
def reminders_overview(request: HttpRequest) -> HttpResponse:
    counts = dict(EmailOutbox.objects.values_list("status").annotate(n=Count("id")).order_by())
    context = {
        "outbox_counts": [
            {"code": code, "label": label, "count": counts.get(code, 0)}
            for code, label in OutboxStatus.choices
        ],
        "reminders": Reminder.objects.select_related("vendor")[:50],
        "problems": EmailOutbox.objects.filter(
            status__in=[OutboxStatus.FAILED, OutboxStatus.PENDING], attempts__gt=0
        ).select_related("recipient")[:50],
        "runs": SweepRun.objects.all()[:10],
        "beat": beat_status(timezone.now()),
    }
    return render(request, "vendorhub/reminders_overview.html", context)
