"""The submit page, where a submission's path starts: the checked form becomes a
`NewTicket`, handed to `outbox.queue.submit` (saved, sent through `outbox.delivery` to
`tixallo.client.create_ticket`, acknowledged by `outbox.emails`); the page then
redirects to "filed" or "saved", or shows Tixallo's refusal under the fields."""

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from portal.config.current import absolute_url, for_request
from portal.customers import access, identity, names, ratelimit
from portal.outbox import queue
from portal.requestforms import catalogue
from portal.requestforms.catalogue import Definition
from portal.tickets import trouble
from portal.tickets.forms import TicketForm, prefill, started_now
from portal.tickets.views import action_key, in_page_time, wants_fragment
from portal.tickets.views.choose import chooser
from portal.tickets.views.filed import filed_url
from portal.tickets.views.saved import saved_url
from portal.tixallo.errors import Invalid
from portal.tixallo.types import DESCRIPTION_MAX, NewTicket, new_idempotency_key

CHOOSE, UNKNOWN = "choose", "unknown"  # no form named among several; a name not known


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache  # each shown form has its own key: Back must not bring an old one
@vary_on_headers("HX-Request")
@in_page_time
def submit(request: HttpRequest) -> HttpResponse:
    # An email and name the host site vouched for are locked (embedding, identity.py).
    locked = identity.locked_fields(request)
    config = for_request(request)
    # "Start a new request with this text" (a closed ticket's page): a fresh form with it.
    carried = request.method == "POST" and request.POST.get("prefill") == "1"
    offered = catalogue.offered()
    request_form = _request_form(request, offered)
    if request_form in (CHOOSE, UNKNOWN):
        return chooser(request, unknown=request_form == UNKNOWN)
    choose_priority, fixed = _priority_rule(config.allow_priority, request_form)
    form = TicketForm(
        None if carried else request.POST or None,
        initial=_initial(request) | (_carried_over(request.POST) if carried else {}),
        locked=locked,
        choose_priority=choose_priority,
        request_form=request_form,
    )
    template = "tickets/submit.html" + ("#ticket-form" if wants_fragment(request) else "")
    context = {"form": form, "request_form": request_form, "forms": len(offered)}
    if not form.is_bound:
        return render(request, template, context)
    if wait := ratelimit.address_wait("submit", request):
        return trouble.too_many(request, template, context, wait)
    if ratelimit.spam_verdict("submit", form) == "too_fast":
        return trouble.too_many(request, template, context, form.fill_wait())
    if not form.is_valid():
        return render(request, template, context, status=422)
    typed = form.cleaned_data
    if wait := ratelimit.email_wait("submit", typed["customer_email"]):
        return trouble.too_many(request, template, context, wait)
    email = typed["customer_email"]
    new_ticket = NewTicket(
        subject=typed["subject"],
        description=typed["description"],
        customer_email=email,
        customer_name=typed["customer_name"],
        priority=typed.get("priority") or fixed or config.default_priority,
    )
    submission, error = queue.submit(
        new_ticket,
        key=action_key(typed["idempotency_key"], email),
        site_url=absolute_url(request, "/"),
        # With the admin's switch on, a request from an email this visitor hasn't proven
        # waits in the outbox until the emailed confirmation link is clicked.
        hold=config.hold_unverified and access.verified_email(request) != email,
    )
    if error is not None:
        _add_upstream_errors(form, error)
        return render(request, template, context, status=422)
    names.remember(request, typed["customer_name"])
    if submission.state == submission.State.DELIVERED:
        url = filed_url(request, submission)
    else:  # held for the email's confirmation, or queued: the worker will deliver it
        url = saved_url(request, submission)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _request_form(request: HttpRequest, offered: list[Definition]) -> Definition | str | None:
    """The request form this page is for: named by ?form= (or the posted form), the only
    one there is, or none (no forms; a post without one, such as a carried-over text).
    CHOOSE when there are several and none was named; UNKNOWN for a wrong name."""
    named = {form.slug: form for form in offered}
    if request.method == "POST":  # a form deleted meanwhile: sent as a plain request
        return named.get(request.POST.get("form", ""))
    if slug := request.GET.get("form"):
        return named.get(slug, UNKNOWN)
    if len(offered) > 1:
        return CHOOSE
    return offered[0] if offered else None


def _priority_rule(allow_priority: bool, request_form: Definition | None) -> tuple[bool, str]:
    """Whether the customer chooses the priority, and the one set when they don't (""
    for the portal settings' default): the request form's rule, else the settings'."""
    rule = request_form.priority if request_form else ""
    if rule in ("", "ask"):
        return rule == "ask" or allow_priority, ""
    return False, rule


def _initial(request: HttpRequest) -> dict[str, str]:
    """A fresh key and start time; a verified customer's email and name filled in; a
    subject or priority from the query string (a link, or the embed snippet's
    data-subject / data-priority)."""
    initial = {
        "idempotency_key": new_idempotency_key(),
        "started": started_now(),
        "customer_email": access.verified_email(request),
        "customer_name": names.for_form(request),
    }
    return initial | prefill(request.GET)


def _carried_over(posted: QueryDict) -> dict[str, str]:
    return {
        "subject": prefill(posted).get("subject", ""),
        "description": posted.get("description", "")[:DESCRIPTION_MAX],
    }


def _add_upstream_errors(form: TicketForm, error: Invalid) -> None:
    """Tixallo's per-field messages go under the matching field; the rest on top."""
    for name, problem in error.fields.items():
        form.add_error(name if name in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.detail or _("Please check the form and try again."))
