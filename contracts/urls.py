from __future__ import annotations

app_name = "contracts"

urlpatterns: list = []
