"""Times in words, as whole translated sentences: "5 days ago" / "vor 5 Tagen", and the
wait before trying again. Humanize's naturaltime puts a translated duration into a
frame ("5 Tage, 20 Stunden her"), which German cannot inflect; one unit, rounded, reads
naturally in both languages."""

import math
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTE, HOUR, DAY = 60, 3600, 86400


def ago(moment: datetime, now: datetime | None = None) -> str:
    """ "just now", "5 minutes ago", "3 days ago"; a moment ahead of our clock (Tixallo's
    runs a little ahead now and then) is "just now" too."""
    seconds = ((now or timezone.now()) - moment).total_seconds()
    if seconds < MINUTE:
        return _("just now")
    if seconds < HOUR:
        n = int(seconds // MINUTE)
        return ngettext("%(count)d minute ago", "%(count)d minutes ago", n) % {"count": n}
    if seconds < DAY:
        n = int(seconds // HOUR)
        return ngettext("%(count)d hour ago", "%(count)d hours ago", n) % {"count": n}
    days = int(seconds // DAY)
    if days < 7:
        return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}
    if days < 30:
        n = days // 7
        return ngettext("%(count)d week ago", "%(count)d weeks ago", n) % {"count": n}
    if days < 365:
        n = days // 30
        return ngettext("%(count)d month ago", "%(count)d months ago", n) % {"count": n}
    n = days // 365
    return ngettext("%(count)d year ago", "%(count)d years ago", n) % {"count": n}


def try_again_in(seconds: int) -> str:
    """The real wait of a limit as a sentence, rounded up: "Please try again in 4 minutes." """
    if seconds < MINUTE:
        n = max(1, seconds)
        return ngettext(
            "Please try again in %(count)d second.", "Please try again in %(count)d seconds.", n
        ) % {"count": n}
    if seconds < HOUR:
        n = math.ceil(seconds / MINUTE)
        return ngettext(
            "Please try again in %(count)d minute.", "Please try again in %(count)d minutes.", n
        ) % {"count": n}
    n = math.ceil(seconds / HOUR)
    return ngettext(
        "Please try again in %(count)d hour.", "Please try again in %(count)d hours.", n
    ) % {"count": n}
