from __future__ import annotations

app_name = "disputes"

urlpatterns: list = []
