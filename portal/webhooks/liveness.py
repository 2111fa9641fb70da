"""Whether Tixallo's webhooks are arriving at this portal, for pages that show it
(the health page, metrics) and for the receiver that records each delivery.

A configured secret proves nothing: only verified deliveries do, and a change the
portal found by reading that no event told of counts against them. The evidence and
what it decides (how long cached copies are trusted) live in `portal.mirror.trust`.
"""

from portal.mirror import trust


def arriving() -> bool:
    """True while webhooks are known to be arriving recently."""
    return trust.webhooks_arriving()


def arrived() -> None:
    """A signed delivery came in (whatever its outcome: duplicates prove it too)."""
    trust.event_arrived()
