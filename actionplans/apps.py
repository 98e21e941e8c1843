from __future__ import annotations

from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "actionplans"
    verbose_name = "Corrective action plans"

    def ready(self) -> None:
        from . import reminders  # noqa: F401 - registers the reminder sweep
