from django.urls import path

from portal.tickets.views import (
    answer_emails,
    choose,
    confirm,
    filed,
    my_tickets,
    rating,
    saved,
    signin,
    submit,
    ticket,
)

app_name = "tickets"
urlpatterns = [
    path("", submit.submit, name="submit"),
    path("forms/", choose.choose, name="choose"),
    # After a submission: Tixallo took it at once (filed), or it waits in the outbox (saved).
    path("submitted/<str:token>/", filed.filed, name="filed"),
    path("received/<str:token>/", saved.saved, name="saved"),
    path("confirm/<str:token>/", confirm.confirm_request, name="confirm"),
    path("tickets/", my_tickets.my_tickets, name="mine"),
    path("tickets/<str:ticket_id>/", ticket.ticket_by_id, name="ticket"),
    path("t/<str:token>/", ticket.ticket_by_link, name="link"),
    # A request page's own actions, each its own view (its page's URL + the action).
    path("tickets/<str:ticket_id>/rating/", rating.rate, name="rate"),
    path("t/<str:token>/rating/", rating.rate, name="rate-link"),
    path("tickets/<str:ticket_id>/answer-emails/", answer_emails.answer_emails, name="emails"),
    path("t/<str:token>/answer-emails/", answer_emails.answer_emails, name="emails-link"),
    path("signin/", signin.signin, name="signin"),
    path("signin/<str:token>/", signin.signin_link, name="signin-link"),
    path("signout/", signin.signout, name="signout"),
]
