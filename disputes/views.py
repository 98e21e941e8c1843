"""Dispute pages: list (+ CSV), create, detail with its timeline and actions.

One view renders each page and, for htmx requests, only the fragment that changed
(``disputes/list.html#results``, ``disputes/detail.html#body``). Every lookup is
scoped with ``visible_to``; every write is one service call.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from vendorhub.access import can_manage, get_for_user, is_client_side
from vendorhub.models import Vendor

from . import services
from .forms import (
    ClockForm,
    CommentForm,
    DisputeEditForm,
    DisputeFilterForm,
    DisputeForm,
    RespondForm,
    TransitionForm,
)
from .models import UNRESOLVED, Dispute, DisputeEvent, DisputeType, Status
from .playbook import playbook_state

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


class _Echo:
    def write(self, value: str) -> str:
        return value


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
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for d in disputes.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    d.reference,
                    d.vendor.slug,
                    d.type,
                    d.severity,
                    d.status,
                    d.title,
                    d.raised_by_side,
                    d.owner.username if d.owner_id else "",
                    d.created_at.isoformat(),
                    d.response_due_at.isoformat(),
                    d.response_clock(now).state,
                    d.resolution_due_at.isoformat(),
                    d.resolution_clock(now).state,
                    d.escalation_level,
                    "yes" if d.is_recurring else "no",
                    d.disputed_amount if d.disputed_amount is not None else "",
                    d.currency,
                    d.outcome,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="disputes.csv"'
    return response


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
            _add_errors(form, exc)
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


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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


def _load(request: HttpRequest, reference: str) -> Dispute:
    return get_for_user(
        Dispute.objects.select_related(
            "vendor",
            "vendor__relationship_owner",
            "raised_by",
            "owner",
            "vendor_assignee",
            "contract",
            "clause",
            "kpi",
        ),
        request.user,
        reference=reference,
    )


def _detail_context(request: HttpRequest, dispute: Dispute, **forms: Any) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    events = list(
        DisputeEvent.objects.visible_to(user)
        .filter(dispute=dispute)
        .select_related("author")
        .order_by("created_at", "id")
    )
    similar = list(
        Dispute.objects.visible_to(user)
        .similar_to(dispute)
        .select_related("vendor")
        .order_by("-created_at")[:10]
    )
    targets = services.allowed_transitions(dispute, user)
    can_write = user.is_manager or (user.is_partner and user.vendor_id == dispute.vendor_id)
    context: dict[str, Any] = {
        "dispute": dispute,
        "events": events,
        "similar": similar,
        "response_clock": dispute.response_clock(now),
        "resolution_clock": dispute.resolution_clock(now),
        "transitions": [(t, services.TRANSITION_LABELS[t]) for t in targets],
        "can_write": can_write and dispute.status != Status.CLOSED,
        "can_respond": user.is_partner and dispute.is_open,
        "client_side": is_client_side(user),
        "is_manager": can_manage(user),
        "playbook": playbook_state(dispute) if is_client_side(user) else [],
        "comment_form": forms.get("comment_form") or CommentForm(user=user),
        "respond_form": forms.get("respond_form")
        or RespondForm(
            initial={
                "root_cause": dispute.root_cause,
                "action_plan": dispute.action_plan,
                "version": dispute.version,
            }
        ),
        "transition_error": forms.get("transition_error"),
        "clock_error": forms.get("clock_error"),
        "now": now,
    }
    context.update(_linked_context(dispute))
    return context


LINKED_CLAUSE_LIMIT = 12


def _linked_context(dispute: Dispute) -> dict[str, Any]:
    """For underperformance and breach: what the contract says (named clause, penalties,
    service levels, termination). One bounded query; the dispute is already in scope."""
    if dispute.type not in (DisputeType.UNDERPERFORMANCE, DisputeType.BREACH):
        return {"contract_clauses": []}
    from contracts.models import Clause

    wanted = Q(category__in=["penalty", "service_level", "kpi", "termination"])
    if dispute.clause_id:
        wanted |= Q(pk=dispute.clause_id)
    clauses = Clause.objects.filter(vendor_id=dispute.vendor_id).filter(wanted)
    if dispute.contract_id:
        clauses = clauses.filter(contract_id=dispute.contract_id)
    else:
        clauses = clauses.filter(contract__status="active")
    clauses = clauses.select_related("contract").order_by("contract_id", "sort_key")
    return {"contract_clauses": list(clauses[:LINKED_CLAUSE_LIMIT])}


def _render_detail(
    request: HttpRequest, dispute: Dispute, *, status: int = 200, **forms: Any
) -> HttpResponse:
    template = "disputes/detail.html"
    if request.htmx and request.method == "POST":
        template += "#body"
    return render(request, template, _detail_context(request, dispute, **forms), status=status)


def _after_write(request: HttpRequest, dispute: Dispute, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(dispute.get_absolute_url())
    return redirect(dispute)


@login_required
@require_GET
def dispute_detail(request: HttpRequest, reference: str) -> HttpResponse:
    dispute = _load(request, reference)
    return _render_detail(request, dispute)


@login_required
@require_http_methods(["GET", "POST"])
def dispute_edit(request: HttpRequest, reference: str) -> HttpResponse:
    dispute = _load(request, reference)
    if not can_manage(request.user):
        raise PermissionDenied("Only vendor managers may edit a dispute.")
    form = DisputeEditForm(request.POST or None, instance=dispute, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name != "version" and name in form.cleaned_data
        }
        fresh = _load(request, reference)
        try:
            if changes:
                services.dispute_update(
                    dispute=fresh,
                    by=request.user,
                    changes=changes,
                    expected_version=form.cleaned_data["version"],
                )
        except services.DisputeConflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Dispute updated.")
            return redirect(fresh)
    return render(request, "disputes/edit.html", {"form": form, "dispute": dispute})


@login_required
@require_POST
def dispute_transition_view(request: HttpRequest, reference: str) -> HttpResponse:
    dispute = _load(request, reference)
    services.require_dispute_writer(request.user, dispute.vendor_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, dispute, status=400, transition_error="Choose a valid next status."
        )
    data = form.cleaned_data
    try:
        services.dispute_transition(
            dispute=dispute,
            to=data["to"],
            by=request.user,
            note=data["note"],
            outcome=data["outcome"],
            expected_version=data["version"],
        )
    except services.DisputeConflict as exc:
        fresh = _load(request, reference)
        return _render_detail(request, fresh, status=409, transition_error=str(exc))
    except ValidationError as exc:
        return _render_detail(request, dispute, status=400, transition_error=" ".join(exc.messages))
    return _after_write(
        request, dispute, f"{dispute.reference} is now {dispute.get_status_display().lower()}."
    )


@login_required
@require_POST
def dispute_comment_view(request: HttpRequest, reference: str) -> HttpResponse:
    dispute = _load(request, reference)
    services.require_dispute_writer(request.user, dispute.vendor_id)
    user = request.user
    form = CommentForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        try:
            services.dispute_comment(
                dispute=dispute,
                by=user,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data.get("visibility") == "internal",
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _after_write(request, dispute, "Added to the timeline.")
    return _render_detail(request, dispute, status=400, comment_form=form)


@login_required
@require_POST
def dispute_respond_view(request: HttpRequest, reference: str) -> HttpResponse:
    dispute = _load(request, reference)
    services.require_dispute_writer(request.user, dispute.vendor_id)
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.dispute_respond(
                dispute=dispute,
                by=request.user,
                body=form.cleaned_data["body"],
                root_cause=form.cleaned_data["root_cause"],
                action_plan=form.cleaned_data["action_plan"],
                expected_version=form.cleaned_data["version"],
            )
        except services.DisputeConflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _after_write(request, dispute, "Your response was sent.")
    return _render_detail(request, dispute, status=400, respond_form=form)


@login_required
@require_POST
def dispute_playbook_view(request: HttpRequest, reference: str) -> HttpResponse:
    dispute = _load(request, reference)
    services.require_dispute_writer(request.user, dispute.vendor_id)
    try:
        services.dispute_playbook_tick(
            dispute=dispute,
            by=request.user,
            key=request.POST.get("key", ""),
            done=request.POST.get("done") == "1",
        )
    except ValidationError:
        return _render_detail(request, dispute, status=400)
    if request.htmx:
        return _render_detail(request, dispute)
    return redirect(dispute)


@login_required
@require_POST
def dispute_clock_view(request: HttpRequest, reference: str) -> HttpResponse:
    dispute = _load(request, reference)
    services.require_dispute_writer(request.user, dispute.vendor_id)
    form = ClockForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, dispute, status=400, clock_error="Invalid request.")
    data = form.cleaned_data
    service = (
        services.dispute_clock_pause if data["action"] == "pause" else services.dispute_clock_resume
    )
    try:
        service(
            dispute=dispute, by=request.user, note=data["note"], expected_version=data["version"]
        )
    except services.DisputeConflict as exc:
        return _render_detail(request, _load(request, reference), status=409, clock_error=str(exc))
    except ValidationError as exc:
        return _render_detail(request, dispute, status=400, clock_error=" ".join(exc.messages))
    return _after_write(request, dispute, "Resolution clock updated.")


@login_required
@require_GET
def dispute_attachment(request: HttpRequest, reference: str, event_id: int) -> FileResponse:
    """Evidence is served only through this scoped view (internal files stay internal)."""
    dispute = _load(request, reference)
    event = get_for_user(
        DisputeEvent.objects.exclude(attachment=""), request.user, dispute=dispute, pk=event_id
    )
    try:
        handle = event.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    return FileResponse(handle, as_attachment=True, filename=event.attachment_name)


def ageing_buckets(disputes: QuerySet[Dispute], now=None) -> dict[str, int]:
    """Open disputes by age (days since raised) in one aggregate query."""
    from django.db.models import Count

    now = now or timezone.now()
    return disputes.aggregate(
        week=Count("id", filter=Q(created_at__gte=now - timedelta(days=7))),
        month=Count(
            "id",
            filter=Q(
                created_at__lt=now - timedelta(days=7), created_at__gte=now - timedelta(days=30)
            ),
        ),
        quarter=Count(
            "id",
            filter=Q(
                created_at__lt=now - timedelta(days=30), created_at__gte=now - timedelta(days=90)
            ),
        ),
        older=Count("id", filter=Q(created_at__lt=now - timedelta(days=90))),
    )
