from django.conf import settings
from django.http import HttpRequest

from portal.customers import access, identity


def page_frame(request: HttpRequest) -> dict[str, object]:
    """What every page's frame (base.html) needs: who is signed in (and whether the host
    site vouches for them inside its frame: then signing out is the host's), the embedded
    mode, how often to poll, the languages to switch to."""
    has_session = hasattr(request, "session")
    embed = getattr(request, "embed", None)
    embedded = embed is not None
    return {
        "embed": embed,  # request.embed, read by base.html
        "signed_in_email": access.verified_email(request) if has_session else "",
        "host_vouched": bool(has_session and embedded and identity.vouched(request)),
        "poll_seconds": settings.PORTAL_POLL_SECONDS,
        "languages": settings.LANGUAGES,
        # The demo's stand-in mail client (portal/sandbox/inbox.py), only with the sandbox.
        "demo_inbox": "/sandbox/inbox/" if settings.PORTAL_SANDBOX else "",
    }
