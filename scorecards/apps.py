from __future__ import annotations

from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"

    def ready(self) -> None:
        from . import reminders  # noqa: F401 - registers the missing-data sweep
