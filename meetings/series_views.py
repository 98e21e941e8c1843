"""Series (cadence) pages, the slot suggester and the calendar downloads/feed."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vendorhub.access import can_manage, get_for_manager, get_for_user, manager_required
from vendorhub.formtools import add_errors
from vendorhub.models import Vendor

from .calendar import PUBLISH, meetings_to_ics, method_for
from .forms import MeetingSeriesForm, SlotForm
from .models import CalendarFeedToken, FeedScope, Meeting, MeetingSeries
from .services import (
    feed_token_create,
    feed_token_revoke,
    feed_token_set_scope,
    series_save,
    suggest_slots,
)

#: How far back the private feed reaches (recent history is useful in a calendar).
FEED_PAST_DAYS = 60


@login_required
@require_GET
def series_list(request: HttpRequest) -> HttpResponse:
    series = (
        MeetingSeries.objects.visible_to(request.user)
        .select_related("vendor", "owner")
        .order_by("vendor__name", "title")
    )
    return render(request, "meetings/series_list.html", {"series_list": series})


@login_required
@manager_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    return _series_form_page(request, series=None)


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    qs = MeetingSeries.objects.select_related("vendor", "owner")
    series = get_for_manager(qs, request.user, pk=pk)
    return _series_form_page(request, series=series)


def _series_form_page(request: HttpRequest, *, series: MeetingSeries | None) -> HttpResponse:
    """One view for the page, the live occurrence preview (``preview`` in the POST: the
    "Preview dates" button, or htmx on every change) and the save.

    A cadence outside either side's working hours is not saved on the first try: the
    page explains it (18:00 Berlin is 01:00 Manila) and asks for "Save anyway"."""
    vendor = None
    if series is None and request.GET.get("vendor"):
        vendor = Vendor.objects.visible_to(request.user).filter(slug=request.GET["vendor"]).first()
        if vendor is None and request.GET["vendor"].isdigit():
            vendor = (
                Vendor.objects.visible_to(request.user).filter(pk=request.GET["vendor"]).first()
            )
    form = MeetingSeriesForm(
        request.POST or None, instance=series, user=request.user, vendor=vendor
    )
    previewing = request.method == "POST" and "preview" in request.POST
    context: dict = {"form": form, "series": series, "preview": [], "warnings": []}
    candidate = form.preview_series(owner=request.user)
    if candidate is not None:
        now = timezone.now()
        context["preview"] = candidate.preview(now=now)
        context["preview_series"] = candidate
        context["warnings"] = candidate.working_hours_warnings(now=now)
    if request.method == "POST" and not previewing:
        accepted = request.POST.get("outside_hours") == "accept"
        if form.is_valid() and (accepted or not context["warnings"]):
            try:
                saved, created = series_save(
                    series=form.save(commit=False),
                    by=request.user,
                    invitees=form.cleaned_data["default_invitees"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if series is None:
                    messages.success(
                        request, f"“{saved.title}” was set up; {created} meetings planned."
                    )
                else:
                    messages.success(
                        request,
                        "The series was saved; its coming meetings follow the new cadence "
                        "(meetings moved by hand were kept).",
                    )
                return redirect(saved)
        if form.is_valid():
            messages.warning(
                request, "Nothing was saved yet: the time is outside working hours (see below)."
            )
        else:
            messages.error(request, "Please correct the errors below; nothing was saved.")
    template = "meetings/series_form.html"
    if request.htmx and previewing:
        template += "#preview"
    return render(request, template, context)


@login_required
@require_GET
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = MeetingSeries.objects.select_related("vendor", "owner").prefetch_related(
        "default_invitees"
    )
    series = get_for_user(qs, request.user, pk=pk)
    now = timezone.now()
    meetings = series.meetings.select_related("vendor")
    context = {
        "series": series,
        "upcoming": list(meetings.filter(start__gte=now).order_by("start")[:12]),
        "past": list(meetings.filter(start__lt=now).order_by("-start")[:12]),
        "preview": series.preview(now=now) if series.is_active else [],
    }
    return render(request, "meetings/series_detail.html", context)


@login_required
@require_GET
def slot_suggester(request: HttpRequest) -> HttpResponse:
    """Times inside both sides' working hours: schedule fairly, not always in the
    client's zone (SPEC §1: refusing to compromise)."""
    if request.user.is_partner:
        raise Http404
    form = SlotForm(request.GET or None, user=request.user)
    slots_by_day: list = []
    if form.is_valid():
        data = form.cleaned_data
        week = data["week"] - timedelta(days=data["week"].weekday())
        client_tz = zoneinfo.ZoneInfo(data["client_timezone"])
        slots = suggest_slots(
            vendor=data["vendor"],
            client_tz=client_tz,
            week_start=week,
            duration_minutes=data["duration_minutes"],
        )
        days: dict = {}
        for slot in slots:
            local = slot.astimezone(client_tz)
            days.setdefault(local.date(), []).append(
                (local, slot.astimezone(data["vendor"].tzinfo))
            )
        slots_by_day = sorted(days.items())
    template = "meetings/slots.html"
    if request.htmx:
        template += "#slots"
    context = {"form": form, "slots_by_day": slots_by_day}
    if form.is_valid():
        context["client_zone"] = form.cleaned_data["client_timezone"]
    return render(request, template, context)


# --- Calendar -------------------------------------------------------------------------
def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting as an invitation (``REQUEST``), a cancellation (``CANCEL``) or, once
    it has taken place, a plain record (``PUBLISH``): see ``meetings/calendar.py``."""
    qs = Meeting.objects.select_related("vendor", "organiser", "series__owner").prefetch_related(
        "attendances__user"
    )
    meeting = get_for_user(qs, request.user, pk=pk)
    body = meetings_to_ics(
        [meeting],
        name=meeting.title,
        method=method_for(meeting),
        base_url=request.build_absolute_uri("/")[:-1],
    )
    return _ics_response(body, f"meeting-{meeting.pk}.ics")


@login_required
@require_GET
def feed_settings(request: HttpRequest) -> HttpResponse:
    token = CalendarFeedToken.objects.live().filter(user=request.user).first()
    url = request.build_absolute_uri(f"/meetings/feed/{token.key}.ics") if token is not None else ""
    context = {
        "token": token,
        "feed_url": url,
        "scopes": FeedScope.choices if can_manage(request.user) else [],
    }
    return render(request, "meetings/feed.html", context)


@login_required
@require_POST
def feed_new(request: HttpRequest) -> HttpResponse:
    feed_token_create(user=request.user)
    messages.success(request, "A new private feed URL was made; the old one no longer works.")
    return redirect("meetings:feed_settings")


@login_required
@require_POST
def feed_scope(request: HttpRequest) -> HttpResponse:
    """Managers choose between their own meetings and every meeting (same URL)."""
    try:
        feed_token_set_scope(user=request.user, scope=request.POST.get("scope", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Your calendar feed was saved.")
    return redirect("meetings:feed_settings")


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    feed_token_revoke(user=request.user)
    messages.success(request, "Your calendar feed URL was revoked.")
    return redirect("meetings:feed_settings")


@require_GET
def feed(request: HttpRequest, key: str) -> HttpResponse:
    """The private feed (``METHOD:PUBLISH``): no session (calendar apps cannot log in),
    the secret key stands for the user, ``visible_to`` of that user applies as
    everywhere, and by default it holds only the meetings the user is invited to or
    organises (a manager may ask for every meeting)."""
    token = CalendarFeedToken.objects.live().select_related("user").filter(key=key).first()
    if token is None:
        raise Http404
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    meetings = (
        Meeting.objects.in_feed_of(token.user, everything=token.scope == FeedScope.ALL)
        .filter(start__gte=since)
        .select_related("vendor", "organiser", "series__owner")
        .prefetch_related("attendances__user")
        .order_by("start")[:1000]
    )
    body = meetings_to_ics(
        meetings,
        name="VendorHub meetings",
        method=PUBLISH,
        base_url=request.build_absolute_uri("/")[:-1],
    )
    return _ics_response(body, "vendorhub-meetings.ics")
