"""Vendor pages: list (client side), detail (everyone in scope), create and edit (managers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .access import get_for_manager, get_for_user, is_client_side, manager_required
from .audit import recent_changes
from .forms import VendorContactFormSet, VendorFilterForm, VendorForm, VendorSiteFormSet
from .formtools import add_errors
from .models import Vendor
from .services import vendor_save

PAGE_SIZE = 25


@login_required
@require_GET
def vendor_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_partner:
        # A partner has exactly one vendor: the list is their vendor's page.
        return redirect("vendor_detail", slug=user.vendor.slug)

    form = VendorFilterForm(request.GET)
    vendors = (
        Vendor.objects.visible_to(user)
        .select_related("relationship_owner")
        .annotate(contact_count=Count("contacts", distinct=True))
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            vendors = vendors.filter(
                Q(name__icontains=data["q"])
                | Q(slug__icontains=data["q"])
                | Q(country__iexact=data["q"])
            )
        if data["status"]:
            vendors = vendors.filter(status=data["status"])
        if data["service"]:
            vendors = vendors.offering(data["service"])
        vendors = vendors.order_by(data["sort"] or "name", "name")
    else:
        vendors = vendors.order_by("name")
    page = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "vendorhub/vendor_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@login_required
@require_GET
def vendor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    vendor = get_for_user(
        Vendor.objects.select_related("relationship_owner").prefetch_related("contacts", "sites"),
        request.user,
        slug=slug,
    )
    from actionplans.models import ActionPlan

    context = {"vendor": vendor, "plans": ActionPlan.objects.filter(vendor=vendor).counts()}
    if is_client_side(request.user):
        context["partner_users"] = vendor.partner_users.filter(is_active=True).order_by("username")
        context["changes"] = recent_changes(vendor)
    return render(request, "vendorhub/vendor_detail.html", context)


def _save_vendor_form(request: HttpRequest, vendor: Vendor | None) -> HttpResponse:
    form = VendorForm(request.POST or None, instance=vendor)
    contacts = VendorContactFormSet(request.POST or None, instance=form.instance, prefix="contacts")
    sites = VendorSiteFormSet(request.POST or None, instance=form.instance, prefix="sites")
    if request.method == "POST":
        if form.is_valid() and contacts.is_valid() and sites.is_valid():
            try:
                with transaction.atomic():
                    saved = vendor_save(vendor=form.save(commit=False), by=request.user)
                    contacts.instance = sites.instance = saved
                    contacts.save()
                    sites.save()
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"{saved.name} was saved.")
                return redirect(saved)
        messages.error(request, "Please correct the errors below; nothing was saved.")
    return render(
        request,
        "vendorhub/vendor_form.html",
        {"form": form, "contacts": contacts, "sites": sites, "vendor": vendor},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@manager_required
def vendor_create(request: HttpRequest) -> HttpResponse:
    return _save_vendor_form(request, None)


@login_required
def vendor_edit(request: HttpRequest, slug: str) -> HttpResponse:
    vendor = get_for_manager(Vendor.objects.all(), request.user, slug=slug)
    return _save_vendor_form(request, vendor)
