"""The project's URLs plus one route nobody classified (see test_isolation_matrix)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from vendorhub.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("unclassified/<int:pk>/", lambda request, pk: HttpResponse("?"), name="unclassified"),
]
