"""`manage.py rotate_secrets`: re-encrypt the stored secrets with the newest key of
PORTAL_ENCRYPTION_KEYS, so the older keys can be dropped."""

from django.core.management.base import BaseCommand, CommandError

from portal.config import crypto
from portal.config.current import load_row

FIELDS = ("api_key_encrypted", "webhook_secret_encrypted", "identity_secret_encrypted")


class Command(BaseCommand):
    help = "Re-encrypt the portal's stored secrets with the newest encryption key."

    def handle(self, *args: object, **options: object) -> None:
        row = load_row()
        if row._state.adding:
            self.stdout.write("No portal settings saved yet: nothing to rotate.")
            return
        try:
            for name in FIELDS:
                setattr(row, name, crypto.rotate(getattr(row, name)))
        except Exception as error:  # InvalidToken: a key is missing
            raise CommandError(
                "A stored secret does not open with PORTAL_ENCRYPTION_KEYS: keep the old key "
                "in the list until rotation has run."
            ) from error
        row.save(update_fields=[*FIELDS])
        self.stdout.write(self.style.SUCCESS("Secrets re-encrypted with the newest key."))
