"""API representations of disputes and their timeline (public field names: SPEC "REST API").

Serializers only translate: every write is handed to a function in ``services.py``.
"""

from __future__ import annotations

from rest_framework import serializers

from contracts.models import Clause, Contract
from scorecards.models import KPI
from vendorhub.models import User, Vendor
from vendorhub.serializers import ScopedRelatedField, SometimesOmitsFields, VersionField

from .models import Dispute, DisputeEvent, Outcome, Status


def _people_of(qs, user):
    # Partners pick assignees among their own colleagues only.
    if user.is_partner:
        return qs.filter(vendor_id=user.vendor_id)
    return qs


class ClockSerializer(serializers.Serializer):
    state = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    stopped_at = serializers.DateTimeField(allow_null=True)


class DisputeSerializer(serializers.ModelSerializer):
    vendor = ScopedRelatedField(slug_field="slug", queryset=Vendor.objects.all())
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    owner = ScopedRelatedField(
        slug_field="username",
        queryset=User.objects.filter(role="manager"),
        scope=None,  # the client's managers: every role may name them
        required=False,
        allow_null=True,
    )
    vendor_assignee = ScopedRelatedField(
        slug_field="username",
        queryset=User.objects.filter(role="partner"),
        required=False,
        allow_null=True,
        scope=_people_of,
    )
    contract = ScopedRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)
    clause = ScopedRelatedField(queryset=Clause.objects.all(), required=False, allow_null=True)
    kpi = ScopedRelatedField(
        slug_field="code", queryset=KPI.objects.all(), scope=None, required=False, allow_null=True
    )
    version = VersionField()
    response_clock = serializers.SerializerMethodField()
    resolution_clock = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="dispute-detail")

    class Meta:
        model = Dispute
        fields = [
            "url",
            "id",
            "reference",
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
            "status",
            "version",
            "raised_by",
            "raised_by_side",
            "owner",
            "vendor_assignee",
            "root_cause",
            "action_plan",
            "resolution_summary",
            "outcome",
            "service_credit_agreed",
            "created_at",
            "updated_at",
            "response_due_at",
            "responded_at",
            "resolution_due_at",
            "resolved_at",
            "response_clock",
            "resolution_clock",
            "escalation_level",
            "is_recurring",
        ]
        read_only_fields = [
            "id",
            "reference",
            "status",
            "raised_by",
            "raised_by_side",
            "root_cause",
            "action_plan",
            "created_at",
            "updated_at",
            "response_due_at",
            "responded_at",
            "resolution_due_at",
            "resolved_at",
            "escalation_level",
            "is_recurring",
        ]

    def get_response_clock(self, obj: Dispute) -> dict:
        clock = obj.response_clock(self.context.get("now"))
        return ClockSerializer(clock).data

    def get_resolution_clock(self, obj: Dispute) -> dict:
        clock = obj.resolution_clock(self.context.get("now"))
        return ClockSerializer(clock).data


class DisputeUpdateSerializer(DisputeSerializer):
    """Edits: the vendor is fixed once a dispute is logged."""

    class Meta(DisputeSerializer.Meta):
        read_only_fields = [*DisputeSerializer.Meta.read_only_fields, "vendor"]


class EventSerializer(SometimesOmitsFields, serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # Blank on events that are not status changes (the schema says so too).
    from_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    to_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = DisputeEvent
        fields = [
            "id",
            "kind",
            "author",
            "author_side",
            "internal",
            "body",
            "from_status",
            "to_status",
            "attachment_name",
            "attachment_content_type",
            "attachment_url",
            "created_at",
        ]
        read_only_fields = fields

    #: Partners' answers leave ``internal`` out (see ``to_representation``).
    sometimes_omitted = ("internal",)

    def get_attachment_url(self, obj: DisputeEvent) -> str | None:
        if not obj.attachment:
            return None
        from django.urls import reverse

        url = reverse(
            "disputes:attachment",
            kwargs={"reference": obj.dispute.reference, "event_id": obj.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and request.user.is_partner:
            data.pop("internal", None)  # always false for them; do not even hint at it
        return data


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=False, max_length=20000)
    internal = serializers.BooleanField(default=False)


class AttachmentSerializer(serializers.Serializer):
    file = serializers.FileField()
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    internal = serializers.BooleanField(default=False)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    version = VersionField()
    expected_version = serializers.IntegerField(
        required=False, min_value=1, help_text="Older name of ``version``."
    )
    expected_status = serializers.ChoiceField(choices=Status.choices, required=False)
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, allow_blank=True, default=""
    )
    resolution_summary = serializers.CharField(required=False, allow_blank=True, default="")
    service_credit_agreed = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )


class RespondSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    action_plan = serializers.CharField(required=False, allow_blank=True, default="")
    version = VersionField()
    expected_version = serializers.IntegerField(
        required=False, min_value=1, help_text="Older name of ``version``."
    )
