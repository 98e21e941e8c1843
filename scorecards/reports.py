"""Printable reports as real PDF files: a vendor's scorecard and its QBR pack.

Rendered from HTML templates by WeasyPrint (pure Python over Debian's Pango; no browser
and no JavaScript), with ``static/css/pdf.css`` for the A4 page. What a report shows is
assembled here from the same functions the pages use (``scorecard_for``,
``compute_scorecards``, ``visible_to``), so a PDF never shows more than its reader may
see on the screen: partners get no internal notes and no rankings.

The QBR pack has one section per topic. Sections that other apps own (corrective action
plans, the credit lifecycle) are *providers*: an app registers a function with
``register_qbr_section`` and the pack renders what it returns. Until an app registers, the
pack says the section is not available yet (an explicit extension point, not silence).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .charts import trend_chart
from .credits import currency_totals
from .models import PeriodKind, period_bounds, period_label, previous_periods
from .scoring import bands, compute_scorecards, scorecard_for

if TYPE_CHECKING:
    from django.http import HttpRequest

    from vendorhub.models import User, Vendor

PDF_CSS = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"


@dataclass
class QbrSection:
    """A section a provider adds to the QBR pack: a heading, an optional note and a table
    (``columns`` headers, ``rows`` of cell texts)."""

    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    empty: str = "Nothing in this quarter."


#: (key, title) → provider(vendor=, start=, end=, user=) -> QbrSection. Keys the pack
#: expects; a key without a provider is printed as "not available yet".
QbrProvider = Callable[..., QbrSection]
QBR_SECTION_KEYS = {
    "action_plans": "Corrective action plans",
    "credit_lifecycle": "Service credits: claims and settlements",
}
_qbr_providers: dict[str, QbrProvider] = {}


def register_qbr_section(key: str, provider: QbrProvider) -> None:
    """Called by an app's ``ready()`` (e.g. ``actionplans`` for "action_plans")."""
    if key not in QBR_SECTION_KEYS:
        raise ValueError(f"Unknown QBR section {key!r}; add it to QBR_SECTION_KEYS.")
    _qbr_providers[key] = provider


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None) -> bytes:
    """HTML → PDF. Static files are read from disk (no HTTP round trip to ourselves)."""
    from weasyprint import CSS, HTML

    html = render_to_string(template, context, request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(PDF_CSS))]
    )


def _aware(day: date, *, end: bool = False) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(moment, timezone.get_default_timezone())


# --- Vendor scorecard ---------------------------------------------------------------------
def scorecard_report(*, vendor: Vendor, kind: str, start: date) -> dict[str, Any]:
    card = scorecard_for(vendor.pk, kind, start)
    return {
        "vendor": vendor,
        "card": card,
        "period": card.period,
        "chart": trend_chart(card.trend, band_bounds=[b for b, _ in bands()], height=150),
        "generated_at": timezone.now(),
    }


# --- QBR pack -----------------------------------------------------------------------------
def qbr_report(*, vendor: Vendor, start: date, user: User) -> dict[str, Any]:
    """Everything the quarterly business review pack shows for ``vendor`` and the quarter
    starting ``start``: the quarter's scorecard and its months, a year of trend, disputes,
    plans, credits and the decisions taken (meetings, dispute outcomes, scope changes)."""
    first, last = period_bounds(PeriodKind.QUARTER, start)
    quarter = scorecard_for(vendor.pk, PeriodKind.QUARTER, start, trend_periods=4)
    month_starts = previous_periods(PeriodKind.MONTH, date(last.year, last.month, 1), 12)
    monthly = compute_scorecards([vendor.pk], PeriodKind.MONTH, month_starts)
    months = [monthly[(vendor.pk, s)] for s in month_starts]
    in_quarter = [m for m in months if first <= m.period_start <= last]
    trend = [(period_label(PeriodKind.MONTH, m.period_start), m.overall_score) for m in months]
    kpi_rows = [
        {
            "kpi": line.kpi,
            "quarter": line,
            "months": [m.line_for(line.kpi.code) for m in in_quarter],
        }
        for line in quarter.lines
    ]
    since, until = _aware(first), _aware(last, end=True)
    context = {
        "vendor": vendor,
        "quarter": quarter,
        "period": period_label(PeriodKind.QUARTER, start),
        "first": first,
        "last": last,
        "months": in_quarter,
        "kpi_rows": kpi_rows,
        "chart": trend_chart(trend, band_bounds=[b for b, _ in bands()], height=170),
        "credits": _credits(in_quarter),
        "generated_at": timezone.now(),
        **_disputes(vendor=vendor, user=user, since=since, until=until),
        **_decisions(vendor=vendor, user=user, since=since, until=until),
    }
    context["extra_sections"] = [
        _qbr_providers[key](vendor=vendor, start=first, end=last, user=user)
        if key in _qbr_providers
        else QbrSection(
            title=title,
            note="Not available yet: this section is filled in once its module is installed.",
            empty="",
        )
        for key, title in QBR_SECTION_KEYS.items()
    ]
    return context


def _credits(months: list) -> list[dict[str, Any]]:
    """Credits per month and contract, with quarter totals per currency (never added
    across currencies): the quarter is the sum of its months."""
    rows = [
        {
            "period": card.period,
            "contract": credit.reference,
            "currency": credit.currency,
            "at_risk": credit.at_risk,
            "before_cap": credit.before_cap,
            "earned": credit.earned,
        }
        for card in months
        for credit in card.credits
    ]
    totals = {
        t.currency: {"at_risk": t.at_risk, "before_cap": t.before_cap, "earned": t.earned}
        for t in currency_totals([c for card in months for c in card.credits])
    }
    return [{"rows": rows, "totals": totals}]


def _disputes(*, vendor: Vendor, user: User, since: datetime, until: datetime) -> dict[str, Any]:
    from disputes.models import Dispute, DisputeType

    disputes = Dispute.objects.visible_to(user).filter(vendor=vendor)
    opened = list(
        disputes.filter(created_at__gte=since, created_at__lt=until)
        .select_related("kpi", "clause")
        .order_by("created_at")
    )
    resolved = list(
        disputes.filter(resolved_at__gte=since, resolved_at__lt=until).order_by("resolved_at")
    )
    severity = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    still_open = sorted(
        disputes.filter(created_at__lt=until).open().order_by("created_at")[:50],
        key=lambda d: (severity.get(d.severity, 9), d.created_at),
    )[:15]
    by_type = {
        label: sum(1 for d in opened if d.type == code) for code, label in DisputeType.choices
    }
    return {
        "disputes_opened": opened,
        "disputes_resolved": resolved,
        "disputes_open": still_open,
        "disputes_by_type": by_type,
    }


def _decisions(*, vendor: Vendor, user: User, since: datetime, until: datetime) -> dict[str, Any]:
    """What was decided in the quarter: held meetings with their minutes and actions,
    dispute outcomes, scope changes accepted or rejected."""
    from contracts.models import ScopeChange
    from disputes.models import Dispute
    from meetings.models import ActionItem, Meeting, MeetingStatus

    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(vendor=vendor, start__gte=since, start__lt=until, status=MeetingStatus.HELD)
        .order_by("start")
    )
    actions = list(
        ActionItem.objects.visible_to(user)
        .filter(vendor=vendor, meeting__in=meetings)
        .select_related("owner", "meeting")
        .order_by("due_date")
    )
    outcomes = list(
        Dispute.objects.visible_to(user)
        .filter(vendor=vendor, resolved_at__gte=since, resolved_at__lt=until)
        .exclude(outcome="")
        .order_by("resolved_at")
    )
    scope_changes = list(
        ScopeChange.objects.visible_to(user)
        .filter(vendor=vendor, decided_at__gte=since, decided_at__lt=until)
        .select_related("contract")
        .order_by("decided_at")
    )
    return {
        "meetings_held": meetings,
        "actions_agreed": actions,
        "dispute_outcomes": outcomes,
        "scope_decisions": scope_changes,
    }
