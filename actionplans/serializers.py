"""API representations of action plans (public names: SPEC section 6).

Serializers only translate; every write goes to a function in ``services.py``.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from contracts.models import Clause
from disputes.models import Dispute
from scorecards.models import KPI
from vendorhub.models import Vendor
from vendorhub.serializers import ScopedRelatedField, VersionField

from .models import ActionPlan, Milestone, PlanEvent, PlanStatus, Side


class MilestoneSerializer(serializers.ModelSerializer):
    done_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "title", "owner_side", "due_date", "done", "done_at", "done_by"]
        read_only_fields = ["id", "done_at", "done_by"]


class MilestoneDoneSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class ActionPlanSerializer(serializers.ModelSerializer):
    vendor = ScopedRelatedField(slug_field="slug", queryset=Vendor.objects.all())
    dispute = ScopedRelatedField(queryset=Dispute.objects.all(), required=False, allow_null=True)
    kpi = ScopedRelatedField(
        slug_field="code", queryset=KPI.objects.all(), scope=None, required=False, allow_null=True
    )
    clause = ScopedRelatedField(queryset=Clause.objects.all(), required=False, allow_null=True)
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    agreed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    version = VersionField()
    milestones = MilestoneSerializer(many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="actionplan-detail")
    milestones_to_add = MilestoneSerializer(
        many=True, write_only=True, required=False, help_text="Milestones created with the plan."
    )

    class Meta:
        model = ActionPlan
        fields = [
            "url",
            "id",
            "vendor",
            "title",
            "description",
            "dispute",
            "kpi",
            "clause",
            "source",
            "root_cause",
            "target_value",
            "measure_from",
            "due_date",
            "cure_period_days",
            "cure_until",
            "status",
            "version",
            "proposed_by",
            "proposed_by_side",
            "agreed_by",
            "agreed_at",
            "measurement",
            "measured_value",
            "measured_at",
            "escalated_dispute",
            "closed_at",
            "created_at",
            "updated_at",
            "milestones",
            "milestones_to_add",
        ]
        read_only_fields = [
            "id",
            "source",
            "cure_until",
            "status",
            "proposed_by",
            "proposed_by_side",
            "agreed_by",
            "agreed_at",
            "measurement",
            "measured_value",
            "measured_at",
            "escalated_dispute",
            "closed_at",
            "created_at",
            "updated_at",
        ]


class ActionPlanUpdateSerializer(ActionPlanSerializer):
    """Edits: the vendor and the dispute a plan answers are fixed once it exists."""

    class Meta(ActionPlanSerializer.Meta):
        read_only_fields = [*ActionPlanSerializer.Meta.read_only_fields, "vendor", "dispute"]


class PlanTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=PlanStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    version = VersionField()


class PlanCommentSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    file = serializers.FileField(required=False)


class PlanEscalateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    clause = ScopedRelatedField(
        queryset=Clause.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a breach dispute: the clause it cites (default: the plan's).",
    )


class PlanEventSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # Blank on events that change no status: "" belongs in the documented enum.
    from_status = serializers.ChoiceField(
        choices=PlanStatus.choices, allow_blank=True, read_only=True
    )
    to_status = serializers.ChoiceField(
        choices=PlanStatus.choices, allow_blank=True, read_only=True
    )
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = PlanEvent
        fields = [
            "id",
            "kind",
            "author",
            "author_side",
            "body",
            "from_status",
            "to_status",
            "attachment_name",
            "attachment_content_type",
            "attachment_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_attachment_url(self, obj: PlanEvent) -> str | None:
        if not obj.attachment:
            return None
        url = reverse("actionplans:file", kwargs={"pk": obj.plan_id, "event_id": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


__all__ = [
    "ActionPlanSerializer",
    "ActionPlanUpdateSerializer",
    "MilestoneDoneSerializer",
    "MilestoneSerializer",
    "PlanCommentSerializer",
    "PlanEscalateSerializer",
    "PlanEventSerializer",
    "PlanTransitionSerializer",
    "Side",
]
