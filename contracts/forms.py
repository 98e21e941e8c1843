"""Forms of the contracts pages: they translate input; rules live on models/services."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat

from vendorhub.formtools import IsoDateInput, LeanSelect
from vendorhub.models import Role, User, Vendor
from vendorhub.uploads import CONTRACT_DOCUMENT_TYPES, describe, max_upload_bytes

from .models import (
    Amendment,
    Clause,
    ClauseCategory,
    Contract,
    ContractStatus,
    PricingModel,
    RateCardLine,
    ScopeChange,
)


class ContractFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All",
        widget=LeanSelect,
    )
    status = forms.ChoiceField(choices=[("", "All"), *ContractStatus.choices], required=False)
    pricing_model = forms.ChoiceField(
        label="Pricing", choices=[("", "All"), *PricingModel.choices], required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).only("name", "slug")


class AllocationField(forms.JSONField):
    """The per-KPI allocation as JSON text (e.g. {"service_level": 50, "csat": 25})."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value or {})


class ContractForm(forms.ModelForm):
    service_credit_allocation = AllocationField(
        required=False,
        label="Service-credit allocation",
        help_text='KPI code → percent of the at-risk amount, e.g. {"service_level": 50, '
        '"csat": 25}.',
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Contract
        fields = [
            "vendor",
            "reference",
            "title",
            "status",
            "effective_date",
            "end_date",
            "auto_renewal",
            "renewal_term_months",
            "renewal_notice_days",
            "termination_notice_days",
            "pricing_model",
            "currency",
            "monthly_fee",
            "service_credit_at_risk_percent",
            "service_credit_cap_percent",
            "service_credit_allocation",
            "service_level_threshold_seconds",
            "abandon_treatment",
            "short_abandon_seconds",
            "owner",
            "internal_notes",
        ]
        widgets = {
            "effective_date": IsoDateInput(),
            "end_date": IsoDateInput(),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user)
        self.fields["owner"].queryset = User.objects.filter(role=Role.MANAGER, is_active=True)
        self.fields["renewal_term_months"].required = False

    def clean_service_credit_allocation(self) -> dict:
        return self.cleaned_data.get("service_credit_allocation") or {}

    def clean_renewal_term_months(self) -> int:
        # Optional on the form (older clients and scripts omit it): keep the current term.
        value = self.cleaned_data.get("renewal_term_months")
        return value if value is not None else (self.instance.renewal_term_months or 12)


class ClauseForm(forms.ModelForm):
    class Meta:
        model = Clause
        fields = ["number", "heading", "category", "obligated_party", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}

    #: The ``updated_at`` the editor read (ISO, to the microsecond): a save based on an
    #: older one is refused with 409 instead of overwriting someone else's edit.
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, amendments=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.initial.setdefault("based_on", self.instance.updated_at.isoformat())
        if amendments is not None:
            self.fields["amendment"] = forms.ModelChoiceField(
                queryset=amendments,
                required=False,
                help_text="Record this edit as part of an amendment.",
            )

    def clean_based_on(self) -> datetime | None:
        value = self.cleaned_data.get("based_on") or ""
        try:
            return datetime.fromisoformat(value) if value else None
        except ValueError:
            return None  # a mangled token: treated as "not said", like the API's 428 rule

    def clean_body(self) -> str:
        # Browsers send a textarea's lines as CRLF: the same text must compare equal to
        # the stored one, or every untouched save would look like a new version.
        return self.cleaned_data["body"].replace("\r\n", "\n")


class ClauseSearchForm(forms.Form):
    q = forms.CharField(label="Search clauses", required=False, max_length=200)
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All",
        widget=LeanSelect,
    )
    contract = forms.ModelChoiceField(
        queryset=Contract.objects.none(), required=False, empty_label="All", widget=LeanSelect
    )
    category = forms.ChoiceField(choices=[("", "All"), *ClauseCategory.choices], required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).only("name", "slug")
        self.fields["contract"].queryset = (
            Contract.objects.visible_to(user).only("reference", "title").order_by("reference")
        )
        self.fields["contract"].label_from_instance = lambda c: c.reference


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["reference", "effective_date", "summary", "clauses"]
        widgets = {
            "effective_date": IsoDateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "clauses": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["clauses"].queryset = contract.clauses.all()

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"]
        others = self.contract.amendments.exclude(pk=self.instance.pk or 0)
        if others.filter(reference=reference).exists():
            raise forms.ValidationError("This contract already has an amendment with this name.")
        return reference


class ScopeChangeForm(forms.ModelForm):
    class Meta:
        model = ScopeChange
        fields = ["title", "description", "price_impact"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ScopeChangeDecisionForm(forms.Form):
    status = forms.ChoiceField(choices=[("accepted", "Accept"), ("rejected", "Reject")])
    note = forms.CharField(required=False, max_length=2000)


class RateCardLineForm(forms.ModelForm):
    class Meta:
        model = RateCardLine
        fields = ["description", "unit", "rate", "volume_band"]


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    file = forms.FileField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"{describe(CONTRACT_DOCUMENT_TYPES)}, checked by content (no macros), at most "
            f"{filesizeformat(max_upload_bytes())}."
        )
