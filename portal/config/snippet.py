"""What a site owner pastes into their pages (shown in the admin): the script tag, or
a plain iframe for sites that cannot run scripts."""

from django.http import HttpRequest
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.config.current import for_request, portal_origin

IFRAME_HEIGHT = "800px"  # without the script nothing fits the frame to its content
# The frame's height before its page says how tall it is: about the request form's, on a
# desktop and a phone, so fitting it moves the host page by a few pixels, not hundreds.
FIRST_HEIGHT = 900


def snippet_html(request: HttpRequest, **data: str) -> str:
    """The <script> tag, as text. Keyword arguments add data-attributes, e.g.
    `identity_token=...` becomes data-identity-token (README: "Embedding")."""
    data = {"height": str(FIRST_HEIGHT)} | data
    attributes = "".join(
        f' data-{name.replace("_", "-")}="{escape(value)}"' for name, value in data.items() if value
    )
    return f'<script src="{escape(portal_origin(request))}/embed.js"{attributes} async></script>'


def iframe_html(request: HttpRequest) -> str:
    """The same without JavaScript: a fixed height, the browser's language, no identity."""
    title = for_request(request).portal_name or _("Support")
    return (
        f'<iframe src="{escape(portal_origin(request))}/embed/start/" title="{escape(title)}" '
        f'style="width: 100%; height: {IFRAME_HEIGHT}; border: 0"></iframe>'
    )
