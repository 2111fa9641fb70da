"""Sign in by email link: ask for a link, open it, confirm (a POST, so mail scanners
that fetch links cannot use it up), and sign out."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.config.current import absolute_url
from portal.customers import access, identity, ratelimit
from portal.outbox import emails
from portal.tickets import trouble
from portal.tickets.forms import SignInForm, started_now, ticket_id_or_blank
from portal.tickets.views import url_in_mount


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def signin(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None, initial=_initial(request))
    context = {"form": form}
    if not form.is_bound:
        return render(request, "tickets/signin.html", context)
    if wait := ratelimit.address_wait("signin", request):
        return trouble.too_many(request, "tickets/signin.html", context, wait)
    if ratelimit.spam_verdict("signin", form) == "too_fast":
        return trouble.too_many(request, "tickets/signin.html", context, form.fill_wait())
    if not form.is_valid():
        return render(request, "tickets/signin.html", context, status=422)
    email = form.cleaned_data["email"]
    if wait := ratelimit.email_wait("signin", email):
        return trouble.too_many(request, "tickets/signin.html", context, wait)
    token = access.signin_token(email, form.cleaned_data["ticket"])
    link = absolute_url(request, reverse("tickets:signin-link", args=[token]))
    # The same answer whether or not this address has tickets: no enumeration.
    emails.send_signin_link(email, link, settings.SIGNIN_LINK_MAX_AGE // 60)
    context = {"email": email, "minutes": settings.SIGNIN_LINK_MAX_AGE // 60}
    return render(request, "tickets/signin_sent.html", context)


def _initial(request: HttpRequest) -> dict[str, str]:
    """A start time; the email a private link proved (not asked for again); the
    bookmarked request to come back to (`?ticket=`)."""
    return {
        "started": started_now(),
        "email": access.link_email(request),
        "ticket": ticket_id_or_blank(request.GET.get("ticket", "")),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache  # its address is the key: no cache, shared or the browser's, keeps the page
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method != "POST":  # GET and HEAD only look: a scanner uses nothing up
            link = access.peek_signin_token(token)
            if link.email == access.verified_email(request):  # opened again after signing in
                return redirect(_destination(request, link))
            if link.used:  # said at once, not after a click on "Sign in"
                return _link_failed(request, expired=False)
            return render(request, "tickets/signin_confirm.html", {"email": link.email})
        link = access.redeem_signin_token(token)
    except access.LinkExpired:
        return _link_failed(request, expired=True)
    except access.LinkUsed:
        return _link_failed(request, expired=False)
    access.sign_in(request, link.email)
    return redirect(_destination(request, link))


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    if getattr(request, "embed", None) and identity.vouched(request):
        # The host site vouches for this customer: signing out is done there, not here.
        return redirect(url_in_mount(request, "tickets:mine"))
    access.sign_out(request)
    return redirect(url_in_mount(request, "tickets:submit"))


def _destination(request: HttpRequest, link: access.SignInLink) -> str:
    """The bookmarked request the sign-in started from, else My requests."""
    if link.ticket_id:
        return url_in_mount(request, "tickets:ticket", link.ticket_id)
    return url_in_mount(request, "tickets:mine")


def _link_failed(request: HttpRequest, expired: bool) -> HttpResponse:
    context = {
        "expired": expired,
        "form": SignInForm(initial={"started": started_now()}),
        "minutes": settings.SIGNIN_LINK_MAX_AGE // 60,
    }
    return render(request, "tickets/signin_failed.html", context, status=410)
