from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory

from .formtools import IsoTimeInput
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
from .ratelimit import login_attempt_allowed, login_failed


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
            "working_hours_start": IsoTimeInput(),
            "working_hours_end": IsoTimeInput(),
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


# Every formset is bounded. Django builds as many forms as the posted TOTAL_FORMS asks
# for (up to 1,000 by default), and a site form carries a time-zone and a country
# <select> (~45 KB of HTML each): ``sites-TOTAL_FORMS=1000`` kept a worker busy for 30 s
# and got it killed. Beyond ``MAX_INLINE_ROWS`` the formset builds no more forms and
# answers with a form error. Twenty sites or contacts on one form is plenty for a
# contact-centre vendor; the re-rendered form then stays under a second.
MAX_INLINE_ROWS = 20
BOUNDED_FORMSET = {
    "max_num": MAX_INLINE_ROWS,
    "absolute_max": MAX_INLINE_ROWS,
    "validate_max": True,
}

VendorContactFormSet = inlineformset_factory(
    Vendor,
    VendorContact,
    fields=["name", "role", "email", "phone", "is_primary"],
    extra=1,
    can_delete=True,
    **BOUNDED_FORMSET,
)

VendorSiteFormSet = inlineformset_factory(
    Vendor,
    VendorSite,
    fields=["name", "city", "country", "timezone", "seats"],
    extra=1,
    can_delete=True,
    **BOUNDED_FORMSET,
)


class ProfileForm(forms.ModelForm):
    """The user's own details. Changing the e-mail address needs the current password:
    the address receives password-reset links, so whoever controls it controls the
    account, and a session left open (or stolen) must not be enough to take it."""

    current_password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed only to change your e-mail address.",
    )
    field_order = ["first_name", "last_name", "email", "current_password"]

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

    def clean(self) -> dict:
        data = super().clean()
        if "email" in self.changed_data:
            password = data.get("current_password") or ""
            username = self.instance.get_username()
            if not login_attempt_allowed(username):
                self.add_error("current_password", "Too many wrong passwords; try again later.")
            elif not self.instance.check_password(password):
                login_failed(username)  # guesses here count like failed log-ins
                self.add_error(
                    "current_password",
                    "Enter your current password to change your e-mail address."
                    if not password
                    else "Your current password was entered incorrectly.",
                )
        return data
