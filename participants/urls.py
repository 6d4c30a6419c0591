"""Public registration, personal pages and feeds, and the organisers' registration pages."""

from django.urls import path

from participants.views import feeds

app_name = "participants"

urlpatterns = []

# Calendars: the personal feed and organisers replacing its link.
urlpatterns += [
    path("feeds/people/<str:token>.ics", feeds.participant_feed, name="participant_feed"),
    path(
        "organise/people/<int:pk>/calendar-link/",
        feeds.participant_feed_reissue,
        name="participant_feed_reissue",
    ),
]
