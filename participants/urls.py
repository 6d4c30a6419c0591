"""Public registration, personal pages and feeds, and the organisers' registration pages."""

from django.urls import path

from participants.views import checkin, feeds, organiser, personal, public, registration

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
    path("r/<str:token>/details/", personal.personal_details, name="personal_details"),
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
        "organise/workshops/<slug:slug>/registrations/bulk/confirm/",
        organiser.registrations_bulk_confirm,
        name="registrations_bulk_confirm",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/promote/",
        organiser.registrations_promote,
        name="registrations_promote",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/agencies/",
        registration.typed_agencies_page,
        name="typed_agencies",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/<int:pk>/",
        registration.registration_detail,
        name="registration_detail",
    ),
    path(
        "organise/workshops/<slug:slug>/registrations/<int:pk>/edit/",
        registration.registration_edit,
        name="registration_edit",
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

# Attendance: the check-in screen and its marks, a signed sheet's entry, the room's self
# check-in code, and the participant's side of check-in.
urlpatterns += [
    path(
        "organise/workshops/<slug:slug>/sessions/<int:pk>/check-in/",
        checkin.checkin_screen,
        name="checkin",
    ),
    path(
        "organise/workshops/<slug:slug>/sessions/<int:pk>/check-in/marks/",
        checkin.checkin_marks,
        name="checkin_marks",
    ),
    path(
        "organise/workshops/<slug:slug>/sessions/<int:pk>/sheet/",
        checkin.sheet_entry,
        name="sheet_entry",
    ),
    path(
        "organise/workshops/<slug:slug>/sessions/<int:pk>/room-screen/",
        checkin.room_screen,
        name="room_screen",
    ),
    path(
        "organise/workshops/<slug:slug>/sessions/<int:pk>/room-screen/qr.svg",
        checkin.room_screen_qr,
        name="room_screen_qr",
    ),
    path("checkin/<int:session_pk>/<str:code>/", checkin.self_checkin, name="self_checkin"),
    path(
        "organise/check-in-worker.js",
        checkin.checkin_service_worker,
        name="checkin_service_worker",
    ),
    path("r/<str:token>/check-in.svg", checkin.personal_checkin_qr, name="personal_checkin_qr"),
]
