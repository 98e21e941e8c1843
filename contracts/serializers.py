"""API serializers: public field names from SPEC "REST API"; rules stay in models/services."""

from __future__ import annotations

from rest_framework import serializers

from vendorhub.models import Vendor
from vendorhub.serializers import ScopedRelatedField

from .models import Clause, Contract, ScopeChange


class ContractSerializer(serializers.ModelSerializer):
    vendor = ScopedRelatedField(slug_field="slug", queryset=Vendor.objects.all())
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="contract-detail")

    class Meta:
        model = Contract
        fields = [
            "url",
            "id",
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
            "notice_deadline",
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
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "notice_deadline", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request and request.user.is_partner:
            data.pop("internal_notes", None)  # internal to the client side
        return data


class ClauseSerializer(serializers.ModelSerializer):
    contract = ScopedRelatedField(queryset=Contract.objects.all())
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Clause
        fields = [
            "id",
            "contract",
            "vendor",
            "number",
            "heading",
            "body",
            "category",
            "obligated_party",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "vendor", "created_at", "updated_at"]
        # The number clash is reported on "number" in validate(), not as non-field.
        validators: list = []

    def validate(self, attrs):
        contract = attrs.get("contract") or (self.instance and self.instance.contract)
        number = attrs.get("number") or (self.instance and self.instance.number)
        if contract and number:
            clash = Clause.objects.filter(contract=contract, number=number)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError(
                    {"number": "This contract already has a clause with this number."}
                )
        if contract:
            attrs["vendor"] = contract.vendor
        return super().validate(attrs)


class ScopeChangeSerializer(serializers.ModelSerializer):
    contract = ScopedRelatedField(queryset=Contract.objects.all())
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ScopeChange
        fields = [
            "id",
            "contract",
            "vendor",
            "title",
            "description",
            "price_impact",
            "status",
            "requested_by",
            "requested_side",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "vendor",
            "status",
            "requested_by",
            "requested_side",
            "decided_at",
            "decision_note",
            "created_at",
        ]
