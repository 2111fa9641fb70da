"""How many requests Tixallo receives while customers watch their ticket pages.

    uv run python bench/upstream_calls.py            # about two minutes

N simulated customers each open their own ticket page and poll it at a fixed interval,
their polls spread evenly over the interval. Every page load and every poll is a real
request through Django's test client (the whole middleware stack, the ticket view,
`portal.mirror`), against the built-in sandbox in-process; Tixallo's count is the
sandbox's own request counter (`store.stats()["total"]`). A cacheless proxy would send
one upstream request per page load or poll.

The clock is fake: the cache's and the mirror's notion of time (Django's local-memory
cache, `portal.mirror`) is moved forward from event to event, so nothing waits; what
real time the run takes is the portal's own work per request. Webhook signatures keep
using the real clock, so they verify as they would in production.

Agent answers are written straight into the sandbox at random moments (as an agent in
Tixallo would, costing the portal's API budget nothing). With webhooks, the sandbox's
own dispatcher delivers the signed `message.created` and `ticket.updated` events to
`/webhooks/tixallo` right away; the portal has seen deliveries before the run starts
(the tickets' own `ticket.created` events), so it knows webhooks arrive. Without them,
it caches for `PORTAL_CACHE_SECONDS` (10 s). "At the next poll" counts the answers the
first poll after them already showed; "worst delay" is the longest time from an answer
to the first poll that showed it.

The last line: 20 tabs polling one ticket at the same moment right after its event, in
20 threads on the real clock: how many requests Tixallo gets for them.
"""

import itertools
import logging
import os
import random
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="portal-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="portal.settings",
    SECRET_KEY="bench-only-" + os.urandom(16).hex(),  # no manage.py here to generate one
    PORTAL_SANDBOX="1",
    SANDBOX_DB_PATH=str(Path(_tmp) / "sandbox.sqlite3"),
    DATABASE_URL=f"sqlite:///{Path(_tmp) / 'portal.sqlite3'}",  # a file: threads share it
    STATIC_ROOT=_tmp,
    WEB_CONCURRENCY="1",  # one process: its cache sees every event
    SECURE_COOKIES="0",
    LOG_LEVEL="ERROR",
)
os.environ.pop("REDIS_URL", None)  # one process: the local-memory cache

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.cache.backends import base as cache_base  # noqa: E402
from django.core.cache.backends import locmem  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from portal.customers.access import ticket_link_token  # noqa: E402
from portal.mirror import budget, copies, markers, reads, trust  # noqa: E402
from portal.sandbox import agents, inprocess, tickets, webhooks  # noqa: E402

REPLY = "Reply number {}"
UNLIMITED = 1_000_000


_sleep = time.sleep  # real: threads waiting for each other still take turns


class FakeClock:
    """Stands in for the `time` module inside Django's cache backends and the mirror."""

    start = 1_800_000_000.0
    now = start
    _ticks = itertools.count()

    def time(self) -> float:
        return self.now

    def time_ns(self) -> int:  # change markers: distinct even within one instant
        return int(self.now * 1e9) + next(self._ticks)

    def monotonic(self) -> float:  # memos of a second last a simulated second
        return self.now

    sleep = staticmethod(_sleep)


@dataclass
class Scenario:
    name: str
    customers: int
    poll: float
    minutes: float
    answers: int  # tickets that get an agent's answer during the run
    hooks: bool
    budget: int = UNLIMITED


@dataclass
class Result:
    scenario: Scenario
    polls: int  # page loads and polls: what a cacheless proxy sends upstream
    upstream: int
    at_next_poll: int
    worst_delay: float | None


def run(scenario: Scenario) -> Result:
    store = inprocess.store()
    store.clear()
    cache.clear()
    trust.forget_memo()
    CLOCK.now = FakeClock.start
    client = Client()
    store.set_webhook("http://testserver/webhooks/tixallo" if scenario.hooks else "", SECRET)
    dispatcher = webhooks.WebhookDispatcher(store, sender=_sender(client))
    ids = [_new_ticket(store, n) for n in range(scenario.customers)]
    _deliver(dispatcher)  # ticket.created: the portal sees webhooks arrive (with them)
    duration = scenario.minutes * 60
    rng = random.Random(scenario.customers * 7 + scenario.answers)  # the same run every time
    answered = rng.sample(range(scenario.customers), scenario.answers)
    answer_at = {n: rng.uniform(5, duration - 5) for n in answered}
    timeline = []  # (simulated time, kind, customer)
    for n in range(scenario.customers):
        offset = scenario.poll * n / scenario.customers
        timeline += [
            (offset + k * scenario.poll, "poll", n) for k in range(int(duration // scenario.poll))
        ]
    timeline += [(at, "answer", n) for n, at in answer_at.items()]
    timeline.sort()

    store.reset_stats()
    poll_url: dict[int, str] = {}
    seen_at: dict[int, float] = {}
    next_poll_saw: set[int] = set()
    polls = 0
    with override_settings(TIXALLO_REQUESTS_PER_MINUTE=scenario.budget):
        for moment, kind, n in timeline:
            CLOCK.now = FakeClock.start + moment
            if kind == "answer":
                agents.agent_reply(store, ids[n], REPLY.format(n))
                _deliver(dispatcher)  # at once when a webhook URL is set
                continue
            polls += 1
            if n not in poll_url:
                response = client.get(f"/t/{ticket_link_token(ids[n])}/")
            else:
                response = client.get(poll_url[n], headers={"HX-Request": "true"})
            shows = False
            if response.status_code == 200:
                html = response.content.decode()
                poll_url[n] = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
                shows = REPLY.format(n) in html
            if n in answer_at and answer_at[n] <= moment and n not in seen_at:
                if shows:
                    seen_at[n] = moment
                if moment - answer_at[n] <= scenario.poll and shows:
                    next_poll_saw.add(n)
    delays = [seen_at.get(n, duration) - at for n, at in answer_at.items()]
    return Result(
        scenario, polls, store.stats()["total"], len(next_poll_saw), max(delays, default=None)
    )


def _deliver(dispatcher: webhooks.WebhookDispatcher) -> None:
    """Every pending event, not just the sender's first batch."""
    while dispatcher.run_once():
        pass


def simultaneous_polls(tabs: int = 20) -> int:
    """One ticket, an answer and its event, then `tabs` polls at the same moment in as
    many threads: Tixallo's requests for them (one fetch per key, the rest wait)."""
    store = inprocess.store()
    store.clear()
    cache.clear()
    trust.forget_memo()
    client = Client()
    store.set_webhook("http://testserver/webhooks/tixallo", SECRET)
    dispatcher = webhooks.WebhookDispatcher(store, sender=_sender(client))
    ticket_id = _new_ticket(store, 0)
    dispatcher.run_once()
    html = client.get(f"/t/{ticket_link_token(ticket_id)}/").content.decode()
    poll = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    CLOCK.now += 60  # a minute later, an agent answers
    agents.agent_reply(store, ticket_id, "Changed")
    dispatcher.run_once()
    CLOCK.now += 1
    store.reset_stats()
    start = threading.Barrier(tabs)
    shown = []

    def tab() -> None:
        start.wait()
        answer = Client().get(poll, headers={"HX-Request": "true"})
        shown.append("Changed" in answer.content.decode())

    threads = [threading.Thread(target=tab) for _ in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(shown) and len(shown) == tabs, "every tab shows the answer"
    return store.stats()["total"]


def _new_ticket(store: object, n: int) -> str:
    with store.transaction() as conn:
        row = tickets.create_ticket(
            conn,
            subject=f"Question {n}",
            description="Where is my order?",
            customer_email=f"customer{n}@example.com",
        )
    return row["id"]


def _sender(client: Client):
    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        signature = {webhooks.SIGNATURE_HEADER: headers[webhooks.SIGNATURE_HEADER]}
        return client.post(
            "/webhooks/tixallo", body, content_type="application/json", headers=signature
        ).status_code

    return send


SCENARIOS = [
    Scenario("the issue's minute, webhooks", 10, 1, 1, 6, True),
    Scenario("the issue's minute, no webhooks", 10, 1, 1, 6, False),
    Scenario("30 minutes, webhooks", 100, 10, 30, 100, True),
    Scenario("30 minutes, no webhooks", 100, 10, 30, 100, False),
    Scenario("30 minutes, no webhooks, default budget", 100, 10, 30, 100, False, 100),
    Scenario("30 minutes, 2 tabs each, webhooks", 100, 5, 30, 100, True),
    Scenario("30 minutes, 2 tabs each, no webhooks", 100, 5, 30, 100, False),
]


def main() -> None:
    print("Each customer has their own ticket page open; answers come from agents in Tixallo.\n")
    print(
        "| scenario | customers | poll every | polls (= cacheless proxy) | portal → Tixallo "
        "| fewer | answers | shown at the next poll | worst delay |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for scenario in SCENARIOS:
        r = run(scenario)
        delay = "—" if r.worst_delay is None else f"{r.worst_delay:.1f} s"
        print(
            f"| {scenario.name} | {scenario.customers} | {scenario.poll:g} s | {r.polls:,} "
            f"| {r.upstream:,} | {r.polls / max(r.upstream, 1):.0f}× | {scenario.answers} "
            f"| {r.at_next_poll} | {delay} |"
        )
    print(f"\n20 tabs polling a ticket at once right after its event: {simultaneous_polls()} "
          "Tixallo request(s).")  # fmt: skip


SECRET = "whsec_bench"
CLOCK = FakeClock()

if __name__ == "__main__":
    setup_test_environment()  # the test client's host, a quiet mailer
    # Over the default budget, first views without any copy get the calm 503 page: counted
    # in the table, not logged line by line.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    # The cache and the mirror, and only they, run on the fake clock.
    locmem.time = cache_base.time = CLOCK
    reads.time = copies.time = markers.time = trust.time = budget.time = CLOCK
    call_command("migrate", verbosity=0)
    with override_settings(
        TIXALLO_WEBHOOK_SECRET=SECRET,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        main()
    inprocess.reset()
