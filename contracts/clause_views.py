"""Clause pages: inline add/edit (htmx), version history with diffs, and search."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from vendorhub.access import can_manage, get_for_manager, get_for_user
from vendorhub.concurrency import Conflict
from vendorhub.formtools import add_errors

from . import services
from .forms import ClauseForm, ClauseSearchForm
from .history import clause_as_of, clause_versions, end_of_day
from .models import Clause, Contract
from .search import heading_highlight, highlight, search_clauses

SEARCH_PAGE_SIZE = 20


@login_required
@require_POST
def clause_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_for_manager(Contract.objects.all(), request.user, pk=pk)
    form = ClauseForm(request.POST, instance=Clause(contract=contract, vendor=contract.vendor))
    if form.is_valid():
        try:
            clause = services.clause_save(clause=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Clause {clause.number} was added.")
            url = clause.get_absolute_url()
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {"contract": contract, "form": form, "clause": None}
    template = "contracts/clause_form.html"
    if request.htmx:
        template += "#clause-form"
    return render(request, template, context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def clause_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the edit form (inline via htmx); POST: save a new version of the clause."""
    clause = get_for_manager(Clause.objects.select_related("contract"), request.user, pk=pk)
    contract = clause.contract
    amendments = contract.amendments.all()
    form = ClauseForm(request.POST or None, instance=clause, amendments=amendments)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            edited = form.save(commit=False)
            amendment = form.cleaned_data.get("amendment")
            changed = amendment is not None or not services.clause_is_unchanged(edited)
            try:
                services.clause_save(
                    clause=edited,
                    by=request.user,
                    amendment=amendment,
                    based_on=form.cleaned_data.get("based_on"),
                )
            except Conflict as exc:
                # The user's text stays in the form; the summary says what happened.
                context = {"contract": contract, "form": form, "clause": clause}
                context["conflict"] = str(exc)
                template = "contracts/clause_form.html"
                if request.htmx:
                    template += "#clause-form"
                return render(request, template, context, status=409)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                # Said after an inline (htmx) edit too: the messages region is filled
                # out of band (HtmxMessagesMiddleware) and announced.
                if changed:
                    messages.success(request, f"Clause {clause.number} was saved.")
                else:
                    messages.info(
                        request, f"Nothing changed; clause {clause.number} was kept as it was."
                    )
                if request.htmx:
                    return render(
                        request,
                        "contracts/contract_detail.html#clause",
                        {"clause": clause, "can_manage": True, "contract": contract},
                    )
                return redirect(clause.get_absolute_url())
        status = 400
    template = "contracts/clause_form.html"
    if request.htmx:
        template += "#clause-form"
    context = {"contract": contract, "form": form, "clause": clause}
    return render(request, template, context, status=status)


@login_required
@require_GET
def clause_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One clause as an outline fragment (the htmx "cancel" of an inline edit)."""
    clause = get_for_user(Clause.objects.select_related("contract"), request.user, pk=pk)
    if not request.htmx:
        return redirect(clause.get_absolute_url())
    return render(
        request,
        "contracts/contract_detail.html#clause",
        {"clause": clause, "contract": clause.contract, "can_manage": can_manage(request.user)},
    )


@login_required
@require_GET
def clause_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of a clause with word diffs, and "what did it say on <date>"."""
    clause = get_for_user(Clause.objects.select_related("contract", "vendor"), request.user, pk=pk)
    as_of_raw = request.GET.get("as_of", "")
    as_of_date = as_of_version = None
    as_of_error = ""
    if as_of_raw:
        try:
            as_of_date = timezone.datetime.fromisoformat(as_of_raw).date()
        except ValueError:
            as_of_error = "Give a date as YYYY-MM-DD."
        else:
            moment = end_of_day(as_of_date, timezone.get_current_timezone())
            as_of_version = clause_as_of(clause, moment)
    context = {
        "clause": clause,
        "contract": clause.contract,
        "versions": clause_versions(clause),
        "amendments": clause.amendments.order_by("-effective_date"),
        "as_of_raw": as_of_raw,
        "as_of_date": as_of_date,
        "as_of_version": as_of_version,
        "as_of_error": as_of_error,
    }
    return render(request, "contracts/clause_history.html", context)


@login_required
@require_GET
def clause_search(request: HttpRequest) -> HttpResponse:
    """Full-text search over every clause the user may see, ranked and highlighted."""
    user = request.user
    form = ClauseSearchForm(request.GET or None, user=user)
    results = None
    page = None
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        query = data["q"].strip()
        clauses = Clause.objects.visible_to(user).select_related("contract", "vendor")
        if data["vendor"]:
            clauses = clauses.filter(vendor=data["vendor"])
        if data["contract"]:
            clauses = clauses.filter(contract=data["contract"])
        if data["category"]:
            clauses = clauses.filter(category=data["category"])
        if query:
            clauses = search_clauses(clauses, query)
        elif data["vendor"] or data["contract"] or data["category"]:
            clauses = clauses.order_by("contract__reference", "sort_key")
        else:
            clauses = None
        if clauses is not None:
            page = Paginator(clauses, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
            results = [
                (c, highlight(c, query), heading_highlight(c, query)) for c in page.object_list
            ]
    template = "contracts/clause_search.html"
    if request.htmx:
        template += "#results"
    context = {"form": form, "page": page, "results": results, "query": query}
    return render(request, template, context)
