from __future__ import annotations

from django.urls import path

from . import views

app_name = "actionplans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/transition/", views.plan_transition_view, name="transition"),
    path("<int:pk>/milestones/", views.milestone_add_view, name="milestone_add"),
    path(
        "<int:pk>/milestones/<int:milestone_id>/",
        views.milestone_done_view,
        name="milestone_done",
    ),
    path("<int:pk>/escalate/", views.plan_escalate_view, name="escalate"),
    path("<int:pk>/comment/", views.plan_comment_view, name="comment"),
    path("<int:pk>/files/<int:event_id>/", views.plan_file, name="file"),
]
