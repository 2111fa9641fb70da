"""The demo's email backend (settings.MAILERS without EMAIL_HOST): printed in the terminal
as the console backend does, and kept in the sandbox's demo inbox (/sandbox/inbox/), so a
demo needs no mailbox to open a private link."""

from django.core.mail import EmailMessage

from portal.outbox import console_mail
from portal.sandbox import inprocess


class EmailBackend(console_mail.EmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        super().write_message(message)
        for recipient in message.to:
            inprocess.store().add_email(recipient, str(message.subject), message.body)
