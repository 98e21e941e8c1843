from __future__ import annotations

from django.urls import path

from . import detail_views, views

app_name = "disputes"

urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("export.csv", views.dispute_export, name="export"),
    path("new/", views.dispute_create, name="create"),
    path("similar/", views.dispute_similar, name="similar"),
    path("<str:reference>/", detail_views.dispute_detail, name="detail"),
    path("<str:reference>/edit/", detail_views.dispute_edit, name="edit"),
    path("<str:reference>/transition/", detail_views.dispute_transition_view, name="transition"),
    path("<str:reference>/comment/", detail_views.dispute_comment_view, name="comment"),
    path("<str:reference>/respond/", detail_views.dispute_respond_view, name="respond"),
    path("<str:reference>/playbook/", detail_views.dispute_playbook_view, name="playbook"),
    path("<str:reference>/clock/", detail_views.dispute_clock_view, name="clock"),
    path(
        "<str:reference>/files/<int:event_id>/",
        detail_views.dispute_attachment,
        name="attachment",
    ),
]
