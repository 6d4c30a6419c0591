"""Organiser pages for workshops, timetables, trainers and agencies; public calendar feeds."""

from django.urls import path

from events import feeds, views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
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
]
