"""Uploaded contract documents, stored under random names and served only through
an access-checked view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from vendorhub.models import Vendor, VendorOwnedQuerySet

if TYPE_CHECKING:
    pass
from .contract import Contract


def document_upload_to(instance: Document, filename: str) -> str:
    # The name on disk is random (set by the service); never the user's file name.
    return f"contracts/{filename}"


class Document(models.Model):
    """An uploaded contract document (PDF/DOCX), served only via an access-checked view."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(max_length=200, help_text="Sanitised, for display only.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = VendorOwnedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contracts:document_download", kwargs={"pk": self.pk})
