from django.urls import path

from portal.tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.submit, name="submit"),
    path("submitted/<str:token>/", views.submitted, name="submitted"),
]
