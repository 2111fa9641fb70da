"""Times in words (`portal.tickets.timewords`): one unit that reads naturally in English
and German ("vor 5 Tagen", never "5 Tage, 20 Stunden her"), and a limit's real wait."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.tickets import trouble
from portal.tickets.timewords import ago, try_again_in
from portal.tixallo.errors import RateLimited

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

AGES = [
    (timedelta(seconds=5), "just now", "gerade eben"),
    (timedelta(seconds=-30), "just now", "gerade eben"),
    (timedelta(minutes=1), "1 minute ago", "vor 1 Minute"),
    (timedelta(minutes=2), "2 minutes ago", "vor 2 Minuten"),
    (timedelta(hours=1, minutes=59), "1 hour ago", "vor 1 Stunde"),
    (timedelta(hours=3), "3 hours ago", "vor 3 Stunden"),
    (timedelta(days=1), "1 day ago", "vor 1 Tag"),
    (timedelta(days=5, hours=20), "5 days ago", "vor 5 Tagen"),
    (timedelta(days=8), "1 week ago", "vor 1 Woche"),
    (timedelta(days=20), "2 weeks ago", "vor 2 Wochen"),
    (timedelta(days=40), "1 month ago", "vor 1 Monat"),
    (timedelta(days=200), "6 months ago", "vor 6 Monaten"),
    (timedelta(days=400), "1 year ago", "vor 1 Jahr"),
    (timedelta(days=800), "2 years ago", "vor 2 Jahren"),
]


@pytest.mark.parametrize("age, english, german", AGES)
def test_relative_times_read_naturally_in_both_languages(age, english, german):
    with translation.override("en"):
        assert ago(NOW - age, now=NOW) == english
    with translation.override("de"):
        assert ago(NOW - age, now=NOW) == german


@pytest.mark.parametrize("seconds, english, german", [
    (1, "Please try again in 1 second.", "Bitte versuchen Sie es in 1 Sekunde erneut."),
    (45, "Please try again in 45 seconds.", "Bitte versuchen Sie es in 45 Sekunden erneut."),
    (61, "Please try again in 2 minutes.", "Bitte versuchen Sie es in 2 Minuten erneut."),
    (240, "Please try again in 4 minutes.", "Bitte versuchen Sie es in 4 Minuten erneut."),
    (3600, "Please try again in 1 hour.", "Bitte versuchen Sie es in 1 Stunde erneut."),
])  # fmt: skip
def test_a_wait_is_said_in_words_rounded_up(seconds, english, german):
    with translation.override("en"):
        assert try_again_in(seconds) == english
    with translation.override("de"):
        assert try_again_in(seconds) == german


def test_the_pages_time_tag_says_vor_n_tagen_in_german():
    moment = datetime.now(UTC) - timedelta(days=5, hours=20)
    with translation.override("de"):
        html = Template("{% load portal %}{% when moment %}").render(Context({"moment": moment}))
    assert ">vor 5 Tagen</time>" in html


def test_tixallos_own_wait_is_said_in_words_when_it_gives_one():
    with translation.override("en"):
        told = trouble.explain(RateLimited("429", retry_after=230.5))
        assert told == "Our support system is busy right now. Please try again in 4 minutes."
        assert "wait a moment" in trouble.explain(RateLimited("429"))
