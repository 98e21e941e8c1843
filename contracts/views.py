"""Contract pages: list, renewal timeline, detail, create/edit, and the contract's
amendments, scope changes, rate card and documents. Clause pages are in clause_views."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vendorhub.access import (
    can_manage,
    get_for_manager,
    get_for_user,
    is_client_side,
    manager_required,
)
from vendorhub.formtools import add_errors
from vendorhub.uploads import upload_response

from . import services
from .forms import (
    AmendmentForm,
    ClauseForm,
    ContractFilterForm,
    ContractForm,
    DocumentForm,
    RateCardLineForm,
    ScopeChangeDecisionForm,
    ScopeChangeForm,
)
from .models import (
    Amendment,
    Clause,
    ClauseCategory,
    Contract,
    ContractStatus,
    Document,
    RateCardLine,
    ScopeChange,
    may_propose_scope_change,
)

PAGE_SIZE = 25


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ContractFilterForm(request.GET or None, user=user)
    contracts = (
        Contract.objects.visible_to(user)
        .select_related("vendor", "owner")
        .annotate(clause_count=Count("clauses"))
        .order_by("vendor__name", "reference")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            contracts = contracts.filter(
                Q(reference__icontains=data["q"]) | Q(title__icontains=data["q"])
            )
        if data["vendor"]:
            contracts = contracts.filter(vendor=data["vendor"])
        if data["status"]:
            contracts = contracts.filter(status=data["status"])
        if data["pricing_model"]:
            contracts = contracts.filter(pricing_model=data["pricing_model"])
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "today": timezone.localdate(),
        "can_manage": can_manage(user),
    }
    template = "contracts/contract_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@login_required
@require_GET
def renewal_timeline(request: HttpRequest) -> HttpResponse:
    """Live contracts by end date, with the notice deadline flagged in colour."""
    today = timezone.localdate()
    contracts = (
        Contract.objects.visible_to(request.user)
        .filter(status__in=[ContractStatus.ACTIVE, ContractStatus.DRAFT])
        .select_related("vendor", "owner")
        .by_end_date()
    )
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(c, c.notice_flag(today), c.days_to_notice(today)) for c in page.object_list]
    template = "contracts/renewal_timeline.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"page": page, "rows": rows, "today": today})


def _outline(clauses: list[Clause]) -> list[tuple[str, str, list[Clause]]]:
    """Clauses grouped by category (in the category order), outline order inside each."""
    groups: OrderedDict[str, list[Clause]] = OrderedDict((c, []) for c in ClauseCategory.values)
    for clause in clauses:
        groups[clause.category].append(clause)
    labels = dict(ClauseCategory.choices)
    return [(code, labels[code], items) for code, items in groups.items() if items]


@login_required
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contract = get_for_user(Contract.objects.select_related("vendor", "owner"), user, pk=pk)
    clauses = list(contract.clauses.order_by("sort_key"))
    amendments = contract.amendments.select_related("created_by").prefetch_related(
        Prefetch("clauses", queryset=Clause.objects.order_by("sort_key"))
    )
    manage = can_manage(user)
    context = {
        "contract": contract,
        "outline": _outline(clauses),
        "clause_total": len(clauses),
        "rate_lines": contract.rate_lines.all(),
        "rate_history": RateCardLine.history.filter(contract_id=contract.pk, history_type="~")
        .select_related("history_user")
        .order_by("-history_date")[:20],
        "documents": contract.documents.select_related("uploaded_by"),
        "amendments": amendments,
        "scope_changes": contract.scope_changes.select_related("requested_by", "decided_by"),
        # Renewals and expiries recorded by the daily sweep (``contracts.renewals``).
        "renewals": contract.history.filter(
            history_change_reason__regex=r"^(Auto-renewed|Expired)"
        ).order_by("-history_date")[:20],
        "today": timezone.localdate(),
        "can_manage": manage,
        "is_client_side": is_client_side(user),
        "may_propose": may_propose_scope_change(user, contract),
        "scope_form": ScopeChangeForm(),
    }
    if manage:
        context.update(
            clause_form=ClauseForm(),
            amendment_form=AmendmentForm(contract=contract),
            rate_form=RateCardLineForm(),
            document_form=DocumentForm(),
        )
    return render(request, "contracts/contract_detail.html", context)


@login_required
@manager_required
@require_http_methods(["GET", "POST"])
def contract_create(request: HttpRequest) -> HttpResponse:
    form = ContractForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_save(contract=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Contract {contract.reference} was created.")
            return redirect(contract)
    return render(request, "contracts/contract_form.html", {"form": form, "contract": None})


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_for_manager(Contract.objects.all(), request.user, pk=pk)
    form = ContractForm(request.POST or None, instance=contract, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_save(contract=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The contract was saved.")
            return redirect(contract)
    return render(request, "contracts/contract_form.html", {"form": form, "contract": contract})


def _invalid_form_page(request, contract, title, form) -> HttpResponse:
    """A small page showing a sub-form's errors (the detail page stays uncluttered)."""
    return _subform_page(request, contract, title, form, status=400)


def _subform_page(request, contract, title, form, *, status=None) -> HttpResponse:
    """A sub-form of the contract on a page of its own: an edit form (GET), or the form
    with its errors (a POST that did not save: 400)."""
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render(
        request,
        "contracts/subform.html",
        {"contract": contract, "title": title, "form": form, "action": request.path},
        status=status,
    )


@login_required
@require_POST
def amendment_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_for_manager(Contract.objects.select_related("vendor"), request.user, pk=pk)
    form = AmendmentForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.amendment_create(
                contract=contract,
                reference=form.cleaned_data["reference"],
                effective_date=form.cleaned_data["effective_date"],
                summary=form.cleaned_data["summary"],
                clauses=form.cleaned_data["clauses"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The amendment was recorded.")
            return redirect(contract.get_absolute_url() + "#amendments")
    return _invalid_form_page(request, contract, "Record an amendment", form)


@login_required
@require_POST
def scope_change_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_for_user(Contract.objects.select_related("vendor", "owner"), request.user, pk=pk)
    if not may_propose_scope_change(request.user, contract):
        raise PermissionDenied("Your role may not propose scope changes.")
    form = ScopeChangeForm(request.POST)
    if form.is_valid():
        try:
            services.scope_change_propose(
                contract=contract,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                price_impact=form.cleaned_data["price_impact"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The scope change was proposed.")
            return redirect(contract.get_absolute_url() + "#scope-changes")
    return _invalid_form_page(request, contract, "Propose a scope change", form)


@login_required
@require_POST
def scope_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_for_manager(ScopeChange.objects.select_related("contract"), request.user, pk=pk)
    form = ScopeChangeDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.scope_change_decide(
                scope_change=change,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Scope change {form.cleaned_data['status']}.")
    else:
        messages.error(request, "Choose accept or reject.")
    return redirect(change.contract.get_absolute_url() + "#scope-changes")


@login_required
@require_POST
def rate_line_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_for_manager(Contract.objects.all(), request.user, pk=pk)
    form = RateCardLineForm(request.POST, instance=RateCardLine(contract=contract))
    if form.is_valid():
        line = form.save(commit=False)
        line.position = contract.rate_lines.count() + 1
        try:
            services.rate_line_save(line=line, by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "The rate card line was added.")
            return redirect(contract.get_absolute_url() + "#rate-card")
    return _invalid_form_page(request, contract, "Add a rate card line", form)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a recorded amendment (managers); its history keeps the earlier versions."""
    amendment = get_for_manager(Amendment.objects.select_related("contract"), request.user, pk=pk)
    contract = amendment.contract
    form = AmendmentForm(request.POST or None, instance=amendment, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.amendment_update(
                amendment=amendment,
                reference=form.cleaned_data["reference"],
                effective_date=form.cleaned_data["effective_date"],
                summary=form.cleaned_data["summary"],
                clauses=form.cleaned_data["clauses"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "The amendment was corrected; its history keeps the earlier version."
            )
            return redirect(contract.get_absolute_url() + "#amendments")
    title = f"Edit {amendment.reference}"
    return _subform_page(request, contract, title, form)


@login_required
@require_http_methods(["GET", "POST"])
def rate_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one rate card line (managers); every change is kept in its history."""
    line = get_for_manager(RateCardLine.objects.select_related("contract"), request.user, pk=pk)
    contract = line.contract
    form = RateCardLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_line_save(line=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "The rate card line was changed; its history keeps the old rate."
            )
            return redirect(contract.get_absolute_url() + "#rate-card")
    title = f"Edit rate card line “{line.description}”"
    return _subform_page(request, contract, title, form)


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_for_manager(Contract.objects.all(), request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_upload(
                contract=contract,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, "The document was uploaded.")
            return redirect(contract.get_absolute_url() + "#documents")
    return _invalid_form_page(request, contract, "Upload a document", form)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The only way to a stored document: scoped (404 outside), always an attachment."""
    document = get_for_user(Document.objects.all(), request.user, pk=pk)
    return upload_response(
        file=document.file, content_type=document.content_type, filename=document.original_name
    )
