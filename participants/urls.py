"""Public registration, personal pages and feeds, and the organisers' registration pages."""

from django.urls import path

from participants.views import feeds, organiser, personal, public

app_name = "participants"

urlpatterns = []

# Public: a workshop's page with its registration form; the personal pages behind a token.
urlpatterns += [
    path("w/<slug:slug>/", public.public_workshop, name="public_workshop"),
    path("w/<slug:slug>/registered/", public.registered, name="registered"),
    path("my-registrations/", public.my_registrations, name="my_registrations"),
    path("r/<str:token>/", personal.personal, name="personal"),
    path("r/<str:token>/cancel/", personal.personal_cancel, name="personal_cancel"),
    path("r/<str:token>/language/", personal.personal_language, name="personal_language"),
]

# Calendars: a registration's personal feed.
urlpatterns += [
    path("feeds/people/<str:token>.ics", feeds.participant_feed, name="participant_feed"),
]

# Organisers: a workshop's registrations, exports, actions and the nominations import.
urlpatterns += [
    path(
        "organise/workshops/<slug:slug>/registrations/",
        organiser.registrations,
        name="registrations",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/export/",
        organiser.registrations_export,
        name="registrations_export",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/bulk/",
        organiser.registrations_bulk,
        name="registrations_bulk",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/promote/",
        organiser.registrations_promote,
        name="registrations_promote",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/<int:pk>/new-link/",
        organiser.registration_new_link,
        name="registration_new_link",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/import/",
        organiser.nominations_import,
        name="nominations_import",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/import/template.<str:fmt>",
        organiser.nominations_template,
        name="nominations_template",
    ),
]
