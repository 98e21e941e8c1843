"""Dispute list pages: the filtered list (+ CSV), logging a dispute and its live
"similar disputes" hint. The detail page and its actions are in ``detail_views``.

One view renders each page and, for htmx requests, only the fragment that changed
(``disputes/list.html#results``). Every lookup is scoped with ``visible_to``; every
write is one service call.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from vendorhub.csv_export import csv_filename, csv_response
from vendorhub.formtools import add_errors
from vendorhub.models import Vendor

from . import services
from .forms import (
    DisputeFilterForm,
    DisputeForm,
)
from .models import UNRESOLVED, Dispute

PAGE_SIZE = 25
SEVERITY_RANK = Case(
    When(severity="critical", then=Value(4)),
    When(severity="high", then=Value(3)),
    When(severity="medium", then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


def filtered_disputes(request: HttpRequest) -> tuple[DisputeFilterForm, QuerySet[Dispute]]:
    """The list's queryset from the query string; shared by the page and the CSV export."""
    user = request.user
    form = DisputeFilterForm(request.GET, user=user)
    disputes = (
        Dispute.objects.visible_to(user)
        .select_related("vendor", "owner", "vendor_assignee")
        .annotate(severity_rank=SEVERITY_RANK)
    )
    sort = "-created_at"
    if form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        if data["q"]:
            q = data["q"].strip()
            disputes = disputes.filter(
                Q(reference__iexact=q) | Q(title__icontains=q) | Q(description__icontains=q)
            )
        if data.get("vendor"):
            disputes = disputes.filter(vendor=data["vendor"])
        if data["type"]:
            disputes = disputes.filter(type=data["type"])
        if data["severity"]:
            disputes = disputes.filter(severity=data["severity"])
        if data["status"] == "unresolved":
            disputes = disputes.filter(status__in=UNRESOLVED)
        elif data["status"]:
            disputes = disputes.filter(status=data["status"])
        if data.get("owner"):
            disputes = disputes.filter(owner=data["owner"])
        if data["overdue"]:
            disputes = disputes.filter(pk__in=Dispute.objects.overdue(now).values("pk"))
        if data["recurring"]:
            disputes = disputes.filter(is_recurring=True)
        sort = data["sort"] or sort
    return form, disputes.order_by(sort, "-id")


@login_required
@require_GET
def dispute_list(request: HttpRequest) -> HttpResponse:
    form, disputes = filtered_disputes(request)
    page = Paginator(disputes, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "dispute": d,
            "response": d.response_clock(now),
            "resolution": d.resolution_clock(now),
            "age_days": d.age(now).days,
        }
        for d in page.object_list
    ]
    template = "disputes/list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "page": page, "rows": rows, "query": request.GET.urlencode()},
    )


CSV_COLUMNS = [
    "reference",
    "vendor",
    "type",
    "severity",
    "status",
    "title",
    "raised_by_side",
    "owner",
    "created_at",
    "response_due_at",
    "response_clock",
    "resolution_due_at",
    "resolution_clock",
    "escalation_level",
    "is_recurring",
    "disputed_amount",
    "currency",
    "outcome",
]


@login_required
@require_GET
def dispute_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV of the filtered list. Dispute fields only: no timeline, so nothing internal."""
    _form, disputes = filtered_disputes(request)
    now = timezone.now()

    def rows():
        for d in disputes.iterator(chunk_size=500):
            yield [
                d.reference,
                d.vendor.slug,
                d.type,
                d.severity,
                d.status,
                d.title,  # partners write titles: csv_response neutralises formulas
                d.raised_by_side,
                d.owner.username if d.owner_id else "",
                d.created_at,
                d.response_due_at,
                d.response_clock(now).state,
                d.resolution_due_at,
                d.resolution_clock(now).state,
                d.escalation_level,
                d.is_recurring,
                d.disputed_amount,
                d.currency,
                d.outcome,
            ]

    return csv_response(
        filename=csv_filename("disputes", timezone.localdate(now)), header=CSV_COLUMNS, rows=rows()
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispute_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_manager or user.is_partner):
        raise PermissionDenied("Your role may read disputes but not raise them.")
    form = DisputeForm(request.POST or None, user=user, initial=_initial_from_query(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            dispute = services.dispute_create(
                by=user,
                vendor=data.pop("vendor"),
                type=data.pop("type"),
                severity=data.pop("severity"),
                title=data.pop("title"),
                description=data.pop("description"),
                **data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            similar = Dispute.objects.visible_to(user).similar_to(dispute).count()
            msg = f"{dispute.reference} logged."
            if similar:
                msg += f" {similar} similar dispute(s) in the last 180 days — see below."
            messages.success(request, msg)
            return redirect(dispute)
    return render(request, "disputes/form.html", {"form": form})


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    initial = {}
    slug = request.GET.get("vendor") if request.method == "GET" else None
    # Only a vendor the user may see is pre-selected; nothing else is echoed back.
    if slug and Vendor.objects.visible_to(request.user).filter(slug=slug).exists():
        initial["vendor"] = slug
    return initial


@login_required
@require_GET
def dispute_similar(request: HttpRequest) -> HttpResponse:
    """The create form's live hint: disputes like the one being typed, before saving."""
    user = request.user
    probe = Dispute(created_at=timezone.now(), type=request.GET.get("type", ""))
    vendors = DisputeForm(user=user).fields["vendor"].queryset
    vendor = vendors.filter(slug=request.GET.get("vendor", "")).first()
    similar: list[Dispute] = []
    if vendor is not None and probe.type:
        probe.vendor = vendor
        similar = list(
            Dispute.objects.visible_to(user).similar_to(probe).select_related("vendor")[:5]
        )
    return render(request, "disputes/form.html#similar", {"similar": similar, "probe": probe})
