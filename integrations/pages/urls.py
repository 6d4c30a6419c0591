from django.urls import path

from integrations.pages import views

app_name = "integrations"
urlpatterns = [
    path("account/api-tokens/", views.token_list, name="tokens"),
    path("account/api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("organise/webhooks/", views.webhook_list, name="webhooks"),
    path("organise/webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("organise/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path(
        "organise/webhooks/<int:pk>/deliveries/<int:delivery_pk>/resend/",
        views.webhook_resend,
        name="webhook_resend",
    ),
]
