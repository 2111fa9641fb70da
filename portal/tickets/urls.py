from django.urls import path

from portal.tickets.views import (
    answer_emails,
    choose,
    confirm,
    filed,
    my_tickets,
    rating,
    reply,
    saved,
    signin,
    solve,
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
    # A request's page, signed in (by its id) or through its private link (views.door),
    # and its own actions, each its own view at the page's URL + the action (POST only).
    path("tickets/<str:ticket_id>/", ticket.ticket, name="ticket"),
    path("t/<str:token>/", ticket.ticket, name="link"),
    path("tickets/<str:ticket_id>/reply/", reply.reply, name="reply"),
    path("t/<str:token>/reply/", reply.reply, name="reply-link"),
    path("tickets/<str:ticket_id>/solve/", solve.solve, name="solve"),
    path("t/<str:token>/solve/", solve.solve, name="solve-link"),
    path("tickets/<str:ticket_id>/rating/", rating.rate, name="rate"),
    path("t/<str:token>/rating/", rating.rate, name="rate-link"),
    path("tickets/<str:ticket_id>/answer-emails/", answer_emails.answer_emails, name="emails"),
    path("t/<str:token>/answer-emails/", answer_emails.answer_emails, name="emails-link"),
    path("signin/", signin.signin, name="signin"),
    path("signin/<str:token>/", signin.signin_link, name="signin-link"),
    path("signout/", signin.signout, name="signout"),
]
# Each action's page: what the frame's "open in a new tab" opens (portal.embed.mode), as
# an action answers POST only.
PAGE_OF_ACTION = {
    "reply": "ticket",
    "solve": "ticket",
    "rate": "ticket",
    "emails": "ticket",
    "reply-link": "link",
    "solve-link": "link",
    "rate-link": "link",
    "emails-link": "link",
}
