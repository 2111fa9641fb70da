"""The demo's email backend prints links whole, so they can be clicked in a terminal."""

import io

from django.core.mail import EmailMessage

from portal.outbox.console_mail import EmailBackend

LINK = "http://127.0.0.1:8000/signin/" + "x" * 150 + "/"


def test_it_prints_the_plain_text_with_long_links_unbroken():
    stream = io.StringIO()
    message = EmailMessage("Your sign-in link", f"Open {LINK}", to=["alex@example.com"])
    EmailBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert LINK in printed
    assert "To: alex@example.com" in printed
