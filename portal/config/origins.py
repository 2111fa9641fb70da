"""Origins (scheme, host, port) as the CSP and postMessage compare them."""

import re
from urllib.parse import urlsplit

from django.http import HttpRequest

from portal.tixallo.addresses import is_loopback

HOST = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")


def origin_of(text: str) -> str:
    """`https://www.example.com` from a written origin, or "" when it is not one."""
    parts = urlsplit(text.strip())
    try:
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return ""
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return ""
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    # Host names as browsers report origins: letters, digits, dots, hyphens (no "*", ";").
    return origin if HOST.fullmatch(host) else ""


def url_origin(url: str) -> str:
    """scheme://host[:port] of any URL, lowercased: what a saved API key is bound to."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return ""
    if not parts.scheme or not parts.hostname:
        return ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}" + (f":{port}" if port else "")


def request_origin(request: HttpRequest) -> str:
    """The origin this request came through: what the browser calls the page's own."""
    return f"{request.scheme}://{request.get_host()}"
