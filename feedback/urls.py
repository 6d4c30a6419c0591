"""The participant's questionnaire, the organisers' feedback pages, a trainer's results."""

from django.urls import path

from feedback.views import organise, respond, trainer

app_name = "feedback"

# Behind the personal link (``participants:personal`` links here).
urlpatterns = [
    path("r/<str:token>/feedback/<int:pk>/", respond.respond, name="respond"),
    path("r/<str:token>/feedback/<int:pk>/thanks/", respond.thanks, name="thanks"),
]

# Behind the trainer's link.
urlpatterns += [
    path("t/<str:token>/feedback/", trainer.trainer_results, name="trainer_results"),
    path("t/<str:token>/feedback/<int:pk>/", trainer.trainer_results, name="trainer_results"),
]

# Organisers.
BASE = "organise/workshops/<slug:slug>/feedback/"
urlpatterns += [
    path(BASE, organise.questionnaire_list, name="list"),
    path(f"{BASE}default/", organise.add_default, name="add_default"),
    path(f"{BASE}copy/", organise.copy, name="copy"),
    path(f"{BASE}new/", organise.questionnaire_create, name="questionnaire_create"),
    path(f"{BASE}<int:pk>/", organise.questionnaire_detail, name="questionnaire"),
    path(f"{BASE}<int:pk>/timetable-items/", organise.generate, name="generate"),
    path(f"{BASE}<int:pk>/send/", organise.send, name="send"),
    path(f"{BASE}<int:pk>/close/", organise.close, name="close"),
    path(f"{BASE}<int:pk>/results/", organise.results, name="results"),
    path(f"{BASE}<int:pk>/comments/<uuid:answer>/quote/", organise.quote, name="quote"),
    path(f"{BASE}<int:pk>/questions/<int:question>/", organise.question_edit, name="question_edit"),
    path(
        f"{BASE}<int:pk>/questions/<int:question>/move/",
        organise.question_move,
        name="question_move",
    ),
    path(
        f"{BASE}<int:pk>/questions/<int:question>/delete/",
        organise.question_delete,
        name="question_delete",
    ),
]
