"""The reminders operations page: what was sent, what waits, what failed (managers).

Managers see the objects the sweeps keep failing on, runs that failed or died, and
e-mails that failed for good or whose delivery is uncertain — and may send such an
e-mail again (or mark an uncertain one sent after checking the relay's log). Those
decisions are POSTs with CSRF, managers only, recorded in the e-mail's history.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import health
from .access import manager_required
from .models import EmailOutbox, OutboxStatus, Reminder, SweepFailure, SweepRun
from .outbox import outbox_mark_sent, outbox_send_again
from .reminders import RUN_LIFETIME


@login_required
@manager_required
@require_GET
def reminders_overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    counts = dict(EmailOutbox.objects.values_list("status").annotate(n=Count("id")).order_by())
    runs = list(SweepRun.objects.all()[:10])
    for run in runs:
        run.state_now = run.state(now, lifetime=RUN_LIFETIME)
    context = {
        "outbox_counts": [
            {"code": code, "label": label, "count": counts.get(code, 0)}
            for code, label in OutboxStatus.choices
        ],
        "reminders": Reminder.objects.select_related("vendor")[:50],
        "attention": EmailOutbox.objects.need_attention()
        .select_related("recipient")
        .order_by("-created_at")[:50],
        "retrying": EmailOutbox.objects.filter(status=OutboxStatus.PENDING, attempts__gt=0)
        .select_related("recipient")
        .order_by("send_after")[:20],
        "failures": SweepFailure.objects.filter(cleared_at__isnull=True)[:50],
        "runs": runs,
        "beat": health.beat_status(now),
    }
    return render(request, "vendorhub/reminders_overview.html", context)


@login_required
@manager_required
@require_POST
def outbox_email_action(request: HttpRequest, pk: int) -> HttpResponse:
    """``action=send_again`` (failed or uncertain) or ``action=mark_sent`` (uncertain)."""
    row = get_object_or_404(EmailOutbox, pk=pk)
    action = request.POST.get("action", "")
    handlers = {"send_again": outbox_send_again, "mark_sent": outbox_mark_sent}
    if action not in handlers:
        messages.error(request, "Unknown action.")
        return redirect("reminders_overview")
    try:
        handlers[action](row=row, by=request.user, now=timezone.now())
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        done = "queued to be sent again" if action == "send_again" else "marked as sent"
        messages.success(request, f"The e-mail “{row.subject}” to {row.to_email} was {done}.")
    return redirect("reminders_overview")
