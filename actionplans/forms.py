"""Forms of the action-plan pages. They only translate: the services validate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.template.defaultfilters import filesizeformat

from contracts.models import Clause
from scorecards.models import KPI
from vendorhub.formtools import IsoDateInput
from vendorhub.models import Vendor
from vendorhub.uploads import EVIDENCE_TYPES, describe, max_upload_bytes

from .models import ActionPlan, PlanStatus, Side

if TYPE_CHECKING:
    from vendorhub.models import User


class PlanForm(forms.ModelForm):
    """Propose (or, for a manager, edit) a plan. A partner's vendor is its own."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput())

    class Meta:
        model = ActionPlan
        fields = [
            "vendor",
            "title",
            "root_cause",
            "description",
            "kpi",
            "target_value",
            "measure_from",
            "due_date",
            "cure_period_days",
            "clause",
        ]
        labels = {
            "description": "What will change",
            "target_value": "Target value",
            "cure_period_days": "Cure period (days)",
            "measure_from": "Measure from",
        }
        widgets = {
            "root_cause": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "measure_from": IsoDateInput(),
            "due_date": IsoDateInput(),
        }

    def __init__(self, *args: Any, user: User, vendor: Vendor | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = KPI.objects.filter(is_active=True).order_by("name")
        if self.instance.pk or user.is_partner or vendor is not None:
            # The vendor is fixed: the partner's own, the plan's, or the source's.
            del self.fields["vendor"]
        else:
            self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
        vendor_id = self.instance.vendor_id if self.instance.pk else None
        vendor_id = vendor_id or (vendor.pk if vendor else None) or user.vendor_id
        clauses = Clause.objects.visible_to(user).select_related("contract")
        if vendor_id:
            clauses = clauses.filter(vendor_id=vendor_id)
        self.fields["clause"].queryset = clauses.order_by("contract_id", "sort_key")
        self.fields["clause"].label_from_instance = lambda c: (
            f"{c.contract.reference} § {c.number} {c.heading}"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        pass  # the service validates the whole plan


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=PlanStatus.choices)
    version = forms.IntegerField(min_value=1)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=300, label="Milestone")
    owner_side = forms.ChoiceField(choices=Side.choices, label="Whose step", initial=Side.VENDOR)
    due_date = forms.DateField(widget=IsoDateInput(), label="Due")

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if user.is_partner:
            # The vendor adds its own steps; the client's are the client's to add.
            self.fields["owner_side"].choices = [(Side.VENDOR, Side.VENDOR.label)]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment (both sides see it)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = forms.FileField(required=False, label="Evidence")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = (
            f"Optional: {describe(EVIDENCE_TYPES)}, at most "
            f"{filesizeformat(max_upload_bytes())}; checked by content."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("body", "").strip() and not data.get("attachment"):
            self.add_error("body", "Write something (or attach a file).")
        return data


class PlanFilterForm(forms.Form):
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), required=False, empty_label="All vendors"
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("open", "Open"), *PlanStatus.choices], required=False
    )
    overdue = forms.BooleanField(required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if user.is_partner:
            del self.fields["vendor"]
        else:
            self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
