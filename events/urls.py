"""Organiser pages for workshops, timetables, trainers and agencies; public calendar feeds."""

from django.urls import path

from events import duplicate_views, feeds, import_views, views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
]

# Organisers: workshops, their timetables and agencies; trainers, shared by all workshops.
_workshop = "organise/workshops/<slug:slug>/"
_session = _workshop + "timetable/<int:pk>/"
urlpatterns += [
    path("organise/workshops/new/", views.workshop_create, name="workshop_create"),
    path(_workshop, views.workshop_detail, name="workshop_detail"),
    path(_workshop + "qr.svg", views.workshop_qr, name="workshop_qr"),
    path(_workshop + "edit/", views.workshop_edit, name="workshop_edit"),
    path(_workshop + "copy/", views.workshop_copy, name="workshop_copy"),
    path(_workshop + "status/", views.workshop_status, name="workshop_status"),
    path(_workshop + "calendar/", views.workshop_calendar, name="workshop_calendar"),
    path(_workshop + "timetable/", views.timetable, name="timetable"),
    path(_workshop + "timetable/new/", views.session_create, name="session_create"),
    path(_session + "edit/", views.session_edit, name="session_edit"),
    path(_session + "move/", views.session_move, name="session_move"),
    path(_session + "cancel/", views.session_cancel, name="session_cancel"),
    path(_session + "reinstate/", views.session_reinstate, name="session_reinstate"),
    path(_workshop + "agencies/", views.workshop_agencies, name="workshop_agencies"),
    path(_workshop + "agencies/new/", views.agency_create, name="agency_create"),
    path(
        _workshop + "agencies/<int:pk>/remove/",
        views.agency_role_remove,
        name="agency_role_remove",
    ),
    path(_workshop + "agencies/<int:pk>/move/", views.agency_role_move, name="agency_role_move"),
    path(_workshop + "agencies/<int:pk>/note/", views.agency_role_note, name="agency_role_note"),
    path("organise/trainers/", views.trainer_list, name="trainer_list"),
    path("organise/trainers/new/", views.trainer_create, name="trainer_create"),
    path("organise/trainers/<int:pk>/", views.trainer_detail, name="trainer_detail"),
    path("organise/trainers/<int:pk>/edit/", views.trainer_edit, name="trainer_edit"),
    path("organise/trainers/<int:pk>/merge/", duplicate_views.trainer_merge, name="trainer_merge"),
    path("organise/agencies/<int:pk>/merge/", duplicate_views.agency_merge, name="agency_merge"),
    path("organise/duplicates/", duplicate_views.duplicates, name="duplicates"),
]

# Calendars: feeds, single-session downloads, replacing a trainer's link.
urlpatterns += [
    path("w/<slug:slug>/calendar.ics", feeds.workshop_feed, name="workshop_feed"),
    path("w/<slug:slug>/sessions/<int:pk>.ics", feeds.session_ics, name="session_ics"),
    path("feeds/trainers/<str:token>.ics", feeds.trainer_feed, name="trainer_feed"),
    path(
        "organise/trainers/<int:pk>/calendar-link/",
        feeds.trainer_feed_reissue,
        name="trainer_feed_reissue",
    ),
    path(
        "organise/workshops/<slug:slug>/timetable/import/",
        import_views.timetable_import,
        name="timetable_import",
    ),
    path(
        "organise/workshops/<slug:slug>/timetable/import/confirm/",
        import_views.timetable_import_confirm,
        name="timetable_import_confirm",
    ),
]
