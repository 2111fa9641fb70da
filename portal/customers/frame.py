"""The host page's options for its frame (language, accent colour), kept in the session
for the frame's pages after the first; `embed.mode` reads and applies them. Written here,
as every session key of the portal's is."""

from django.http import HttpRequest

SESSION_FRAME_OPTIONS = "embed_options"


def remembered(request: HttpRequest) -> dict[str, str]:
    return request.session.get(SESSION_FRAME_OPTIONS, {})


def remember(request: HttpRequest, chosen: dict[str, str]) -> None:
    # Written only when it changes: a frame reloaded with the same options (or none)
    # starts no session and saves nothing.
    if remembered(request) != chosen:
        request.session[SESSION_FRAME_OPTIONS] = chosen
