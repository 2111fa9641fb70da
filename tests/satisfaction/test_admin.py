"""Admin → Satisfaction (issue 19): the weekly score as a server-drawn SVG, the latest
ratings with comments and links, a CSV export safe to open in a spreadsheet, and the
"view rating" permission for all of it."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from portal.satisfaction import chart
from portal.satisfaction.models import Rating

pytestmark = pytest.mark.django_db


def rating(number: int, score: str, comment: str = "", weeks_ago: int = 0) -> Rating:
    row = Rating.objects.create(
        ticket_id=f"tkt_{number}", ticket_number=number, subject=f"Request {number}",
        rating=score, comment=comment,
    )  # fmt: skip
    Rating.objects.filter(pk=row.pk).update(rated_at=timezone.now() - timedelta(weeks=weeks_ago))
    return row


def test_the_score_is_the_share_of_good_per_week_for_twelve_weeks():
    rating(1, "good")
    rating(2, "bad")
    rating(3, "good", weeks_ago=1)
    rating(4, "good", weeks_ago=20)  # too old
    weeks = chart.weeks()
    assert len(weeks) == 12
    assert [(w.good, w.total) for w in weeks[-2:]] == [(1, 1), (1, 2)]
    assert sum(w.total for w in weeks) == 3
    assert weeks[-1].score == 0.5 and weeks[0].score is None
    assert all(w.starts.weekday() == 0 for w in weeks)


def test_the_ratings_page_draws_the_chart_and_lists_the_latest_with_links(admin_client):
    rating(1042, "good", "Quick and kind")
    rating(1043, "bad", "Took a week")
    html = admin_client.get("/admin/satisfaction/rating/").content.decode()
    assert '<svg class="satisfaction-chart"' in html and "<script" not in html.split("<svg")[1]
    assert "50% good of 2" in html  # the chart's text alternative
    assert re.search(
        r'<rect [^>]*class="bar"><title>Week of [^<]+: 50% good \(1 of 2\)</title>', html
    )
    assert "Quick and kind" in html and "Took a week" in html
    assert 'href="/admin/outbox/submission/?q=tkt_1042"' in html
    assert 'href="/admin/satisfaction/rating/export.csv"' in html


def test_the_csv_export_has_every_rating_and_no_formulas(admin_client):
    rating(1, "bad", '=HYPERLINK("http://evil.example","click")')
    rating(2, "good", "+1 great")
    rating(3, "good", "fine")
    response = admin_client.get("/admin/satisfaction/rating/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["rated_at", "ticket_number", "subject", "rating", "comment"]
    comments = sorted(row[4] for row in rows[1:])
    assert comments == ["'+1 great", '\'=HYPERLINK("http://evil.example","click")', "fine"]


def test_staff_need_the_view_permission(client):
    staff = User.objects.create_user("agent", password="pw-agent-123", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/satisfaction/rating/").status_code == 403
    assert client.get("/admin/satisfaction/rating/export.csv").status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_rating"))
    assert client.get("/admin/satisfaction/rating/").status_code == 200
    assert client.get("/admin/satisfaction/rating/export.csv").status_code == 200


def test_ratings_cannot_be_written_in_admin(admin_client):
    row = rating(1, "good")
    assert admin_client.get("/admin/satisfaction/rating/add/").status_code == 403
    page = admin_client.get(f"/admin/satisfaction/rating/{row.pk}/change/").content.decode()
    assert 'name="rating"' not in page


def test_the_switch_for_adding_ratings_to_tickets_is_one_row_in_admin(admin_client):
    response = admin_client.get("/admin/satisfaction/ratingsettings/")
    assert response["Location"] == "/admin/satisfaction/ratingsettings/1/change/"
    page = admin_client.get(response["Location"]).content.decode()
    assert "Add each rating to the ticket" in page
