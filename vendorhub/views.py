"""Home page (one per role), profile and the health check (``health.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_countries.fields import Country

from . import health
from .forms import ProfileForm
from .home import attention
from .models import Notification, Vendor, VendorStatus


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    notifications = list(Notification.objects.visible_to(user)[:5])
    if user.is_partner:
        vendor = (
            Vendor.objects.visible_to(user)
            .select_related("relationship_owner")
            .prefetch_related("contacts", "sites")
            .get()
        )
        return render(
            request,
            "vendorhub/home_partner.html",
            {"vendor": vendor, "notifications": notifications, **attention(user, now)},
        )

    vendors = Vendor.objects.visible_to(user)
    by_status = {
        row["status"]: row["n"] for row in vendors.values("status").annotate(n=Count("id"))
    }
    status_cards = [
        {"code": code, "label": label, "count": by_status.get(code, 0)}
        for code, label in VendorStatus.choices
    ]
    context = {
        **attention(user, now),
        "status_cards": status_cards,
        "vendor_total": sum(by_status.values()),
        "notifications": notifications,
        "watchlist": vendors.filter(
            status__in=[VendorStatus.PROBATION, VendorStatus.EXITING, VendorStatus.ONBOARDING]
        ).select_related("relationship_owner")[:10],
    }
    if user.is_manager:
        context["my_vendors"] = (
            vendors.filter(relationship_owner=user)
            .select_related("relationship_owner")
            .order_by("name")[:10]
        )
        template = "vendorhub/home_manager.html"
    else:
        context["by_country"] = [
            {"country": Country(row["country"]), "n": row["n"]}
            for row in vendors.active()
            .values("country")
            .annotate(n=Count("id"))
            .order_by("-n", "country")
        ]
        template = "vendorhub/home_executive.html"
    return render(request, template, context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("profile")
    return render(request, "vendorhub/profile.html", {"form": form})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: 503 when the database is unreachable.

    An unreachable broker, a beat run that failed or died, objects the sweeps keep
    failing on, or e-mail stuck in the outbox make it "degraded" (reminders suffer) but
    the site still serves pages, so it stays 200. Answers within about two seconds
    whatever state Redis is in (``health.broker_status``).
    """
    now = timezone.now()
    checks: dict[str, dict] = {}
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"status": "ok"}
    except Exception as exc:  # any driver error means "unreachable"
        checks["database"] = {"status": "error", "error": exc.__class__.__name__}
    checks["broker"] = health.broker_status()
    if checks["database"]["status"] == "ok":
        checks["beat"] = health.beat_status(now)
        checks["outbox"] = health.outbox_status(now)
    healthy = checks["database"]["status"] == "ok"
    status = "error" if not healthy else "degraded" if health.degraded(checks) else "ok"
    return JsonResponse(
        {"status": status, "time": now.isoformat(), "checks": checks},
        status=200 if healthy else 503,
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 in JSON for the API (integrations parse it), the styled page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)
