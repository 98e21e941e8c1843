"""Forms of the meetings pages. Choices of vendors, series and people are always
scoped to what the signed-in user may see."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone

from vendorhub.bounds import BoundedDateField
from vendorhub.formtools import IsoDateInput, IsoDateTimeInput, IsoTimeInput
from vendorhub.models import Role, User, Vendor, timezone_choices

from .models import (
    ActionItem,
    ActionStatus,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Side,
)


def people_for(vendor: Vendor | None):
    """Who may be invited or own an action: the client side and this vendor's staff."""
    people = User.objects.filter(is_active=True)
    if vendor is None:
        return people.exclude(role=Role.PARTNER).order_by("username")
    return people.filter(~Q(role=Role.PARTNER) | Q(vendor=vendor)).order_by("role", "username")


class MeetingSeriesForm(forms.ModelForm):
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
        widgets = {
            "starts_on": IsoDateInput(),
            "start_time": IsoTimeInput(),
            "standing_agenda": forms.Textarea(attrs={"rows": 4}),
            "default_invitees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
        vendor = self.instance.vendor if self.instance.vendor_id else None
        self.fields["default_invitees"].queryset = people_for(vendor)
        self.fields[
            "default_invitees"
        ].help_text = "Partners of other vendors are never invited, whatever is ticked."
        if self.instance.pk:
            self.fields["vendor"].disabled = True


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

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
        if self.instance.pk:
            self.fields["vendor"].disabled = True


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
    client_timezone = forms.ChoiceField(choices=timezone_choices, label="Client time zone")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
        self.fields["client_timezone"].initial = user.timezone
