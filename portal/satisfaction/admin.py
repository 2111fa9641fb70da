"""Admin → Satisfaction → Ratings: the weekly score as an SVG chart, the latest ratings
with their comments and a link to the request's submissions, and a CSV export. Seeing
any of it takes the "view rating" permission (staff are given it like any other)."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal.satisfaction import chart
from portal.satisfaction.models import Rating, RatingSettings

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["rated_at", "request", "rating", "short_comment"]
    list_filter = ["rating"]
    search_fields = ["ticket_number", "comment", "subject"]
    readonly_fields = [f.name for f in Rating._meta.fields]
    date_hierarchy = "rated_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # customers give ratings; nobody writes them for them

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("request"), ordering="ticket_number")
    def request(self, rating: Rating) -> str:
        # Agents read the request in Tixallo; here, what the customer sent about it.
        url = reverse("admin:outbox_submission_changelist") + "?q=" + rating.ticket_id
        return format_html('<a href="{}">#{} {}</a>', url, rating.ticket_number, rating.subject)

    @admin.display(description=_("comment"))
    def short_comment(self, rating: Rating) -> str:
        return Truncator(rating.comment).chars(140)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        data = chart.weeks()
        context = {"chart": chart.svg(data), "weeks": data, **(extra_context or {})}
        return super().changelist_view(request, context)

    def get_urls(self) -> list:
        export = self.admin_site.admin_view(self.export)
        return [path("export.csv", export, name="satisfaction_rating_export"), *super().get_urls()]

    def export(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ratings.csv"'
        writer = csv.writer(response)
        writer.writerow(["rated_at", "ticket_number", "subject", "rating", "comment"])
        for rating in Rating.objects.order_by("-rated_at").iterator():
            row = [rating.rated_at.isoformat(), rating.ticket_number, rating.subject,
                   rating.rating, rating.comment]  # fmt: skip
            writer.writerow([safe_cell(value) for value in row])
        return response


def safe_cell(value: object) -> object:
    """A customer's text that a spreadsheet would run as a formula is kept as text
    (OWASP's advice: a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@admin.register(RatingSettings)
class RatingSettingsAdmin(admin.ModelAdmin):
    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        row, _created = RatingSettings.objects.get_or_create(pk=1)  # one row: straight to it
        return redirect("admin:satisfaction_ratingsettings_change", row.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
