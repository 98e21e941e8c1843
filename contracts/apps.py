from __future__ import annotations

from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self) -> None:
        from . import reminders  # noqa: F401 - registers the reminder sweeps
