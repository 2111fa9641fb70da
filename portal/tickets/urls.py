from django.urls import path

from portal.tickets.views import confirm, my_tickets, received, signin, submit, ticket

app_name = "tickets"
urlpatterns = [
    path("", submit.submit, name="submit"),
    path("submitted/<str:token>/", submit.submitted, name="submitted"),
    path("received/<str:token>/", received.received, name="received"),
    path("confirm/<str:token>/", confirm.confirm_request, name="confirm"),
    path("tickets/", my_tickets.my_tickets, name="mine"),
    path("tickets/<str:ticket_id>/", ticket.ticket_by_id, name="ticket"),
    path("t/<str:token>/", ticket.ticket_by_link, name="link"),
    path("signin/", signin.signin, name="signin"),
    path("signin/<str:token>/", signin.signin_link, name="signin-link"),
    path("signout/", signin.signout, name="signout"),
]
