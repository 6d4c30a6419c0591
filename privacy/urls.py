from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("r/<str:token>/my-data/", views.my_data, name="my_data"),
    path("r/<str:token>/my-data.json", views.my_data_json, name="my_data_json"),
    path(
        "organise/workshops/<slug:slug>/registrations/<int:pk>/erase/",
        views.erase,
        name="erase",
    ),
]
