"""Choosing a request form (/forms/): the admin's forms as links to the submit page, each
with the prefills the visitor came with. `/` shows it by itself when there is more than
one form and none was named, or one that does not exist."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from portal.requestforms import catalogue
from portal.tickets.forms import prefill
from portal.tickets.views import url_in_mount


@require_safe
def choose(request: HttpRequest) -> HttpResponse:
    if len(catalogue.offered()) < 2:  # nothing to choose: the form itself
        return redirect(url_in_mount(request, "tickets:submit"))
    return chooser(request)


def chooser(request: HttpRequest, *, unknown: bool = False) -> HttpResponse:
    kept = prefill(request.GET)
    kept.pop("form", None)
    links = [(form, "?" + urlencode(kept | {"form": form.slug})) for form in catalogue.offered()]
    context = {"links": links, "unknown": unknown}
    return render(request, "tickets/choose.html", context, status=404 if unknown else 200)
