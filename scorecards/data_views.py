"""Measurement and target pages: entry form, CSV import with preview, target setting."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vendorhub.access import can_manage, get_for_user, require_manager
from vendorhub.concurrency import Conflict, PreconditionRequired
from vendorhub.csv_export import csv_response
from vendorhub.formtools import add_errors
from vendorhub.models import Vendor

from .forms import ImportForm, MeasurementEditForm, MeasurementForm, TargetForm
from .formulas import COUNT_FIELDS
from .models import KPI, Measurement, Target, period_bounds
from .services import (
    CSV_COLUMNS,
    csv_template_rows,
    measurement_delete,
    measurement_may_change,
    measurement_save,
    measurement_update,
    measurements_import,
    target_save,
)
from .views_common import resolve_period


def _require_may_import(user) -> None:
    """Managers import for any vendor, partners for their own; executives read only."""
    if not (can_manage(user) or user.is_partner):
        raise PermissionDenied("Only managers and the vendor's partners import data.")


@login_required
@require_GET
def measurement_list(request: HttpRequest) -> HttpResponse:
    """Raw measurements the user may see, filterable by vendor and KPI (HTMX-updated)."""
    qs = (
        Measurement.objects.visible_to(request.user)
        .select_related("vendor", "kpi")
        .order_by("-period_start", "vendor__name", "kpi__sort_order")
    )
    vendor_slug, kpi_code = request.GET.get("vendor", ""), request.GET.get("kpi", "")
    if vendor_slug:
        qs = qs.filter(vendor__slug=vendor_slug)
    if kpi_code:
        qs = qs.filter(kpi__code=kpi_code)
    period = request.GET.get("period", "")
    period_error = None
    if period:
        # The dashboard's heat-map cells link here for one vendor, KPI and period.
        try:
            kind, start = resolve_period(period)
        except ValueError as exc:
            period, period_error = "", str(exc)
        else:
            first, last = period_bounds(kind, start)
            qs = qs.filter(period_start__gte=first, period_start__lte=last)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "vendors": Vendor.objects.visible_to(request.user).only("slug", "name"),
        "kpis": KPI.objects.all(),
        "vendor_slug": vendor_slug,
        "kpi_code": kpi_code,
        "period": period,
        "period_error": period_error,
        "can_manage": can_manage(request.user),
        "can_submit": can_manage(request.user) or request.user.is_partner,
    }
    template = "scorecards/measurement_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def measurement_new(request: HttpRequest) -> HttpResponse:
    """Enter one measurement: check → "what will be stored" → save exactly that."""
    _require_may_import(request.user)
    form = MeasurementForm(request.POST or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            preview = measurement_save(
                measurement=copy.copy(form.instance), by=request.user, dry_run=True
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if form.is_confirmed():
                measurement = measurement_save(measurement=form.instance, by=request.user)
                messages.success(
                    request,
                    f"Saved {measurement.kpi} for {measurement.vendor} on "
                    f"{measurement.period_start}.",
                )
                return redirect("scorecards:measurement_detail", pk=measurement.pk)
    return _render_form(request, form, preview, measurement=None)


def _render_form(request, form, preview, *, measurement, status: int | None = None):
    if preview is not None:
        # Shown again with the fingerprint of exactly these figures: "Save" stores them.
        form.data = form.data.copy()
        form.data["checked"] = form.fingerprint()
    return render(
        request,
        "scorecards/measurement_form.html",
        {"form": form, "preview": preview, "measurement": measurement},
        status=status or (400 if form.errors else 200),
    )


def _changeable(request: HttpRequest, pk: int) -> Measurement:
    """The row if the user may see it (else 404) and change it (else 403)."""
    measurement = get_for_user(
        Measurement.objects.select_related("vendor", "kpi"), request.user, pk=pk
    )
    if not measurement_may_change(measurement, request.user):
        raise PermissionDenied(
            "Only managers, and the vendor's partners for its vendor-reported data, "
            "change a measurement."
        )
    return measurement


@login_required
@require_GET
def measurement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One measurement, its counts and its history (edits and who made them)."""
    measurement = get_for_user(
        Measurement.objects.select_related("vendor", "kpi", "entered_by"), request.user, pk=pk
    )
    history = measurement.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "scorecards/measurement_detail.html",
        {
            "m": measurement,
            "history": history,
            "can_change": measurement_may_change(measurement, request.user),
            "count_fields": [
                (measurement._meta.get_field(name).verbose_name, getattr(measurement, name))
                for name in COUNT_FIELDS
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a measurement's figures: check → what will be stored → save (409 if
    someone changed it meanwhile). The previous figures stay in its history."""
    measurement = _changeable(request, pk)
    form = MeasurementEditForm(request.POST or None, instance=measurement)
    preview = None
    status = None
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            preview = measurement_update(
                measurement=_changeable(request, pk),
                by=request.user,
                changes=form.changes(),
                expected_version=version,
                dry_run=True,
            )
            if form.is_confirmed():
                measurement_update(
                    measurement=measurement,
                    by=request.user,
                    changes=form.changes(),
                    expected_version=version,
                )
                messages.success(request, f"Saved the change to {measurement.kpi}.")
                return redirect("scorecards:measurement_detail", pk=measurement.pk)
        except ValidationError as exc:
            preview = None
            add_errors(form, exc)
        except Conflict:
            preview = None
            form.add_error(
                None,
                "Someone else changed this measurement after you opened it; reload the page "
                "to see their figures. Nothing was saved.",
            )
            status = 409
    return _render_form(request, form, preview, measurement=measurement, status=status)


@login_required
@require_POST
def measurement_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a measurement (the version shown must still be current); its history stays."""
    measurement = _changeable(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        measurement_delete(measurement=measurement, by=request.user, expected_version=version)
    except (Conflict, PreconditionRequired):
        messages.error(
            request,
            "Someone else changed this measurement after you opened it; nothing was deleted.",
        )
        return redirect("scorecards:measurement_detail", pk=pk)
    messages.success(
        request,
        f"Deleted {measurement.kpi} of {measurement.vendor} for {measurement.period_start} "
        "(kept in its history).",
    )
    return redirect(f"{reverse('scorecards:measurements')}?vendor={measurement.vendor.slug}")


@login_required
@require_http_methods(["GET", "POST"])
def measurement_import(request: HttpRequest) -> HttpResponse:
    """Choose vendor, format and file → preview (a dry run: every row checked, what
    would be stored) → confirm; all rows or none are saved (``measurements_import``)."""
    _require_may_import(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        confirm = bool(data.get("confirm"))
        result = measurements_import(
            vendor=data["vendor"],
            format=data["format"],
            data=data["content"],
            by=request.user,
            dry_run=not confirm,
            supplied_by=data.get("supplied_by") or None,
        )
        if result.saved:
            messages.success(
                request,
                f"Imported for {result.vendor}: {result.created} new and {result.updated} "
                "updated measurements.",
            )
            return redirect(f"{reverse('scorecards:measurements')}?vendor={result.vendor.slug}")
        status = 200 if result.ok else 400
        form = ImportForm(
            initial={
                "vendor": data["vendor"].slug,
                "format": data["format"],
                "supplied_by": data.get("supplied_by"),
                "content": data["content"],
                "confirm": True,
            },
            user=request.user,
        )
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "result": result,
        "preview_rows": result.rows[:50] if result else [],
        "columns": CSV_COLUMNS,
        "kpis": KPI.objects.active(),
        "count_fields": COUNT_FIELDS,
    }
    return render(request, "scorecards/measurement_import.html", context, status=status)


@login_required
@require_GET
def measurement_import_template(request: HttpRequest) -> HttpResponse:
    """The CSV template: every column, one example row per active KPI code."""
    _require_may_import(request.user)
    header, *rows = csv_template_rows()
    return csv_response(filename="measurements-template.csv", header=header, rows=rows)


@login_required
@require_http_methods(["GET", "POST"])
def vendor_targets(request: HttpRequest, slug: str) -> HttpResponse:
    """A vendor's targets (history included); managers add new ones here."""
    vendor = get_for_user(Vendor.objects.all(), request.user, slug=slug)
    form = None
    if request.method == "POST":
        require_manager(request.user)
    if can_manage(request.user):
        form = TargetForm(request.POST or None, vendor=vendor)
        if request.method == "POST" and form.is_valid():
            try:
                target_save(target=form.instance, by=request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"Target for {form.instance.kpi} saved.")
                return redirect("scorecards:targets", slug=vendor.slug)
    targets = (
        Target.objects.visible_to(request.user)
        .filter(vendor=vendor)
        .select_related("kpi", "contract", "clause")
        .order_by("kpi__sort_order", "-effective_from")
    )
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "scorecards/targets.html",
        {"vendor": vendor, "targets": targets, "form": form},
        status=status,
    )
