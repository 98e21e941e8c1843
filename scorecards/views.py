"""Scorecard pages: executive dashboard, vendor scorecard, publishing and appeals.

Measurement and target pages are in ``data_views.py``. Every vendor lookup goes through
``visible_to`` (404 outside scope); the dashboard and rankings are client-side only.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from actionplans.models import plan_counts_by_vendor
from vendorhub.access import (
    can_manage,
    client_side_required,
    get_for_manager,
    get_for_user,
    is_client_side,
    speaks_for_vendor,
)
from vendorhub.csv_export import csv_filename, csv_response
from vendorhub.formtools import add_errors
from vendorhub.models import Vendor

from .charts import line_points, trend_chart
from .credits import currency_totals
from .forms import AppealForm, RestateForm
from .models import PeriodKind, PublishedScorecard, period_bounds, period_label, previous_periods
from .relationship import open_disputes_by_type_and_age, relationship_factors
from .scoring import bands, compute_scorecards, missing_policy, scorecard_for
from .services import (
    scorecard_acknowledge,
    scorecard_appeal,
    scorecard_publish,
    scorecard_restate,
)
from .views_common import default_period, resolve_period

NOTICE_WINDOW_DAYS = 120


def _period_or_default(request: HttpRequest) -> tuple[str, object, str | None]:
    try:
        kind, start = resolve_period(request.GET.get("period"))
        return kind, start, None
    except ValueError as exc:
        kind, start = default_period()
        return kind, start, str(exc)


def _period_choices(kind: str) -> list[tuple[str, str]]:
    _kind, last = default_period()
    months = previous_periods(PeriodKind.MONTH, last, 18)
    quarters = sorted({(d.year, (d.month - 1) // 3 + 1) for d in months})
    choices = [
        (period_label(PeriodKind.MONTH, d), period_label(PeriodKind.MONTH, d)) for d in months
    ]
    choices += [(f"{y}-Q{q}", f"{y}-Q{q}") for y, q in quarters]
    return list(reversed(choices))


def _dashboard_rows(user, kind: str, start):
    """Everything the dashboard shows, for all visible vendors, in bounded queries."""
    vendors = list(
        Vendor.objects.visible_to(user)
        .active()
        .order_by("name")
        .only("id", "name", "slug", "status")
    )
    ids = [v.pk for v in vendors]
    starts = previous_periods(kind, start, 12)
    cards = compute_scorecards(ids, kind, starts)
    factors = relationship_factors(ids, *period_bounds(kind, start))
    disputes = open_disputes_by_type_and_age(ids)
    plans = plan_counts_by_vendor(ids)
    kpis: dict[str, object] = {}
    rows = []
    for vendor in vendors:
        card = cards[(vendor.pk, start)]
        previous = cards[(vendor.pk, starts[-2])] if len(starts) > 1 else None
        trend = [(period_label(kind, s), cards[(vendor.pk, s)].overall_score) for s in starts]
        for line in card.lines:
            kpis.setdefault(line.kpi.code, line.kpi)
        rows.append(
            {
                "vendor": vendor,
                "card": card,
                "previous": previous,
                "delta": score_delta(card, previous),
                "spark": line_points(trend),
                "trend": trend,
                "factors": factors[vendor.pk],
                "disputes": disputes[vendor.pk],
                "plans": plans[vendor.pk],
            }
        )
    rows.sort(
        key=lambda r: (
            r["card"].overall_score is None,
            -(r["card"].overall_score or 0),
            r["vendor"].name,
        )
    )
    kpi_list = sorted(kpis.values(), key=lambda k: (k.sort_order, k.name))
    for row in rows:
        row["heat"] = [row["card"].line_for(k.code) for k in kpi_list]
        previous = row["previous"]
        row["heat_cells"] = [
            {
                "kpi": k,
                "actual": line.actual if line else None,
                "css": heat_class(line),
                "delta": line_delta(line, previous.line_for(k.code) if previous else None),
            }
            for line, k in zip(row["heat"], kpi_list, strict=True)
        ]
    return rows, kpi_list


def heat_class(line) -> str:
    """The heat-map colour: the line's RAG; grey ("none") without data, "plain" for data
    without a target."""
    if line is None:
        return "none"
    if line.rag == "none" and line.actual is not None:
        return "plain"
    return line.rag


def score_delta(card, previous) -> float | None:
    """Change of the overall score against the previous period (None without both)."""
    if previous is None or card.overall_score is None or previous.overall_score is None:
        return None
    return round(card.overall_score - previous.overall_score, 1)


def line_delta(line, previous) -> float | None:
    """Change of a KPI's actual against the previous period, in the KPI's unit."""
    if line is None or previous is None or line.actual is None or previous.actual is None:
        return None
    return round(line.actual - previous.actual, 1)


@login_required
@client_side_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """All vendors side by side (client side only: partners never see rankings)."""
    from contracts.models import Contract
    from disputes.models import DisputeType

    kind, start, error = _period_or_default(request)
    rows, kpis = _dashboard_rows(request.user, kind, start)
    today = timezone.localdate()
    notices = list(
        Contract.objects.visible_to(request.user)
        .due_for_notice(today - timedelta(days=30), today + timedelta(days=NOTICE_WINDOW_DAYS))
        .select_related("vendor")
        .order_by("notice_deadline")[:20]
    )
    scored = [r["card"].overall_score for r in rows if r["card"].overall_score is not None]
    scored_before = [
        r["previous"].overall_score
        for r in rows
        if r["previous"] is not None and r["previous"].overall_score is not None
    ]
    dispute_types = ["underperformance", "breach", "pricing", "miscommunication"]
    context = {
        "rows": rows,
        "kpis": kpis,
        "period": period_label(kind, start),
        "kind": kind,
        "period_error": error,
        "period_choices": _period_choices(kind),
        "notices": notices,
        "today": today,
        "average": sum(scored) / len(scored) if scored else None,
        "average_delta": round(
            sum(scored) / len(scored) - sum(scored_before) / len(scored_before), 1
        )
        if scored and scored_before
        else None,
        "previous_period": period_label(kind, previous_periods(kind, start, 2)[0]),
        "probation_count": sum(1 for r in rows if r["card"].probation),
        "open_disputes": sum(r["disputes"]["total"] for r in rows),
        "plans": {
            name: sum(r["plans"][name] for r in rows) for name in ("open", "overdue", "failed")
        },
        # One total per currency (no exchange rate is invented).
        "credit_totals": currency_totals([t for r in rows for t in r["card"].credit_totals]),
        "open_claims": _open_claims(request.user),
        "dispute_types": dispute_types,
        "dispute_max": max([r["disputes"]["total"] for r in rows] + [1]),
    }
    labels = dict(DisputeType.choices)
    for row in rows:
        total = row["disputes"]["total"]
        row["dispute_bars"] = []
        offset = 0
        for t in dispute_types:
            n = row["disputes"]["by_type"].get(t, 0)
            width = round(n / context["dispute_max"] * 100, 1)
            row["dispute_bars"].append(
                {"type": t, "label": labels[t], "n": n, "x": offset, "w": width}
            )
            offset += width
        row["dispute_total"] = total
    return render(request, "scorecards/dashboard.html", context)


def _open_claims(user) -> list[dict]:
    """Claimed or agreed credits not yet settled, one total per currency and status."""
    from django.db.models import Count, Sum

    from .models import OPEN_STATUSES, ServiceCredit

    return list(
        ServiceCredit.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values("currency", "status")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("currency", "status")
    )


@login_required
@client_side_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The dashboard as CSV: one row per vendor, with each KPI's actual and RAG, and
    credits at risk and earned in one pair of columns per currency (never added)."""
    kind, start, error = _period_or_default(request)
    if error:
        # A file named after another period than the one asked for would mislead.
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    rows, kpis = _dashboard_rows(request.user, kind, start)
    period = period_label(kind, start)
    header = ["vendor", "period", "overall_score", "standing", "probation"]
    for kpi in kpis:
        header += [f"{kpi.code}_actual", f"{kpi.code}_rag"]
    currencies = sorted({t.currency for r in rows for t in r["card"].credit_totals})
    for currency in currencies:
        header += [f"credit_at_risk_{currency}", f"credit_earned_{currency}"]
    header += [
        "open_disputes",
        "attendance_client_pct",
        "attendance_vendor_pct",
    ]

    def lines():
        # Figures stay numbers (a negative NPS is written as -12.0, not '-12.0); text
        # cells are neutralised by csv_response.
        for row in rows:
            card = row["card"]
            line = [
                row["vendor"].slug,
                period,
                None if card.overall_score is None else round(card.overall_score, 1),
                card.standing,
                card.probation,
            ]
            for item in row["heat"]:
                line += [
                    None if item is None or item.actual is None else round(item.actual, 2),
                    item.rag if item else "",
                ]
            totals = {t.currency: t for t in card.credit_totals}
            for currency in currencies:
                total = totals.get(currency)
                line += [total.at_risk, total.earned] if total else [None, None]
            line += [
                row["disputes"]["total"],
                row["factors"]["attendance_client"],
                row["factors"]["attendance_vendor"],
            ]
            yield line

    return csv_response(filename=csv_filename("scorecards", period), header=header, rows=lines())


@login_required
@require_GET
def scorecard_index(request: HttpRequest) -> HttpResponse:
    """Partners go straight to their own scorecard; the client side to the dashboard."""
    if request.user.is_partner:
        return redirect("scorecards:vendor", slug=request.user.vendor.slug)
    return redirect("scorecards:dashboard")


@login_required
@require_GET
def vendor_scorecard(request: HttpRequest, slug: str) -> HttpResponse:
    """One vendor's scorecard for a month or quarter, with trend, credits and factors."""
    vendor = get_for_user(Vendor.objects.all(), request.user, slug=slug)
    kind, start, error = _period_or_default(request)
    card = scorecard_for(vendor.pk, kind, start)
    chart = trend_chart(card.trend, band_bounds=[b for b, _ in bands()])
    published = list(
        PublishedScorecard.objects.visible_to(request.user)
        .current()
        .filter(vendor=vendor)
        .order_by("-period_start")[:12]
    )
    published_now = next(
        (p for p in published if p.period_kind == kind and p.period_start == start), None
    )
    closed = period_bounds(kind, start)[1] < timezone.localdate()
    context = {
        "vendor": vendor,
        "card": card,
        "chart": chart,
        "period": card.period,
        "period_error": error,
        "period_choices": _period_choices(kind),
        "published": published,
        "published_now": published_now,
        "can_publish": can_manage(request.user)
        and closed
        and published_now is None
        and card.overall_score is not None,
        "can_manage": can_manage(request.user),
        "is_client_side": is_client_side(request.user),
        "missing_policy": missing_policy(),
    }
    return render(request, "scorecards/vendor_scorecard.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    vendor = get_for_manager(Vendor.objects.all(), request.user, slug=slug)
    try:
        kind, start = resolve_period(request.POST.get("period"))
        published = scorecard_publish(
            vendor=vendor, period_kind=kind, period_start=start, by=request.user
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("scorecards:vendor", slug=vendor.slug)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{vendor_url(vendor)}?period={request.POST.get('period', '')}")
    messages.success(
        request, f"Published the {published.period} scorecard of {vendor}; the vendor was told."
    )
    return redirect(published.get_absolute_url())


def vendor_url(vendor: Vendor) -> str:
    from django.urls import reverse

    return reverse("scorecards:vendor", kwargs={"slug": vendor.slug})


@login_required
@require_GET
def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen snapshot, as published; the vendor acknowledges or appeals here."""
    scorecard = get_for_user(
        PublishedScorecard.objects.select_related("vendor", "published_by", "acknowledged_by"),
        request.user,
        pk=pk,
    )
    return _render_published(
        request, scorecard, AppealForm(lines=scorecard.snapshot.get("kpis", []))
    )


def _render_published(
    request, scorecard, appeal_form, status: int = 200, restate_form=None
) -> HttpResponse:
    appeals = list(scorecard.appeals.select_related("kpi", "dispute", "raised_by"))
    appealed = {a.kpi.code for a in appeals}
    is_vendor = speaks_for_vendor(request.user, scorecard.vendor_id)
    is_current = scorecard.superseded_at is None
    lines = scorecard.snapshot.get("kpis", [])
    appeal_form.fields["kpi"].choices = [
        (x["kpi"], x["name"]) for x in lines if x["kpi"] not in appealed
    ]
    context = {
        "scorecard": scorecard,
        "vendor": scorecard.vendor,
        "snap": scorecard.snapshot,
        "lines": lines,
        "appeals": appeals,
        "appeal_form": appeal_form,
        "can_respond": is_vendor and scorecard.status != "acknowledged" and is_current,
        "can_acknowledge": is_vendor and scorecard.status == "published" and is_current,
        # Restatements: every version of this period, and the form for a manager.
        "versions": list(
            PublishedScorecard.objects.filter(
                vendor_id=scorecard.vendor_id,
                period_kind=scorecard.period_kind,
                period_start=scorecard.period_start,
            )
            .order_by("version")
            .only("id", "version", "published_at", "superseded_at", "restatement_reason")
        ),
        "restate_form": (restate_form or RestateForm()) if can_manage(request.user) else None,
    }
    return render(request, "scorecards/published_detail.html", context, status=status)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = get_for_user(PublishedScorecard.objects.all(), request.user, pk=pk)
    try:
        scorecard_acknowledge(scorecard=scorecard, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Scorecard acknowledged. Thank you.")
    return redirect(scorecard.get_absolute_url())


@login_required
@require_POST
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = get_for_user(
        PublishedScorecard.objects.select_related("vendor"), request.user, pk=pk
    )
    form = AppealForm(request.POST, lines=scorecard.snapshot.get("kpis", []))
    if not speaks_for_vendor(request.user, scorecard.vendor_id):
        raise PermissionDenied("Only the vendor appeals its scorecard.")
    if form.is_valid():
        try:
            created = scorecard_appeal(
                scorecard=scorecard,
                kpi_code=form.cleaned_data["kpi"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Appeal recorded as dispute {created.dispute.reference}.")
            return redirect(scorecard.get_absolute_url())
    return _render_published(request, scorecard, form, status=400)


@login_required
@require_POST
def restate(request: HttpRequest, pk: int) -> HttpResponse:
    """Restate a published scorecard: a new version with the reason (managers)."""
    scorecard = get_for_manager(
        PublishedScorecard.objects.select_related("vendor"), request.user, pk=pk
    )
    form = RestateForm(request.POST)
    if form.is_valid():
        try:
            restated = scorecard_restate(
                scorecard=scorecard, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"Restated as version {restated.version}; the vendor was told."
            )
            return redirect(restated.get_absolute_url())
    appeal_form = AppealForm(lines=scorecard.snapshot.get("kpis", []))
    return _render_published(request, scorecard, appeal_form, status=400, restate_form=form)
