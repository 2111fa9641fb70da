"""Turn an upstream failure into a calm sentence for the customer, and a log line
with the cause for the admin. Nothing here shows a traceback or the key."""

import logging

from django.utils.translation import gettext as _

from portal.tixallo.errors import AuthFailed, Misconfigured, RateLimited, TixalloError

log = logging.getLogger("portal.upstream")


def explain(error: TixalloError) -> str:
    if isinstance(error, RateLimited):
        log.warning("Tixallo is rate limiting the portal: %s", error)
        return _(
            "Our support system is busy right now. Please wait a moment and try again — "
            "nothing you typed has been lost."
        )
    if isinstance(error, AuthFailed | Misconfigured):
        log.error("The portal cannot use Tixallo — check the API key and base URL: %s", error)
        return _(
            "The support portal can't reach our helpdesk right now. We have logged the "
            "problem for our team; please try again later — nothing you typed has been lost."
        )
    log.error("Tixallo is unavailable: %s", error)
    return _(
        "We couldn't reach our support system just now. Please try again in a minute — "
        "nothing you typed has been lost."
    )
