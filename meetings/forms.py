"""Forms of the meetings pages. Choices of vendors, series and people are always
scoped to what the signed-in user may see."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vendorhub.bounds import BoundedDateField
from vendorhub.formtools import IsoDateInput, IsoDateTimeInput, IsoTimeInput
from vendorhub.models import Role, User, Vendor
from vendorhub.models.timezones import curated_timezone_choices

from . import recurrence
from .models import (
    ActionItem,
    ActionStatus,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Side,
    validate_rrule,
)


def people_for(vendor: Vendor | None):
    """Who may be invited or own an action: the client side and this vendor's staff."""
    people = User.objects.filter(is_active=True)
    if vendor is None:
        return people.exclude(role=Role.PARTNER).order_by("username")
    return people.filter(~Q(role=Role.PARTNER) | Q(vendor=vendor)).order_by("role", "username")


class MeetingSeriesForm(forms.ModelForm):
    """The cadence builder: a repeat pattern, a weekday and (monthly, quarterly) which one
    in the month make the RRULE; the raw rule is the advanced "custom" option. The time
    zone is picked from a curated list and defaults to the vendor's; the vendor's people
    can be invited as soon as the vendor is chosen (``vendor``: the one known so far)."""

    repeat = forms.ChoiceField(
        label="Repeats",
        choices=recurrence.Repeat.choices,
        initial=recurrence.Repeat.WEEKLY,
        required=False,
    )
    weekday = forms.ChoiceField(
        label="On", choices=recurrence.WEEKDAYS, initial="TU", required=False
    )
    nth = forms.ChoiceField(
        label="Which one in the month",
        choices=recurrence.NTHS,
        initial="1",
        required=False,
        help_text="For monthly and quarterly meetings: e.g. the first Thursday.",
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="The zone whose wall-clock time the meeting keeps across DST changes.",
    )

    class Meta:
        model = MeetingSeries
        fields = [
            "vendor",
            "title",
            "kind",
            "rrule",
            "starts_on",
            "start_time",
            "timezone",
            "duration_minutes",
            "channel",
            "channel_details",
            "standing_agenda",
            "default_invitees",
            "required_roles",
            "is_active",
        ]
        labels = {"rrule": "iCalendar rule (RRULE)"}
        widgets = {
            "starts_on": IsoDateInput(),
            "start_time": IsoTimeInput(),
            "standing_agenda": forms.Textarea(attrs={"rows": 4}),
            "default_invitees": forms.CheckboxSelectMultiple,
        }

    #: The fields the occurrence preview needs (the rest may still be empty).
    PREVIEW_FIELDS = ("vendor", "repeat", "weekday", "nth", "rrule", "starts_on", "start_time")

    def __init__(self, *args, user: User, vendor: Vendor | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        vendors = Vendor.objects.visible_to(user).order_by("name")
        self.fields["vendor"].queryset = vendors
        if self.instance.vendor_id:
            self.vendor = self.instance.vendor
            self.fields["vendor"].disabled = True
        elif self.is_bound:
            self.vendor = _chosen(vendors, self.data.get(self.add_prefix("vendor")))
        else:
            self.vendor = vendor
            if vendor is not None:
                self.initial["vendor"] = vendor.pk
        if not self.instance.vendor_id:
            # With JavaScript, choosing the vendor brings its people and its zone in
            # (the page's own fragments); without, they come after "Preview dates".
            self.fields["vendor"].widget.attrs.update(
                {
                    "hx-get": reverse("meetings:series_create"),
                    "hx-trigger": "change",
                    "hx-target": "#invitees-field",
                    "hx-select": "#invitees-field",
                    "hx-swap": "outerHTML",
                    "hx-select-oob": "#timezone-field",
                }
            )
        # Invitees: the client side and, once the vendor is known, its own people (a
        # partner of another vendor is not a valid choice, so never saved).
        self.fields["default_invitees"].queryset = people_for(self.vendor)
        self.fields["default_invitees"].help_text = (
            f"The client side and {self.vendor.name}'s people."
            if self.vendor is not None
            else "Choose the vendor first to invite its people."
        )
        self.fields["rrule"].required = False
        self.fields[
            "rrule"
        ].help_text = "Only for a cadence the builder cannot say, e.g. FREQ=WEEKLY;BYDAY=MO,TH."
        zones = set(vendors.values_list("timezone", flat=True).distinct())
        default = (
            f"{self.vendor.name}'s zone ({self.vendor.timezone})"
            if self.vendor is not None
            else "The vendor's zone"
        )
        self.fields["timezone"].choices = [
            ("", default),
            *curated_timezone_choices(*zones, self.instance.timezone or ""),
        ]
        if self.instance.pk:
            cadence = recurrence.parse(self.instance.rule_text)
            if cadence is None:
                self.initial["repeat"] = recurrence.Repeat.CUSTOM
            else:
                self.initial.update(
                    repeat=cadence.repeat, weekday=cadence.weekday, nth=cadence.nth or "1"
                )
        elif self.vendor is not None:
            self.initial.setdefault("timezone", "")

    def clean(self):
        data = super().clean()
        # No pattern but a rule typed (a form posted without the builder): the rule.
        repeat = data.get("repeat") or recurrence.Repeat.CUSTOM
        if repeat == recurrence.Repeat.CUSTOM:
            if not (data.get("rrule") or "").strip():
                self.add_error("rrule", "Enter the rule, or choose a cadence above.")
        elif not data.get("weekday"):
            self.add_error("weekday", "Choose the day of the week.")
        else:
            data["rrule"] = recurrence.build(
                recurrence.Cadence(
                    repeat=repeat, weekday=data["weekday"], nth=data.get("nth") or "1"
                )
            )
        vendor = data.get("vendor") or self.vendor
        if not data.get("timezone") and vendor is not None:
            data["timezone"] = vendor.timezone
        return data

    def preview_series(self, *, owner: User) -> MeetingSeries | None:
        """An unsaved series made of what is filled in so far, for the occurrence
        preview; None while the rule, the vendor or the time is missing or wrong."""
        if not self.is_bound:
            return None
        self.is_valid()  # runs the cleaning once; the errors are kept
        data = self.cleaned_data
        if any(name in self.errors for name in self.PREVIEW_FIELDS):
            return None
        if not all(data.get(name) for name in ("vendor", "rrule", "starts_on", "start_time")):
            return None
        try:
            validate_rrule(data["rrule"])
        except ValidationError:
            return None
        return MeetingSeries(
            vendor=data["vendor"],
            rrule=data["rrule"],
            starts_on=data["starts_on"],
            start_time=data["start_time"],
            timezone=data.get("timezone") or data["vendor"].timezone,
            duration_minutes=data.get("duration_minutes") or 60,
            owner=self.instance.owner if self.instance.owner_id else owner,
        )


def _chosen(vendors, value) -> Vendor | None:
    """The vendor a bound form names, if the user may see it (else: none yet)."""
    try:
        return vendors.filter(pk=int(value)).first() if value else None
    except (TypeError, ValueError):
        return None


class MeetingForm(forms.ModelForm):
    start = forms.DateTimeField(
        widget=IsoDateTimeInput(),
        help_text="In your own time zone; stored in UTC and shown to each person in theirs.",
    )

    class Meta:
        model = Meeting
        fields = [
            "vendor",
            "title",
            "start",
            "duration_minutes",
            "status",
            "channel",
            "channel_details",
        ]

    #: The calendar ``sequence`` the editor read: a stale one is a 409, not an overwrite.
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
        if self.instance.pk:
            self.fields["vendor"].disabled = True
            self.initial.setdefault("based_on", self.instance.sequence)


class MeetingFilterForm(forms.Form):
    WHEN = [("upcoming", "Upcoming"), ("past", "Past"), ("all", "All")]
    when = forms.ChoiceField(choices=WHEN, required=False, initial="upcoming")
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), required=False, to_field_name="slug", empty_label="All"
    )
    status = forms.ChoiceField(choices=[("", "Any"), *MeetingStatus.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any"), *MeetingKind.choices], required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")


class AgendaItemForm(forms.Form):
    title = forms.CharField(max_length=300, label="New agenda point")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 8})}


class InviteForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Person")
    name = forms.CharField(max_length=120, required=False, help_text="Or a guest without log-in.")
    side = forms.ChoiceField(choices=[("", "Their side"), *Side.choices], required=False)
    role = forms.CharField(max_length=120, required=False, help_text="e.g. Account director")

    def __init__(self, *args, vendor: Vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_for(vendor)

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            raise forms.ValidationError("Pick a person or type a guest's name.")
        if not data.get("user") and not data.get("side"):
            self.add_error("side", "Say which side a guest is on.")
        return data


class RecordAttendanceForm(forms.Form):
    """One status field per invitee: the quick form after the meeting."""

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(attendances)
        for row in self.rows:
            self.fields[f"a{row.pk}"] = forms.ChoiceField(
                choices=AttendanceStatus.choices, initial=row.status, label=row.display_name
            )

    def statuses(self) -> dict[int, str]:
        return {row.pk: self.cleaned_data[f"a{row.pk}"] for row in self.rows}

    def bound_rows(self):
        return [(row, self[f"a{row.pk}"]) for row in self.rows]


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "owner", "owner_name", "side", "due_date"]
        widgets = {"due_date": IsoDateInput()}

    def __init__(self, *args, vendor: Vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_for(vendor)
        self.fields["due_date"].initial = timezone.localdate() + timedelta(days=7)
        self.instance.vendor = vendor

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            self.add_error("owner", "Name who owns this action.")
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class SlotForm(forms.Form):
    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none(), to_field_name="slug")
    # Bounded: week=0001-01-01 or 9999-12-31 overflowed in the time-zone maths.
    week = BoundedDateField(widget=IsoDateInput(), help_text="Any day of the week to search.")
    duration_minutes = forms.IntegerField(min_value=15, max_value=480, initial=60)
    client_timezone = forms.ChoiceField(choices=(), label="Client time zone")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
        self.fields["client_timezone"].choices = curated_timezone_choices(user.timezone)
        self.fields["client_timezone"].initial = user.timezone
