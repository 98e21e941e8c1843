from __future__ import annotations

from django.urls import path

from . import series_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("actions/", views.my_actions, name="actions"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/respond/", views.meeting_respond, name="respond"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/suggestion/", views.agenda_suggestion, name="agenda_suggestion"),
    path("<int:pk>/minutes/", views.minutes_save, name="minutes"),
    path("<int:pk>/invite/", views.attendance_invite, name="invite"),
    path("<int:pk>/attendance/", views.attendance_record_view, name="record_attendance"),
    path("<int:pk>/actions/", views.action_create, name="action_create"),
    path("<int:pk>/meeting.ics", series_views.meeting_ics, name="ics"),
    path("series/", series_views.series_list, name="series_list"),
    path("series/new/", series_views.series_create, name="series_create"),
    path("series/<int:pk>/", series_views.series_detail, name="series_detail"),
    path("series/<int:pk>/edit/", series_views.series_edit, name="series_edit"),
    path("slots/", series_views.slot_suggester, name="slots"),
    path("calendar-feed/", series_views.feed_settings, name="feed_settings"),
    path("calendar-feed/new/", series_views.feed_new, name="feed_new"),
    path("calendar-feed/revoke/", series_views.feed_revoke, name="feed_revoke"),
    path("calendar-feed/scope/", series_views.feed_scope, name="feed_scope"),
    path("feed/<str:key>.ics", series_views.feed, name="feed"),
]
