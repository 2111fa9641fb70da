from django.conf import settings
from django.http import HttpRequest

from portal.tickets import access


def portal(request: HttpRequest) -> dict[str, object]:
    """What every page's frame needs: who is signed in, how often to poll."""
    return {
        "signed_in_email": access.verified_email(request) if hasattr(request, "session") else "",
        "poll_seconds": settings.PORTAL_POLL_SECONDS,
        # The demo's stand-in mail client (portal/sandbox/inbox.py), only with the sandbox.
        "demo_inbox": "/sandbox/inbox/" if settings.PORTAL_SANDBOX else "",
    }
