"""'Test connection' in admin: one quick call with the saved settings, in plain words."""

from django.contrib import messages
from django.utils.translation import gettext as _

from portal.config.current import connection
from portal.tixallo import client
from portal.tixallo.errors import AuthFailed, Misconfigured, TixalloError, Unavailable


def check() -> tuple[int, str]:
    """A message level and a sentence: works, wrong key, unreachable or server error."""
    conn = connection()
    try:
        latest = client.check_connection(conn)
    except Misconfigured as error:
        return messages.ERROR, _("Not connected: %(problem)s.") % {"problem": error.message}
    except AuthFailed:
        return messages.ERROR, _(
            "Tixallo refused the API key (HTTP 401): check that it is the workspace's current key."
        )
    except Unavailable as error:
        if error.status:
            return messages.ERROR, _(
                "Tixallo answered with a server error (HTTP %(status)s). Try again in a minute."
            ) % {"status": error.status}
        return messages.ERROR, _("Tixallo could not be reached at %(url)s (%(problem)s).") % {
            "url": conn.base_url,
            "problem": error.message.split(": ", 1)[-1],
        }
    except TixalloError as error:
        return messages.ERROR, _("Tixallo answered unexpectedly: %(problem)s.") % {
            "problem": error.message
        }
    if latest is None:
        return messages.SUCCESS, _("Connected to Tixallo. The workspace has no tickets yet.")
    # Tixallo lists tickets by their last change, not by number: say which one this is.
    return messages.SUCCESS, _(
        "Connected to Tixallo. The most recently updated ticket is #%(number)s."
    ) % {"number": latest.ticket_number}
