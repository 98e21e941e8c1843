from __future__ import annotations

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self) -> None:
        from . import reminders  # noqa: F401 - registers the reminder sweeps
