"""The demo inbox (/sandbox/inbox/): every email the demo sent, newest first, links
clickable; fed by the demo's email backend."""

import io

import pytest
from django.core.mail import EmailMessage

from portal.demo.console_mail import EmailBackend

pytestmark = pytest.mark.django_db


def test_the_demo_inbox_lists_the_emails_newest_first_with_links(client, sandbox):
    backend = EmailBackend(stream=io.StringIO())
    backend.send_messages([EmailMessage("First", "Hello", to=["a@example.com"])])
    link = "http://127.0.0.1:8000/signin/abc/"
    backend.send_messages([EmailMessage("Second <b>", f"Open {link}", to=["b@example.com"])])
    html = client.get("/sandbox/inbox/").content.decode()
    assert html.index("Second &lt;b&gt;") < html.index("First")
    assert f'<a href="{link}">' in html
    assert "/sandbox/inbox/" in client.get("/signin/").content.decode()
