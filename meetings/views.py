"""Meeting pages: list, create/edit, detail with agenda, attendance, minutes, actions.

Every lookup goes through ``visible_to`` (404 outside scope); writes check the role
(403). HTMX posts re-render the section they changed (a partial of the detail page);
without JavaScript the same forms post and redirect back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vendorhub.access import can_manage, get_for_manager, get_for_user, manager_required
from vendorhub.concurrency import Conflict
from vendorhub.formtools import add_errors

from .forms import (
    ActionItemForm,
    ActionStatusForm,
    AgendaItemForm,
    InviteForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    RecordAttendanceForm,
)
from .models import ActionItem, Attendance, AttendanceStatus, Meeting, MeetingStatus
from .services import (
    action_item_create,
    action_item_update,
    agenda_item_add,
    agenda_suggestion_add,
    agenda_suggestions,
    attendance_record,
    attendance_set,
    carried_over_actions,
    meeting_schedule,
    meeting_update,
)

PAGE_SIZE = 25
DETAIL = "meetings/meeting_detail.html"


def _meetings(user):
    return Meeting.objects.visible_to(user).select_related("vendor", "series__owner", "organiser")


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming (default) or past meetings with filters; HTMX swaps the results."""
    user = request.user
    form = MeetingFilterForm(request.GET or None, user=user)
    meetings = _meetings(user)
    now = timezone.now()
    when = "upcoming"
    if form.is_valid():
        data = form.cleaned_data
        when = data["when"] or "upcoming"
        if data["vendor"]:
            meetings = meetings.filter(vendor=data["vendor"])
        if data["status"]:
            meetings = meetings.filter(status=data["status"])
        if data["kind"]:
            meetings = meetings.filter(series__kind=data["kind"])
    if when == "upcoming":
        meetings = meetings.filter(start__gte=now - timezone.timedelta(hours=2)).order_by(
            "start", "id"
        )
    elif when == "past":
        meetings = meetings.filter(start__lt=now).order_by("-start", "-id")
    else:
        meetings = meetings.order_by("-start", "-id")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "meetings/meeting_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, {"form": form, "page": page, "when": when})


@login_required
@manager_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, user=request.user)
    context: dict = {"form": form}
    if request.method == "POST":
        if form.is_valid() and not (warnings := _unconfirmed_hours(request, form)):
            with transaction.atomic():
                meeting = meeting_schedule(meeting=form.save(commit=False), by=request.user)
                attendance_set(
                    meeting=meeting, by=request.user, user=request.user, status="accepted"
                )
            messages.success(request, f"“{meeting.title}” was scheduled.")
            return redirect(meeting)
        if form.is_valid():
            context["warnings"] = warnings
        else:
            messages.error(request, "Please correct the errors below; nothing was saved.")
    return render(request, "meetings/meeting_form.html", context)


def _unconfirmed_hours(request: HttpRequest, form: MeetingForm) -> list[str]:
    """Why the new time is outside either side's working hours, unless the user said
    "Save anyway" (or the time did not change). Shown before saving, not after."""
    if request.POST.get("outside_hours") == "accept":
        return []
    if form.instance.pk and not {"start", "duration_minutes"} & set(form.changed_data):
        return []
    candidate = form.instance
    organiser = candidate.organiser if candidate.organiser_id else None
    if organiser is None:  # as ``meeting_schedule`` will set it: the client side's zone
        candidate.organiser = request.user
    warnings = candidate.working_hours_warnings()
    if organiser is None:
        candidate.organiser = None
    if warnings:
        messages.warning(
            request, "Nothing was saved yet: the time is outside working hours (see below)."
        )
    return warnings


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_manager(_meetings(request.user), request.user, pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    context: dict = {"form": form, "meeting": meeting}
    status = 200
    if request.method == "POST":
        if form.is_valid() and (warnings := _unconfirmed_hours(request, form)):
            context["warnings"] = warnings
        elif form.is_valid():
            try:
                meeting_update(
                    meeting=form.save(commit=False),
                    changed=[name for name in form.changed_data if name != "based_on"],
                    by=request.user,
                    based_on_sequence=form.cleaned_data.get("based_on"),
                )
            except Conflict as exc:
                context["conflict"] = str(exc)
                status = 409
            except ValidationError as exc:
                add_errors(form, exc)
                status = 400
            else:
                messages.success(request, "The meeting was saved.")
                return redirect(meeting)
        else:
            status = 400
        if status == 400:
            messages.error(request, "Please correct the errors below; nothing was saved.")
    return render(request, "meetings/meeting_form.html", context, status=status)


def _detail_context(request: HttpRequest, meeting: Meeting, **forms) -> dict:
    """Everything the detail page and its partials show, in a bounded number of queries."""
    user = request.user
    attendances = list(meeting.attendances.select_related("user"))
    mine = next((a for a in attendances if a.user_id == user.pk), None)
    manage = can_manage(user)
    actions = list(meeting.action_items.select_related("owner"))
    context = {
        "meeting": meeting,
        "agenda": list(meeting.agenda_items.select_related("added_by", "dispute")),
        "carried_over": list(carried_over_actions(meeting)),
        "attendances": attendances,
        "client_rows": [a for a in attendances if a.side == "client"],
        "vendor_rows": [a for a in attendances if a.side == "vendor"],
        "my_attendance": mine,
        "may_respond": not user.is_executive and meeting.status == MeetingStatus.SCHEDULED,
        "quorum_shortfall": meeting.quorum_shortfall(attendances),
        "warnings": meeting.working_hours_warnings(),
        "client_zone": meeting.client_timezone().key,
        "actions": actions,
        "may_add_agenda": not user.is_executive and meeting.status != MeetingStatus.CANCELLED,
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "today": timezone.localdate(),
    }
    if manage:
        context["suggestions"] = agenda_suggestions(meeting=meeting, user=user)
        context["minutes_form"] = forms.get("minutes_form") or MinutesForm(instance=meeting)
        context["record_form"] = forms.get("record_form") or RecordAttendanceForm(
            attendances=attendances
        )
        context["invite_form"] = forms.get("invite_form") or InviteForm(vendor=meeting.vendor)
        context["action_form"] = forms.get("action_form") or ActionItemForm(vendor=meeting.vendor)
    return context


def _section(request: HttpRequest, meeting: Meeting, name: str, **forms) -> HttpResponse:
    """HTMX: the changed section; otherwise back to the page (PRG)."""
    if request.htmx:
        meeting.refresh_from_db()
        return render(request, f"{DETAIL}#{name}", _detail_context(request, meeting, **forms))
    return redirect(meeting)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(_meetings(request.user), request.user, pk=pk)
    return render(request, DETAIL, _detail_context(request, meeting))


@login_required
@require_POST
def meeting_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline one's own invitation (partners included; not executives)."""
    meeting = get_for_user(_meetings(request.user), request.user, pk=pk)
    if request.user.is_executive:
        raise PermissionDenied("Executives read meetings; they do not change them.")
    answer = request.POST.get("status", "")
    if answer not in (AttendanceStatus.ACCEPTED, AttendanceStatus.DECLINED):
        messages.error(request, "Choose accept or decline.")
        return redirect(meeting)
    attendance_set(meeting=meeting, by=request.user, user=request.user, status=answer)
    return _section(request, meeting, "attendance")


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(_meetings(request.user), request.user, pk=pk)
    if request.user.is_executive:
        raise PermissionDenied("Executives read agendas; they do not change them.")
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            agenda_item_add(
                meeting=meeting,
                by=request.user,
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
            )
            form = AgendaItemForm()
        except ValidationError as exc:
            add_errors(form, exc)
    if not request.htmx and form.errors:
        messages.error(request, "The agenda point was not added: please check the form.")
    return _section(request, meeting, "agenda", agenda_form=form)


@login_required
@require_POST
def agenda_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: add a suggested point (an open dispute or an overdue action)."""
    meeting = get_for_manager(_meetings(request.user), request.user, pk=pk)
    try:
        agenda_suggestion_add(meeting=meeting, key=request.POST.get("key", ""), by=request.user)
    except ValidationError:
        messages.error(request, "That suggestion is no longer available.")
    return _section(request, meeting, "agenda")


@login_required
@require_POST
def minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_manager(_meetings(request.user), request.user, pk=pk)
    form = MinutesForm(request.POST, instance=meeting)
    if form.is_valid():
        form.save()
        if not request.htmx:
            messages.success(request, "Minutes saved.")
    return _section(request, meeting, "minutes", minutes_form=form)


@login_required
@require_POST
def attendance_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_manager(_meetings(request.user), request.user, pk=pk)
    form = InviteForm(request.POST, vendor=meeting.vendor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attendance_set(
                meeting=meeting,
                by=request.user,
                user=data["user"],
                name="" if data["user"] else data["name"],
                side=data["side"],
                role=data["role"],
                status=AttendanceStatus.INVITED,
            )
            form = InviteForm(vendor=meeting.vendor)
        except ValidationError as exc:
            add_errors(form, exc)
    if not request.htmx and form.errors:
        messages.error(request, "Nobody was invited: please check the form.")
    return _section(request, meeting, "attendance", invite_form=form)


@login_required
@require_POST
def attendance_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_manager(_meetings(request.user), request.user, pk=pk)
    rows = Attendance.objects.visible_to(request.user).filter(meeting=meeting)
    form = RecordAttendanceForm(request.POST, attendances=rows)
    if form.is_valid():
        attendance_record(meeting=meeting, statuses=form.statuses(), by=request.user)
        messages.success(request, "Attendance recorded.")
    return _section(request, meeting, "attendance", record_form=form if form.errors else None)


@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_manager(_meetings(request.user), request.user, pk=pk)
    form = ActionItemForm(request.POST, vendor=meeting.vendor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            action_item_create(
                meeting=meeting,
                by=request.user,
                title=data["title"],
                owner=data["owner"],
                owner_name=data["owner_name"],
                side=data["side"],
                due_date=data["due_date"],
            )
            form = ActionItemForm(vendor=meeting.vendor)
        except ValidationError as exc:
            add_errors(form, exc)
    if not request.htmx and form.errors:
        messages.error(request, "The action item was not added: please check the form.")
    return _section(request, meeting, "actions", action_form=form)


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Managers, or the partner who owns the item, move it on."""
    items = ActionItem.objects.visible_to(request.user).select_related("meeting")
    item = get_for_user(items, request.user, pk=pk)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid status.")
        return redirect(item.meeting)
    action_item_update(item=item, by=request.user, status=form.cleaned_data["status"])
    meeting = get_for_user(_meetings(request.user), request.user, pk=item.meeting_id)
    return _section(request, meeting, "actions")


@login_required
@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    """Open action items in scope, the caller's own first: what to follow up."""
    items = (
        ActionItem.objects.visible_to(request.user)
        .open()
        .select_related("vendor", "owner", "meeting")
        .order_by("due_date", "id")
    )
    if request.GET.get("mine"):
        items = items.filter(owner=request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/action_list.html",
        {"page": page, "today": timezone.localdate(), "mine": bool(request.GET.get("mine"))},
    )
