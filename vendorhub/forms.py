from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory

from .models import (
    WEEKDAY_NAMES,
    Role,
    Service,
    User,
    Vendor,
    VendorContact,
    VendorSite,
    VendorStatus,
)


class VendorForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        choices=Service.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    working_days = forms.MultipleChoiceField(
        choices=[(str(i + 1), name) for i, name in enumerate(WEEKDAY_NAMES)],
        widget=forms.CheckboxSelectMultiple,
        initial=list("12345"),
    )

    class Meta:
        model = Vendor
        fields = [
            "name",
            "slug",
            "status",
            "country",
            "timezone",
            "working_hours_start",
            "working_hours_end",
            "working_days",
            "services",
            "relationship_owner",
            "website",
            "notes",
        ]
        widgets = {
            "working_hours_start": forms.TimeInput(attrs={"type": "time"}),
            "working_hours_end": forms.TimeInput(attrs={"type": "time"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship_owner"].queryset = User.objects.filter(
            role=Role.MANAGER, is_active=True
        ).order_by("first_name", "last_name", "username")
        if self.instance.pk:
            self.initial["working_days"] = list(self.instance.working_days)
            self.fields[
                "slug"
            ].help_text = "Changing the slug changes every URL and API link to this vendor."

    def clean_working_days(self) -> str:
        return "".join(sorted(self.cleaned_data["working_days"]))


class VendorFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *VendorStatus.choices])
    service = forms.ChoiceField(required=False, choices=[("", "Any service"), *Service.choices])
    sort = forms.ChoiceField(
        required=False,
        choices=[("name", "Name"), ("-updated_at", "Recently changed"), ("status", "Status")],
    )


VendorContactFormSet = inlineformset_factory(
    Vendor,
    VendorContact,
    fields=["name", "role", "email", "phone", "is_primary"],
    extra=1,
    can_delete=True,
)

VendorSiteFormSet = inlineformset_factory(
    Vendor,
    VendorSite,
    fields=["name", "city", "country", "timezone", "seats"],
    extra=1,
    can_delete=True,
)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "email",
            "job_title",
            "timezone",
            "notification_delivery",
        ]
        help_texts = {"timezone": "Every time in VendorHub is shown in this zone."}
