"""The customer's pages, one module per page: submit, signin, my_tickets, ticket."""

from django.http import HttpRequest


def fragment(request: HttpRequest) -> bool:
    """An htmx request that wants a part of the page (not a history restore, which
    needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request
