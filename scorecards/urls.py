from __future__ import annotations

from django.urls import path

from . import credit_views, data_views, report_views, views

app_name = "scorecards"

urlpatterns = [
    path("", views.scorecard_index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_export, name="dashboard_export"),
    path("vendor/<slug:slug>/", views.vendor_scorecard, name="vendor"),
    path("vendor/<slug:slug>/publish/", views.publish, name="publish"),
    path("vendor/<slug:slug>/scorecard.pdf", report_views.scorecard_pdf, name="scorecard_pdf"),
    path("vendor/<slug:slug>/qbr.pdf", report_views.qbr_pdf, name="qbr_pdf"),
    path("vendor/<slug:slug>/targets/", data_views.vendor_targets, name="targets"),
    path("vendor/<slug:slug>/credits/", credit_views.vendor_credits, name="credits"),
    path("vendor/<slug:slug>/credits/move/", credit_views.credit_move, name="credit_move"),
    path("credits/<int:pk>/dispute/", credit_views.credit_dispute_view, name="credit_dispute"),
    path("published/<int:pk>/", views.published_detail, name="published_detail"),
    path("published/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("published/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("published/<int:pk>/restate/", views.restate, name="restate"),
    path("measurements/", data_views.measurement_list, name="measurements"),
    path("measurements/new/", data_views.measurement_new, name="measurement_new"),
    path("measurements/<int:pk>/", data_views.measurement_detail, name="measurement_detail"),
    path("measurements/<int:pk>/edit/", data_views.measurement_edit, name="measurement_edit"),
    path(
        "measurements/<int:pk>/delete/",
        data_views.measurement_delete_view,
        name="measurement_delete",
    ),
    path("measurements/import/", data_views.measurement_import, name="measurement_import"),
    path(
        "measurements/import/template.csv",
        data_views.measurement_import_template,
        name="measurement_import_template",
    ),
]
