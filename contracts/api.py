"""REST endpoints of the contracts app, registered on the /api/v1/ router.

``/contracts/`` and ``/clauses/`` (public); ``/scope-changes/`` where partners may
propose (their only write). Writes go through the same services as the pages.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import mixins

from vendorhub.api import ScopedModelViewSet, ScopedViewSet

from . import services
from .models import Clause, Contract, ScopeChange
from .search import search_clauses
from .serializers import ClauseSerializer, ContractSerializer, ScopeChangeSerializer


class ContractFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug")
    notice_before = filters.DateFilter(field_name="notice_deadline", lookup_expr="lte")

    class Meta:
        model = Contract
        fields = ["vendor", "status", "pricing_model", "notice_before"]


class ContractViewSet(ScopedModelViewSet):
    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    ordering_fields = ["reference", "end_date", "notice_deadline", "updated_at"]
    ordering = ["reference"]

    def narrow(self, queryset):
        return queryset.select_related("vendor", "owner")

    def save_instance(self, instance, serializer):
        return services.contract_save(contract=instance, by=self.request.user)


class ClauseFilter(filters.FilterSet):
    contract = filters.NumberFilter(field_name="contract_id")
    vendor = filters.CharFilter(field_name="vendor__slug")
    search = filters.CharFilter(method="filter_search", label="Full-text search")

    class Meta:
        model = Clause
        fields = ["contract", "vendor", "category"]

    def filter_search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return search_clauses(queryset, value)


class ClauseViewSet(ScopedModelViewSet):
    queryset = Clause.objects.all()
    serializer_class = ClauseSerializer
    filterset_class = ClauseFilter
    ordering_fields = ["sort_key", "updated_at"]

    def narrow(self, queryset):
        return queryset.select_related("vendor").order_by("contract_id", "sort_key")

    def save_instance(self, instance, serializer):
        return services.clause_save(clause=instance, by=self.request.user)


class ScopeChangeFilter(filters.FilterSet):
    vendor = filters.CharFilter(field_name="vendor__slug")

    class Meta:
        model = ScopeChange
        fields = ["contract", "vendor", "status"]


class ScopeChangeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Scope changes: read in scope; managers and the vendor's partners propose."""

    queryset = ScopeChange.objects.all()
    serializer_class = ScopeChangeSerializer
    filterset_class = ScopeChangeFilter
    partner_write_actions = ("create",)

    def narrow(self, queryset):
        return queryset.select_related("vendor", "requested_by")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.scope_change_propose(
            contract=data["contract"],
            title=data["title"],
            description=data["description"],
            price_impact=data.get("price_impact"),
            by=self.request.user,
        )


def register(router) -> None:
    """Add this app's viewsets to the shared router (see vendorhub/urls.py)."""
    router.register("contracts", ContractViewSet, basename="contract")
    router.register("clauses", ClauseViewSet, basename="clause")
    router.register("scope-changes", ScopeChangeViewSet, basename="scopechange")
