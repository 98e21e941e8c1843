from __future__ import annotations

from django.urls import path

from . import clause_views, views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("renewals/", views.renewal_timeline, name="renewals"),
    path("new/", views.contract_create, name="create"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/clauses/new/", clause_views.clause_create, name="clause_create"),
    path("<int:pk>/amendments/new/", views.amendment_create, name="amendment_create"),
    path("<int:pk>/scope-changes/new/", views.scope_change_create, name="scope_change_create"),
    path("<int:pk>/rate-lines/new/", views.rate_line_create, name="rate_line_create"),
    path("rate-lines/<int:pk>/edit/", views.rate_line_edit, name="rate_line_edit"),
    path("amendments/<int:pk>/edit/", views.amendment_edit, name="amendment_edit"),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("clauses/search/", clause_views.clause_search, name="clause_search"),
    path("clauses/<int:pk>/", clause_views.clause_view, name="clause_view"),
    path("clauses/<int:pk>/edit/", clause_views.clause_edit, name="clause_edit"),
    path("clauses/<int:pk>/history/", clause_views.clause_history, name="clause_history"),
    path("scope-changes/<int:pk>/decide/", views.scope_change_decide, name="scope_change_decide"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]
