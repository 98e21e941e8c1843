"""PDF downloads: a vendor's scorecard and its quarterly business review pack.

Same scope as the pages (``visible_to``: another vendor's partner gets a 404). The pack
is for the relationship, so a vendor's own partners may download it too; what it shows
is read through their own scope (no internal notes, no rankings).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.http import require_GET

from vendorhub.access import get_for_user
from vendorhub.models import Vendor

from .models import PeriodKind, period_label, quarter_start
from .reports import qbr_report, render_pdf, scorecard_report
from .views_common import resolve_period


def last_closed_quarter(today: date) -> date:
    """The start of the last quarter that has ended before ``today``."""
    return quarter_start(quarter_start(today) - timedelta(days=1))


def _pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def scorecard_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    vendor = get_for_user(Vendor.objects.all(), request.user, slug=slug)
    try:
        kind, start = resolve_period(request.GET.get("period"))
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    context = scorecard_report(vendor=vendor, kind=kind, start=start)
    body = render_pdf("scorecards/pdf/scorecard.html", context, request)
    return _pdf_response(body, f"scorecard-{vendor.slug}-{context['period']}.pdf")


@login_required
@require_GET
def qbr_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """``?quarter=2026-Q3`` (a month is taken as its quarter); default: the last closed
    quarter."""
    vendor = get_for_user(Vendor.objects.all(), request.user, slug=slug)
    raw = request.GET.get("quarter") or request.GET.get("period")
    if raw:
        try:
            _kind, start = resolve_period(raw)
        except ValueError as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
        start = quarter_start(start)
    else:
        start = last_closed_quarter(timezone.localdate())
    context = qbr_report(vendor=vendor, start=start, user=request.user)
    body = render_pdf("scorecards/pdf/qbr.html", context, request)
    label = period_label(PeriodKind.QUARTER, start)
    return _pdf_response(body, f"qbr-{vendor.slug}-{label}.pdf")
