"""Home page (one per role), profile and the health check."""

from __future__ import annotations

from datetime import timedelta

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

from .celery import app as celery_app
from .forms import ProfileForm
from .home import attention
from .models import Notification, SweepRun, Vendor, VendorStatus


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
        context["my_vendors"] = vendors.filter(relationship_owner=user).order_by("name")[:10]
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


BEAT_STALE_AFTER = timedelta(minutes=35)  # two 15-minute beats missed


def beat_status(now) -> dict[str, str]:
    """When beat last ran the sweeps; "stale" means the scheduler seems to be down."""
    last = SweepRun.objects.filter(trigger="beat").order_by("-started_at").first()
    if last is None:
        return {"status": "never", "last_run": ""}
    status = "ok" if now - last.started_at < BEAT_STALE_AFTER else "stale"
    if last.error:
        status = "error"
    return {"status": status, "last_run": last.started_at.isoformat()}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: 503 when the database is unreachable.

    An unreachable broker is reported (reminders stop) but the site still serves pages,
    so it is not a reason to take this web process out of rotation.
    """
    checks: dict[str, dict[str, str]] = {}
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"status": "ok"}
    except Exception as exc:  # any driver error means "unreachable"
        checks["database"] = {"status": "error", "error": exc.__class__.__name__}
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = {"status": "ok", "transport": conn.transport_cls}
    except Exception as exc:
        checks["broker"] = {"status": "error", "error": exc.__class__.__name__}
    if checks["database"]["status"] == "ok":
        checks["beat"] = beat_status(timezone.now())
    healthy = checks["database"]["status"] == "ok"
    degraded = checks["broker"]["status"] != "ok"
    status = "error" if not healthy else "degraded" if degraded else "ok"
    return JsonResponse(
        {"status": status, "time": timezone.now().isoformat(), "checks": checks},
        status=200 if healthy else 503,
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 in JSON for the API (integrations parse it), the styled page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)
