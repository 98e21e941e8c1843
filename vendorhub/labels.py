"""Human labels for what the database stores as codes, and dates people can read.

Pages never show a raw code ("dispute.resolution_overdue", "service_level", "asa") or a
date that leaves the year to guess. Templates use the filters in
``vendorhub/templatetags/labels.py``; Python code (CSV headers, PDFs, e-mails) calls
these functions directly.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.dateformat import format as date_format

#: Notification and reminder kinds with a better label than the code would give.
#: Apps that add a kind may add it here; an unknown kind still reads well (``code_label``).
NOTIFICATION_KINDS = {
    "dispute.response_overdue": "Dispute response overdue",
    "dispute.resolution_overdue": "Dispute resolution overdue",
    "dispute.escalated": "Dispute escalated",
    "dispute_raised": "Dispute raised",
    "dispute_assigned": "Dispute assigned to you",
    "dispute_transition": "Dispute status changed",
    "dispute_clock": "Dispute clock paused or resumed",
    "dispute_comment": "New comment on a dispute",
    "dispute_internal_note": "Internal note on a dispute",
    "dispute_vendor_responded": "Vendor responded to a dispute",
    "meeting.upcoming": "Meeting tomorrow",
    "meeting.missed": "Meeting missed",
    "action_item.overdue": "Action item overdue",
    "contract.notice_deadline": "Contract notice deadline",
    "contracts.scope_change_proposed": "Scope change proposed",
    "contracts.scope_change_decided": "Scope change decided",
    "digest": "Daily digest",
}

#: Reminder stages that are not words ("90" days before a notice deadline).
STAGE_LABELS = {
    "response": "response clock",
    "resolution": "resolution clock",
}

_WORD_BREAK = re.compile(r"[._\-]+")


def code_label(code: str | None) -> str:
    """``"resolution_overdue"`` → ``"Resolution overdue"``; ``"contracts.scope_change"`` →
    ``"Contracts: scope change"``. The fallback for codes nobody gave a label."""
    if not code:
        return ""
    parts = [p for p in str(code).split(".") if p]
    words = [_WORD_BREAK.sub(" ", p).strip() for p in parts]
    text = ": ".join(words)
    return text[:1].upper() + text[1:]


def notification_kind_label(kind: str | None) -> str:
    return NOTIFICATION_KINDS.get(kind or "", "") or code_label(kind)


def stage_label(stage: str | None) -> str:
    if not stage:
        return ""
    if str(stage).isdigit():
        return f"{stage} days before"
    return STAGE_LABELS.get(stage, code_label(stage).lower())


def kpi_label(code: str | None) -> str:
    """The KPI's name for its code (the library's names first, then the table)."""
    if not code:
        return ""
    from scorecards.library import LIBRARY

    for row in LIBRARY:
        if row[0] == code:
            return row[1]
    kpi_model = apps.get_model("scorecards", "KPI")
    name = kpi_model.objects.filter(code=code).values_list("name", flat=True).first()
    return name or code_label(code)


def choice_label(value: Any, field_path: str) -> str:
    """The display label of ``value`` for the field ``"app.Model.field"`` (its choices)."""
    app_label, model_name, field_name = field_path.split(".")
    field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    return str(dict(field.flatchoices).get(value, code_label(value)))


def _as_local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def human_date(value: dt.date | dt.datetime | None, *, today: dt.date | None = None) -> str:
    """``16 Dec`` in the current year, ``16 Dec 2025`` in any other (the viewer's zone)."""
    if value in (None, ""):
        return ""
    day = _as_local_date(value)
    today = today or timezone.localdate()
    return date_format(day, "j M" if day.year == today.year else "j M Y")


def human_datetime(value: dt.datetime | None, *, today: dt.date | None = None) -> str:
    """``16 Dec, 14:30`` in the current year, ``16 Dec 2025, 14:30`` otherwise."""
    if value in (None, ""):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{human_date(local, today=today)}, {date_format(local, 'H:i')}"
