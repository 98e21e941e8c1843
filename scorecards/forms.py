"""Forms of the scorecards pages; rules stay in the models and services."""

from __future__ import annotations

import hashlib
import json

from django import forms
from django.forms.models import construct_instance

from vendorhub.formtools import IsoDateInput
from vendorhub.models import Vendor

from .formulas import COUNT_FIELDS
from .models import KPI, Measurement, SuppliedBy, Target
from .services.imports import ImportFormat

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class PreviewedForm:
    """Mixin: the page shows what will be stored, and saves only what was shown.

    ``checked`` carries the fingerprint of the data the preview was made from; a POST
    whose data no longer matches it (the user changed a figure after the preview) is
    previewed again instead of saved.
    """

    def fingerprint(self) -> str:
        data = {
            name: str(getattr(value, "pk", value))
            for name, value in sorted(self.cleaned_data.items())
            if name not in ("checked", "version")
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def is_confirmed(self) -> bool:
        return self.data.get("checked") == self.fingerprint()


class MeasurementForm(PreviewedForm, forms.ModelForm):
    """A new measurement: a value (with volume), a ratio's numerator and denominator,
    or — for the contact-centre KPIs — the raw counts."""

    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none(), to_field_name="slug")
    checked = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Measurement
        fields = [
            "vendor",
            "kpi",
            "period_start",
            "granularity",
            "supplied_by",
            "value",
            "volume",
            "numerator",
            "denominator",
            *COUNT_FIELDS,
        ]
        widgets = {"period_start": IsoDateInput()}
        help_texts = {
            "value": "Leave empty when you give counts: the value is computed from them.",
            "volume": "Contacts behind the value; for a ratio KPI the denominator.",
            "numerator": "Ratio KPIs only: e.g. answered within threshold.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user)
        self.fields["kpi"].queryset = KPI.objects.active()
        self.fields["value"].required = False
        if user.is_partner:
            # A partner submits for its own vendor, always as vendor-reported.
            self.instance.supplied_by = SuppliedBy.VENDOR
            del self.fields["supplied_by"]
            if user.vendor_id:
                self.fields["vendor"].initial = user.vendor.slug

    def clean(self):
        data = super().clean()
        has_counts = any(data.get(name) is not None for name in COUNT_FIELDS)
        if data.get("value") is None and not has_counts:
            kpi = data.get("kpi")
            if not (
                kpi
                and kpi.is_ratio
                and data.get("numerator") is not None
                and data.get("denominator")
            ):
                self.add_error("value", "Enter the value (or its counts).")
        return data

    def _post_clean(self):
        # Only build the row: the service validates it once, with the service-level
        # definition of the vendor's contract (a first check with the defaults would
        # derive a value that the contract's definition then contradicts).
        self.instance = construct_instance(self, self.instance, self._meta.fields)


class MeasurementEditForm(PreviewedForm, forms.ModelForm):
    """The figures of an existing measurement (its vendor, KPI, period and side stay)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    checked = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Measurement
        fields = ["value", "volume", "numerator", "denominator", *COUNT_FIELDS]
        help_texts = MeasurementForm.Meta.help_texts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].required = False
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def _post_clean(self):
        # The service applies the changes (and validates the whole row); the form only
        # reads the figures, so the instance is left as loaded.
        pass

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "kpi",
            "target",
            "threshold",
            "weight",
            "effective_from",
            "effective_to",
            "contract",
            "clause",
            "notes",
        ]
        widgets = {
            "effective_from": IsoDateInput(),
            "effective_to": IsoDateInput(),
        }

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.vendor = vendor
        self.fields["kpi"].queryset = KPI.objects.active()
        from contracts.models import Clause, Contract

        self.fields["contract"].queryset = Contract.objects.filter(vendor=vendor)
        self.fields["clause"].queryset = Clause.objects.filter(vendor=vendor).select_related(
            "contract"
        )


class ImportForm(forms.Form):
    """Which vendor, which format, which file; the preview posts the content back."""

    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none(), to_field_name="slug")
    format = forms.ChoiceField(choices=ImportFormat.choices, initial=ImportFormat.CSV)
    supplied_by = forms.ChoiceField(
        label="Side",
        choices=SuppliedBy.choices,
        initial=SuppliedBy.CLIENT,
        help_text="Client-measured (your own platform data) or vendor-reported.",
    )
    file = forms.FileField(
        required=False,
        help_text="CSV (UTF-8) or the platform's JSON response, at most 5 MB.",
    )
    content = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        vendors = Vendor.objects.visible_to(user).only("id", "slug", "name")
        self.fields["vendor"].queryset = vendors
        if user.is_partner:
            # A partner submits for its own vendor, always as vendor-reported.
            self.fields["vendor"].initial = user.vendor.slug if user.vendor_id else None
            del self.fields["supplied_by"]

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError("The file is larger than 5 MB.")
            suffixes = (".json",) if data.get("format") != ImportFormat.CSV else (".csv", ".txt")
            if not upload.name.lower().endswith(suffixes):
                self.add_error("file", f"Upload a {suffixes[0]} file for this format.")
                return data
            try:
                data["content"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file is not UTF-8 text.")
        elif not data.get("content"):
            self.add_error("file", "Choose a file.")
        if len(data.get("content") or "") > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        return data


class AppealForm(forms.Form):
    kpi = forms.ChoiceField(label="KPI line")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), min_length=10)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [(line["kpi"], line["name"]) for line in lines]


class RestateForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        help_text="Why the published figures change (e.g. the upheld appeal DSP-2026-0042).",
    )
