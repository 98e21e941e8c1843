from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

import actionplans.api
import contracts.api
import disputes.api
import meetings.api
import scorecards.api

from . import api, auth_views, notification_views, operations_views, vendor_views, views

# No ".json" twins of every route: JSON is the only format, and the twins of custom
# actions (/meetings/1/agenda.json) crashed with a TypeError (a 500).
router = DefaultRouter()
router.include_format_suffixes = False
router.register("vendors", api.VendorViewSet, basename="vendor")
router.register("notifications", api.NotificationViewSet, basename="notification")
for app_api in (contracts.api, meetings.api, disputes.api, scorecards.api, actionplans.api):
    app_api.register(router)

api_urls = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # GET and HEAD only: its HTML renderer has no template for OPTIONS metadata
        # (that answered 500).
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", http_method_names=["get", "head"]
        ),
        name="api-docs",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("vendors/", vendor_views.vendor_list, name="vendor_list"),
    path("vendors/new/", vendor_views.vendor_create, name="vendor_create"),
    path("vendors/<slug:slug>/", vendor_views.vendor_detail, name="vendor_detail"),
    path("vendors/<slug:slug>/edit/", vendor_views.vendor_edit, name="vendor_edit"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "operations/reminders/",
        operations_views.reminders_overview,
        name="reminders_overview",
    ),
    path(
        "operations/reminders/emails/<int:pk>/",
        operations_views.outbox_email_action,
        name="outbox_email_action",
    ),
    path("contracts/", include("contracts.urls")),
    path("meetings/", include("meetings.urls")),
    path("disputes/", include("disputes.urls")),
    path("scorecards/", include("scorecards.urls")),
    path("action-plans/", include("actionplans.urls")),
    path("api/v1/", include(api_urls)),
    path("admin/", admin.site.urls),
]

handler404 = "vendorhub.views.page_not_found"
