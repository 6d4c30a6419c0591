"""Public registration, personal pages and feeds, and the organisers' registration pages."""

app_name = "participants"

urlpatterns = []
