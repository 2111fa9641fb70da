"""The demo inbox: every email the demo portal sent, newest first, links clickable.

A demo has no real mailboxes, yet a customer's private link now arrives only by email
(issue 9: answers are shown to whoever proved they read that address). This page is
the stand-in mail client, like the console is the stand-in agent. It exists only with
the sandbox, which is never on in production."""

from __future__ import annotations

import re
from html import escape

from .console import page_html
from .store import Store
from .wsgi import Request, Response, html_response

LINK = re.compile(r"https?://[^\s<>\"']+")


def page(store: Store, request: Request) -> Response:
    rows = store.emails()
    items = "".join(
        f'<article class="msg"><div class="meta"><strong>To {escape(row["recipient"])}</strong>'
        f" · {escape(row['sent_at'][:19].replace('T', ' '))} UTC</div>"
        f"<h2>{escape(row['subject'])}</h2><pre>{_linked(row['body'])}</pre></article>"
        for row in rows
    )
    intro = (
        "<h1>Demo inbox</h1><p>The emails the demo portal sent, newest first. In production "
        "they go to the customers' own mailboxes.</p>"
    )
    empty = "<p>No emails yet.</p>"
    base = request.script_name + "/console"
    return html_response(page_html("Demo inbox", intro + (items or empty), base))


def _linked(text: str) -> str:
    """Escape the text, then make each http(s) address a link."""
    parts, last = [], 0
    for found in LINK.finditer(text):
        parts += [escape(text[last : found.start()]), _anchor(found.group())]
        last = found.end()
    return "".join([*parts, escape(text[last:])])


def _anchor(url: str) -> str:
    return f'<a href="{escape(url)}">{escape(url)}</a>'
