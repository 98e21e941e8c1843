from __future__ import annotations

from django.apps import AppConfig


class VendorHubConfig(AppConfig):
    name = "vendorhub"
    verbose_name = "VendorHub"
