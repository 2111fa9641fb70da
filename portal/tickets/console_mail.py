"""The email backend when no SMTP server is configured (the demo, development).

Django's console backend prints the raw MIME message, where quoted-printable
breaks long sign-in links across lines; this one prints the plain-text part as
a person reads it, so the link can be clicked or copied from the terminal."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class EmailBackend(ConsoleBackend):
    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(
            f"\n--- email (not sent: no EMAIL_HOST configured) {'-' * 32}\n"
            f"From: {message.from_email}\nTo: {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n{message.body}\n{'-' * 79}\n"
        )
        if settings.PORTAL_SANDBOX:  # the demo inbox page shows it too (/sandbox/inbox/)
            from portal.sandbox import inprocess

            for recipient in message.to:
                inprocess.store().add_email(recipient, str(message.subject), message.body)
