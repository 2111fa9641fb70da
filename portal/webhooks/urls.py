from django.urls import path

from portal.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("tixallo", views.tixallo, name="tixallo"),
]
