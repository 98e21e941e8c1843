from __future__ import annotations

from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
