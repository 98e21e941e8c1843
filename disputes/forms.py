"""Forms of the dispute pages. They validate input; the services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from contracts.models import Clause, Contract
from scorecards.models import KPI
from vendorhub.access import speaks_for_vendor
from vendorhub.formtools import IsoDateInput, LeanSelect
from vendorhub.models import Role, User, Vendor
from vendorhub.uploads import EVIDENCE_TYPES, describe, max_upload_bytes

from .models import Dispute, DisputeType, Outcome, Severity, Status

SORTS = [
    ("-created_at", "Newest first"),
    ("created_at", "Oldest first"),
    ("resolution_due_at", "Due soonest"),
    ("-severity_rank", "Most severe"),
    ("reference", "Reference"),
]


class DisputeFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All",
        widget=LeanSelect,
    )
    type = forms.ChoiceField(choices=[("", "All"), *DisputeType.choices], required=False)
    severity = forms.ChoiceField(choices=[("", "All"), *Severity.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "All"), ("unresolved", "Unresolved"), *Status.choices], required=False
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        to_field_name="username",
        empty_label="Anyone",
        widget=LeanSelect,
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")
    recurring = forms.BooleanField(required=False, label="Recurring only")
    sort = forms.ChoiceField(choices=SORTS, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
        if user.is_partner:
            del self.fields["vendor"]
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = User.objects.filter(
                role=Role.MANAGER, is_active=True
            ).order_by("username")


class DisputeForm(forms.ModelForm):
    """Logging a dispute. Type-specific fields are grouped; all are optional but sane."""

    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none(), to_field_name="slug")

    class Meta:
        model = Dispute
        fields = [
            "vendor",
            "type",
            "severity",
            "title",
            "description",
            "contract",
            "clause",
            "disputed_amount",
            "currency",
            "kpi",
            "kpi_period_start",
            "kpi_period_end",
            "owner",
            "vendor_assignee",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "kpi_period_start": IsoDateInput(),
            "kpi_period_end": IsoDateInput(),
        }
        help_texts = {
            "title": "One line that names the problem, e.g. “Service level below 80 % in May”.",
            "disputed_amount": "Pricing disputes: the amount you contest.",
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["vendor"].queryset = Vendor.objects.visible_to(user).order_by("name")
        self.fields["owner"].queryset = User.objects.filter(
            role=Role.MANAGER, is_active=True
        ).order_by("username")
        partners = User.objects.filter(role=Role.PARTNER, is_active=True).select_related("vendor")
        if user.is_partner:
            partners = partners.filter(vendor_id=user.vendor_id)
            self.fields["vendor"].initial = user.vendor
            self.fields["vendor"].widget = forms.HiddenInput()
            del self.fields["owner"]
        self.fields["vendor_assignee"].queryset = partners.order_by("vendor__name", "username")
        self.fields["vendor_assignee"].label_from_instance = lambda u: (
            f"{u} ({u.vendor.name})" if u.vendor_id else str(u)
        )
        # Picking the vendor reloads the contract and clause choices (htmx, real GET).
        self.fields["vendor"].widget.attrs.update(
            {
                "hx-get": reverse("disputes:create"),
                "hx-target": "#links",
                "hx-select": "#links",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        limit_links(self, user, self._chosen_vendor(user))

    def _chosen_vendor(self, user: User) -> Vendor | None:
        if user.is_partner:
            return user.vendor
        slug = self.data.get("vendor") if self.is_bound else self.initial.get("vendor")
        if not slug:
            return None
        return self.fields["vendor"].queryset.filter(slug=slug).first()

    def clean_vendor(self) -> Vendor:
        vendor = self.cleaned_data["vendor"]
        if self.user.is_partner and not speaks_for_vendor(self.user, vendor):
            raise forms.ValidationError("You can only raise disputes about your own company.")
        return vendor

    def _post_clean(self) -> None:
        # The service runs full_clean with the clocks set; skip the instance checks here
        # (reference and clocks do not exist yet) and keep only field-level cleaning.
        pass


def limit_links(form: forms.ModelForm, user: User, vendor: Vendor | None) -> None:
    """Contracts and clauses offered are the chosen vendor's only (none before a choice).

    Vendors have thousands of clauses between them: listing them all would be useless
    and slow, and a clause of another vendor is refused by the service anyway.
    """
    contracts = Contract.objects.visible_to(user)
    clauses = Clause.objects.visible_to(user).select_related("contract")
    if vendor is None:
        contracts, clauses = contracts.none(), clauses.none()
        form.fields["clause"].help_text = "Choose the vendor first."
    else:
        contracts = contracts.filter(vendor=vendor)
        clauses = clauses.filter(vendor=vendor).order_by("contract_id", "sort_key")
        form.fields["clause"].help_text = "Expected for a breach: the clause that was violated."
    form.fields["contract"].queryset = contracts
    form.fields["clause"].queryset = clauses
    form.fields["clause"].label_from_instance = lambda c: (
        f"{c.contract.reference} § {c.number} {c.heading}"
    )
    form.fields["kpi"].queryset = KPI.objects.active().order_by("sort_order", "name")
    form.fields["kpi"].help_text = "Underperformance: the KPI that was missed."


class DisputeEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput())

    class Meta:
        model = Dispute
        fields = [
            "type",
            "severity",
            "title",
            "description",
            "owner",
            "vendor_assignee",
            "contract",
            "clause",
            "disputed_amount",
            "currency",
            "kpi",
            "kpi_period_start",
            "kpi_period_end",
            "service_credit_agreed",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "kpi_period_start": IsoDateInput(),
            "kpi_period_end": IsoDateInput(),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_links(self, user, self.instance.vendor)
        self.fields["version"].initial = self.instance.version
        self.fields["owner"].queryset = User.objects.filter(role=Role.MANAGER, is_active=True)
        self.fields["vendor_assignee"].queryset = User.objects.filter(
            role=Role.PARTNER, is_active=True, vendor_id=self.instance.vendor_id
        )

    def _post_clean(self) -> None:
        pass  # dispute_update validates the whole instance


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    version = forms.IntegerField(min_value=1)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(choices=[("", "—"), *Outcome.choices], required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Chosen every time, never preset: a comment meant to stay internal must not reach
    # the vendor because nobody looked at a pre-ticked "shared".
    visibility = forms.ChoiceField(
        label="Who sees it",
        choices=[("shared", "Shared with the vendor"), ("internal", "Internal (client side only)")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who sees this comment: shared with the vendor, or internal."
        },
    )
    attachment = forms.FileField(required=False, label="Evidence")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = (
            f"Optional: {describe(EVIDENCE_TYPES)}, at most "
            f"{filesizeformat(max_upload_bytes())}; checked by content."
        )
        if user.is_partner:
            del self.fields["visibility"]  # partners cannot write internal notes
            self.fields["body"].label = "Comment (the client sees it)"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("body", "").strip() and not data.get("attachment"):
            self.add_error("body", "Write something (or attach a file).")
        return data


class RespondForm(forms.Form):
    """The answer of the side a dispute was raised against, worded for who sees it."""

    body = forms.CharField(
        label="Your reply (the client sees it)", widget=forms.Textarea(attrs={"rows": 4})
    )
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    action_plan = forms.CharField(
        required=False,
        label="Corrective action plan",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput())

    def __init__(self, *args: Any, dispute: Dispute | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if dispute is None:
            return
        if dispute.raised_by_side == "vendor":
            # The vendor raised it: the client answers, with no root cause of its own.
            self.fields["body"].label = "The client's answer (the vendor sees it)"
            del self.fields["root_cause"]
            del self.fields["action_plan"]
        elif dispute.type in ("underperformance", "breach"):
            self.fields["root_cause"].label = "Root cause (required)"
            self.fields["action_plan"].label = "Corrective action plan (required)"
            self.fields[
                "action_plan"
            ].help_text = "What will change and by when; or propose a structured action plan below."


class ClockForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("pause", "Pause"),
            ("resume", "Resume"),
            ("request", "Request a pause"),
            ("grant", "Grant the pause"),
            ("refuse", "Refuse the pause"),
        ]
    )
    note = forms.CharField(required=False, max_length=2000)
    version = forms.IntegerField(min_value=1)
