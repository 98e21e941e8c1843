"""Dispute detail pages: the dispute with its timeline, and every action on it (edit,
transition, comment, respond, playbook, clock, evidence download).

One view renders the page and, for htmx POSTs, only the fragment that changed
(``disputes/detail.html#body``). Every lookup is scoped with ``visible_to``; every write
is one service call.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vendorhub.access import acts_for_vendor, can_manage, get_for_user, is_client_side
from vendorhub.formtools import add_errors, saved
from vendorhub.uploads import upload_response

from . import services
from .forms import (
    ClockForm,
    CommentForm,
    DisputeEditForm,
    RespondForm,
    TransitionForm,
)
from .models import Dispute, DisputeEvent, DisputeType, Status
from .playbook import playbook_state


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
    can_write = acts_for_vendor(user, dispute.vendor_id)
    context: dict[str, Any] = {
        "dispute": dispute,
        "events": events,
        "similar": similar,
        "response_clock": dispute.response_clock(now),
        "resolution_clock": dispute.resolution_clock(now),
        "transitions": [(t, services.transition_label(dispute, user, t)) for t in targets],
        "can_write": can_write and dispute.status != Status.CLOSED,
        # The side the dispute was raised against answers it: the vendor a client's
        # dispute, the client (a manager) a dispute the vendor raised.
        "vendor_raised": services.is_vendor_raised(dispute),
        "can_respond": dispute.is_open
        and can_write
        and (user.is_manager if services.is_vendor_raised(dispute) else user.is_partner),
        "answer_required": user.is_partner and dispute.type in services.ROOT_CAUSE_REQUIRED,
        # A partner's main action is its answer: the form comes first on its page.
        "respond_first": user.is_partner and not services.is_vendor_raised(dispute),
        "client_side": is_client_side(user),
        "is_manager": can_manage(user),
        "playbook": playbook_state(dispute) if is_client_side(user) else [],
        "comment_form": forms.get("comment_form") or CommentForm(user=user),
        "respond_form": forms.get("respond_form")
        or RespondForm(
            dispute=dispute,
            initial={
                "root_cause": dispute.root_cause,
                "action_plan": dispute.action_plan,
                "version": dispute.version,
            },
        ),
        "transition_error": forms.get("transition_error"),
        "transition_conflict": forms.get("transition_conflict", False),
        "clock_error": forms.get("clock_error"),
        "now": now,
        # Corrective action plans answering this dispute (same vendor: same scope).
        "plans": list(dispute.action_plans.order_by("due_date", "id")),
        "can_propose_plan": can_write and (user.is_manager or user.is_partner),
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
            add_errors(form, exc)
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
        return _render_detail(
            request, fresh, status=409, transition_error=str(exc), transition_conflict=True
        )
    except ValidationError as exc:
        return _render_detail(request, dispute, status=400, transition_error=" ".join(exc.messages))
    return saved(
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
            add_errors(form, exc)
        else:
            return saved(request, dispute, "Added to the timeline.")
    return _render_detail(request, dispute, status=400, comment_form=form)


@login_required
@require_POST
def dispute_respond_view(request: HttpRequest, reference: str) -> HttpResponse:
    dispute = _load(request, reference)
    services.require_dispute_writer(request.user, dispute.vendor_id)
    form = RespondForm(request.POST, dispute=dispute)
    if form.is_valid():
        try:
            services.dispute_respond(
                dispute=dispute,
                by=request.user,
                body=form.cleaned_data["body"],
                root_cause=form.cleaned_data.get("root_cause", ""),
                action_plan=form.cleaned_data.get("action_plan", ""),
                expected_version=form.cleaned_data["version"],
            )
        except services.DisputeConflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, dispute, "Your answer was sent.")
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
    common = {"dispute": dispute, "by": request.user, "note": data["note"]}
    # A partner only asks; pausing, resuming and deciding on a request are the client's
    # (the services answer 403 to a partner who tries).
    actions = {
        "pause": lambda: services.dispute_clock_pause(**common, expected_version=version),
        "resume": lambda: services.dispute_clock_resume(**common, expected_version=version),
        "request": lambda: services.dispute_clock_pause_request(**common, expected_version=version),
        "grant": lambda: services.dispute_clock_pause_decide(
            **common, grant=True, expected_version=version
        ),
        "refuse": lambda: services.dispute_clock_pause_decide(
            **common, grant=False, expected_version=version
        ),
    }
    version = data["version"]
    try:
        actions[data["action"]]()
    except services.DisputeConflict as exc:
        return _render_detail(request, _load(request, reference), status=409, clock_error=str(exc))
    except ValidationError as exc:
        return _render_detail(request, dispute, status=400, clock_error=" ".join(exc.messages))
    done = {
        "request": "Pause requested: the client decides.",
        "grant": "Pause granted: the resolution clock is paused.",
        "refuse": "Pause refused.",
    }
    return saved(request, dispute, done.get(data["action"], "Resolution clock updated."))


@login_required
@require_GET
def dispute_attachment(request: HttpRequest, reference: str, event_id: int) -> FileResponse:
    """Evidence is served only through this scoped view (internal files stay internal),
    with the type detected at upload, as a download, never cached."""
    dispute = _load(request, reference)
    event = get_for_user(
        DisputeEvent.objects.exclude(attachment=""), request.user, dispute=dispute, pk=event_id
    )
    return upload_response(
        file=event.attachment,
        content_type=event.attachment_content_type,
        filename=event.attachment_name,
    )
