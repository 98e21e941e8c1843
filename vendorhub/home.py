"""What each role's home page shows: the few things that need attention now.

Each list is a bounded query over ``visible_to(user)`` querysets, so a partner's home
only ever contains its own vendor's data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from .models import User


def attention(user: User, now: datetime) -> dict:
    """Open and overdue disputes, the next meetings, overdue actions, notice deadlines."""
    from contracts.models import Contract
    from disputes.models import Dispute
    from meetings.models import ActionItem, Meeting

    today = timezone.localdate(now)
    disputes = Dispute.objects.visible_to(user).open()
    overdue = disputes.overdue(now)
    actions = ActionItem.objects.visible_to(user).overdue(today)
    if user.is_partner:
        actions = actions.filter(side="vendor")
    notice = Contract.objects.visible_to(user).due_for_notice(today, today + timedelta(days=120))
    notice_contracts = list(notice.select_related("vendor").order_by("notice_deadline")[:6])
    for contract in notice_contracts:
        contract.flag = contract.notice_flag(today)
    return {
        "open_disputes": disputes.count(),
        "overdue_disputes_count": overdue.count(),
        "urgent_disputes": list(
            overdue.select_related("vendor").order_by("severity_order", "response_due_at")[:6]
        ),
        "awaiting_vendor": list(
            disputes.filter(status="awaiting_vendor")
            .select_related("vendor")
            .order_by("severity_order", "response_due_at")[:6]
        ),
        "next_meetings": list(
            Meeting.objects.visible_to(user)
            .upcoming(now)
            .filter(start__lt=now + timedelta(days=14))
            .select_related("vendor")[:6]
        ),
        "overdue_actions_count": actions.count(),
        "overdue_actions": list(actions.select_related("vendor", "owner").order_by("due_date")[:6]),
        "notice_contracts": notice_contracts,
        "notice_count": notice.count(),
        "today": today,
    }
