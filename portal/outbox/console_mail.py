"""The email backend when no SMTP server is configured (the demo, development).

Django's console backend prints the raw MIME message, where quoted-printable
breaks long sign-in links across lines; this one prints the plain-text part as
a person reads it, so the link can be clicked or copied from the terminal. (The demo's
subclass, portal/demo/console_mail.py, also keeps each email in its demo inbox.)"""

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class EmailBackend(ConsoleBackend):
    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(
            f"\n--- email (not sent: no EMAIL_HOST configured) {'-' * 32}\n"
            f"From: {message.from_email}\nTo: {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n{message.body}\n{'-' * 79}\n"
        )
