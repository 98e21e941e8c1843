from __future__ import annotations

app_name = "scorecards"

urlpatterns: list = []
