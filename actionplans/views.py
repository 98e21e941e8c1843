"""Action-plan pages: the list, proposing a plan (from a dispute, a failing scorecard
line, a meeting's action, or on its own), the plan with its milestones and timeline,
and every action on it.

Every lookup is scoped with ``visible_to`` (another vendor's plan is a 404); every
write is one service call; a read-only role gets 403 on writes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.models import Clause
from disputes.models import Dispute
from meetings.models import ActionItem
from scorecards.models import KPI
from vendorhub.access import acts_for_vendor, can_manage, get_for_user, require_manager
from vendorhub.formtools import add_errors, saved
from vendorhub.models import Vendor
from vendorhub.uploads import upload_response

from . import services
from .forms import CommentForm, MilestoneForm, PlanFilterForm, PlanForm, TransitionForm
from .measurement import escalation_kind, plan_escalate
from .models import OPEN_STATUSES, ActionPlan, Milestone, PlanEvent

PAGE_SIZE = 25


def _load(request: HttpRequest, pk: int) -> ActionPlan:
    return get_for_user(
        ActionPlan.objects.select_related(
            "vendor",
            "vendor__relationship_owner",
            "dispute",
            "dispute__owner",
            "kpi",
            "clause__contract",
            "action_item__meeting",
            "proposed_by",
            "agreed_by",
            "escalated_dispute",
        ),
        request.user,
        pk=pk,
    )


# --- list -------------------------------------------------------------------------------
@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PlanFilterForm(request.GET, user=user)
    plans = ActionPlan.objects.visible_to(user).select_related("vendor", "kpi", "dispute")
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("vendor"):
            plans = plans.filter(vendor=data["vendor"])
        if data["status"] == "open":
            plans = plans.filter(status__in=OPEN_STATUSES)
        elif data["status"]:
            plans = plans.filter(status=data["status"])
        if data["overdue"]:
            plans = plans.filter(pk__in=ActionPlan.objects.overdue(today).values("pk"))
    counts = ActionPlan.objects.visible_to(user).counts(today)
    page = Paginator(plans.order_by("due_date", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "actionplans/list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "plans": page.object_list,
            "counts": counts,
            "today": today,
            "can_propose": user.is_manager or user.is_partner,
        },
    )


# --- proposing --------------------------------------------------------------------------
def _sources(request: HttpRequest) -> dict[str, Any]:
    """What the new plan answers, from the query string, each looked up in scope (an
    unknown or foreign one is a 404 like any other object)."""
    user = request.user
    params = request.GET
    found: dict[str, Any] = {}
    if params.get("dispute"):
        dispute = get_for_user(
            Dispute.objects.select_related("vendor", "kpi", "clause"),
            user,
            reference=params["dispute"],
        )
        found.update(dispute=dispute, vendor=dispute.vendor)
    if params.get("action_item", "").isdigit():
        item = get_for_user(
            ActionItem.objects.select_related("vendor", "meeting"), user, pk=params["action_item"]
        )
        found.update(action_item=item, vendor=item.vendor)
    if params.get("vendor") and "vendor" not in found:
        found["vendor"] = get_for_user(Vendor.objects.all(), user, slug=params["vendor"])
    if params.get("kpi"):
        found["kpi"] = get_object_or_404(KPI.objects.filter(is_active=True), code=params["kpi"])
    return found


def _initial(sources: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    dispute = sources.get("dispute")
    if dispute is not None:
        initial.update(title=f"Plan for {dispute.reference}: {dispute.title}"[:200])
        initial.update(root_cause=dispute.root_cause, kpi=dispute.kpi, clause=dispute.clause)
    item = sources.get("action_item")
    if item is not None:
        initial.update(title=item.title[:200], due_date=item.due_date)
    kpi = sources.get("kpi")
    if kpi is not None:
        initial["kpi"] = kpi
        initial.setdefault("title", f"Bring {kpi.name} back to target")
    if request.GET.get("target"):
        initial["target_value"] = request.GET["target"]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_manager or user.is_partner):
        raise PermissionDenied("Your role may read action plans but not propose them.")
    sources = _sources(request)
    vendor = sources.get("vendor")
    if vendor is not None and not acts_for_vendor(user, vendor):
        raise PermissionDenied("Your role may read action plans but not propose them.")
    form = PlanForm(
        request.POST or None, initial=_initial(sources, request), user=user, vendor=vendor
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data["vendor"] = vendor or data.get("vendor") or user.vendor
        try:
            if data["vendor"] is None:
                raise ValidationError({"vendor": "Choose the vendor."})
            plan = services.plan_create(
                by=user,
                dispute=sources.get("dispute"),
                action_item=sources.get("action_item"),
                cure_period_days=data.pop("cure_period_days") or 0,
                **data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"{plan.reference} proposed; it awaits a manager's agreement."
            )
            return redirect(plan)
    return render(
        request,
        "actionplans/form.html",
        {"form": form, "sources": sources, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )


# --- the plan ---------------------------------------------------------------------------
def _detail_context(request: HttpRequest, plan: ActionPlan, **forms: Any) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    milestones = list(plan.milestones.select_related("done_by"))
    for milestone in milestones:
        milestone.may_tick = plan.is_open and milestone.may_be_ticked_by(user)
        milestone.late = milestone.is_overdue(today)
    can_write = acts_for_vendor(user, plan.vendor_id)
    targets = services.allowed_transitions(plan, user)
    return {
        "plan": plan,
        "milestones": milestones,
        "events": list(
            PlanEvent.objects.visible_to(user).filter(plan=plan).select_related("author")
        ),
        "transitions": [(t, services.TRANSITION_LABELS[t]) for t in targets],
        "can_write": can_write,
        "can_edit": can_write and plan.is_open and (can_manage(user) or plan.status == "proposed"),
        "is_manager": can_manage(user),
        "overdue": plan.is_overdue(today),
        "window": plan.measurement_window() if plan.kpi_id else None,
        "milestone_form": forms.get("milestone_form") or MilestoneForm(user=user),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "transition_error": forms.get("transition_error"),
        "escalate_error": forms.get("escalate_error"),
        "escalation": escalation_kind(plan) if can_manage(user) else "",
        "clauses": (
            Clause.objects.filter(vendor_id=plan.vendor_id).select_related("contract")
            if can_manage(user) and escalation_kind(plan) == "breach"
            else []
        ),
        "today": today,
    }


def _render_detail(
    request: HttpRequest, plan: ActionPlan, *, status: int = 200, **forms: Any
) -> HttpResponse:
    template = "actionplans/detail.html"
    if request.htmx and request.method == "POST":
        template += "#body"
    return render(request, template, _detail_context(request, plan, **forms), status=status)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _load(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _load(request, pk)
    services.require_plan_writer(request.user, plan.vendor_id)
    if not plan.is_open or not (can_manage(request.user) or plan.status == "proposed"):
        raise PermissionDenied("Once agreed, only a vendor manager may change the plan's terms.")
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.EDITABLE_FIELDS and name in form.cleaned_data
        }
        fresh = _load(request, pk)
        try:
            services.plan_update(
                plan=fresh,
                by=request.user,
                changes=changes,
                expected_version=form.cleaned_data["version"] or fresh.version,
            )
        except services.PlanConflict as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Plan updated.")
            return redirect(fresh)
    if form.errors and status == 200:
        status = 400
    return render(request, "actionplans/edit.html", {"form": form, "plan": plan}, status=status)


@login_required
@require_POST
def plan_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _load(request, pk)
    services.require_plan_writer(request.user, plan.vendor_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, plan, status=400, transition_error="Choose a next step.")
    data = form.cleaned_data
    try:
        services.plan_transition(
            plan=plan,
            to=data["to"],
            by=request.user,
            note=data["note"],
            expected_version=data["version"],
        )
    except services.PlanConflict as exc:
        return _render_detail(request, _load(request, pk), status=409, transition_error=str(exc))
    except ValidationError as exc:
        return _render_detail(request, plan, status=400, transition_error=" ".join(exc.messages))
    return saved(request, plan, f"{plan.reference} is now {plan.get_status_display()}.")


@login_required
@require_POST
def milestone_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _load(request, pk)
    services.require_plan_writer(request.user, plan.vendor_id)
    form = MilestoneForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.milestone_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, plan, "Milestone added.")
    return _render_detail(request, plan, status=400, milestone_form=form)


@login_required
@require_POST
def milestone_done_view(request: HttpRequest, pk: int, milestone_id: int) -> HttpResponse:
    plan = _load(request, pk)
    milestone = get_object_or_404(Milestone.objects.filter(plan=plan), pk=milestone_id)
    milestone.plan = plan
    services.require_plan_writer(request.user, plan.vendor_id)
    try:
        services.milestone_set_done(
            milestone=milestone, by=request.user, done=request.POST.get("done") == "1"
        )
    except ValidationError as exc:
        return _render_detail(request, plan, status=400, transition_error=" ".join(exc.messages))
    return saved(request, plan, "Milestone updated.")


@login_required
@require_POST
def plan_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _load(request, pk)
    services.require_plan_writer(request.user, plan.vendor_id)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.plan_comment(
                plan=plan,
                by=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, plan, "Added to the timeline.")
    return _render_detail(request, plan, status=400, comment_form=form)


@login_required
@require_POST
def plan_escalate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager turns a failed plan into an escalation or a breach dispute."""
    plan = _load(request, pk)
    require_manager(request.user)
    clause = None
    if request.POST.get("clause", "").isdigit():
        clause = get_for_user(Clause.objects.all(), request.user, pk=request.POST["clause"])
    try:
        dispute = plan_escalate(
            plan=plan, by=request.user, note=request.POST.get("note", ""), clause=clause
        )
    except ValidationError as exc:
        return _render_detail(request, plan, status=400, escalate_error=" ".join(exc.messages))
    return saved(request, dispute, f"{dispute.reference}: the failed plan is now on the dispute.")


@login_required
@require_GET
def plan_file(request: HttpRequest, pk: int, event_id: int) -> FileResponse:
    """Evidence is served only through this scoped view, as a download, never cached."""
    plan = _load(request, pk)
    event = get_for_user(
        PlanEvent.objects.exclude(attachment=""), request.user, plan=plan, pk=event_id
    )
    return upload_response(
        file=event.attachment,
        content_type=event.attachment_content_type,
        filename=event.attachment_name,
    )
