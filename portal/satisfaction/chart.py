"""The score (share of "good") by week for the last 12 weeks, and its chart: an SVG
drawn here, no JavaScript. A rating counts in the week it was last given or changed."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.satisfaction.models import Rating

WEEKS = 12
WIDTH, HEIGHT, BAR, GAP, TOP, BOTTOM, LEFT = 640, 220, 36, 12, 16, 36, 44


@dataclass(frozen=True)
class Week:
    starts: date  # a Monday
    good: int
    total: int

    @property
    def score(self) -> float | None:
        return self.good / self.total if self.total else None


def weeks(now: datetime | None = None) -> list[Week]:
    """The last WEEKS weeks, oldest first, this one included; weeks without ratings too."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=today.weekday(), weeks=WEEKS - 1)
    days = (
        Rating.objects.filter(rated_at__date__gte=first)
        .annotate(day=TruncDate("rated_at"))
        .values("day")
        .annotate(total=Count("id"), good=Count("id", filter=Q(rating=Rating.Score.GOOD)))
    )
    counted = {first + timedelta(weeks=n): [0, 0] for n in range(WEEKS)}
    for row in days:  # days, added up here: the same on SQLite and PostgreSQL
        monday = row["day"] - timedelta(days=row["day"].weekday())
        counted[monday][0] += row["good"]
        counted[monday][1] += row["total"]
    return [Week(monday, good, total) for monday, (good, total) in sorted(counted.items())]


def svg(data: list[Week]) -> SafeString:
    """Bars of the weekly score (0-100 %), a label under each; every bar has a <title>
    and the figure a text alternative (the table beside it has the numbers)."""
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for n, week in enumerate(data):
        label = date_format(week.starts, "j M")
        height = 0 if week.score is None else round(plot * week.score)
        if week.score is None:
            title = _("Week of %(day)s: no ratings") % {"day": label}
        else:
            title = _("Week of %(day)s: %(score)s%% good (%(good)s of %(total)s)") % {
                "day": label, "score": round(week.score * 100), "good": week.good,
                "total": week.total}  # fmt: skip
        x = LEFT + n * (BAR + GAP)
        bars.append({"x": x, "y": TOP + plot - max(height, 2), "height": max(height, 2),
                     "rated": week.total > 0, "title": title, "label": label,
                     "middle": x + BAR // 2})  # fmt: skip
    grid = [{"y": TOP + plot * (100 - p) // 100, "percent": p} for p in (0, 50, 100)]
    context = {"bars": bars, "grid": grid, "title": summary(data), "width": WIDTH,
               "height": HEIGHT, "bar_width": BAR, "left": LEFT,
               "label_y": HEIGHT - BOTTOM + 16}  # fmt: skip
    return mark_safe(render_to_string("admin/satisfaction/chart.svg", context))  # noqa: S308


def summary(data: list[Week]) -> str:
    good, total = sum(w.good for w in data), sum(w.total for w in data)
    if not total:
        return _("Share of good ratings by week, last 12 weeks: no ratings yet.")
    return _("Share of good ratings by week, last 12 weeks: %(score)s%% good of %(total)s.") % {
        "score": round(100 * good / total), "total": total}  # fmt: skip
