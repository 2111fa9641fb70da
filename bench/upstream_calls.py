"""How many requests Tixallo receives while customers watch their ticket pages.

    uv run python bench/upstream_calls.py

N simulated customers each open their own ticket page and poll it every few seconds for
one simulated minute, their polls spread evenly over the poll interval. Every page load
and every poll is a real request through Django's test client (the whole middleware
stack, the ticket view, `portal.tickets.reads`), against the built-in sandbox in-process;
Tixallo's count is the sandbox's own request counter (`store.stats()["total"]`). A
cacheless proxy would send one upstream request per page load or poll (N × polls).

The clock is fake: only the cache's notion of time (Django's local-memory cache) is moved
forward from event to event, so nothing waits; what real time the run takes (about ten
seconds per 100-customer minute on a slow machine) is the portal's own work per request.
Webhook signatures keep using the real clock, so they verify as they would in production.

Polls every 5 s stand for a customer with the page open in two tabs, or a poll interval
shorter than the cache. With the defaults (one tab, PORTAL_POLL_SECONDS = 10 =
PORTAL_CACHE_SECONDS) every poll finds the copy just expired: the cache alone saves
little, and the longer cache that webhooks make safe (the last row) is what saves.

The rows with agent replies: each ticket gets one public reply at a random moment of the
minute, written straight into the sandbox (as an agent in Tixallo would, costing the
portal's API budget nothing). With webhooks, the sandbox's own dispatcher delivers the
signed `message.created` and `ticket.updated` events to `/webhooks/tixallo` right away.
"Stale polls" are polls after a reply that did not show it yet; "worst delay" is the
longest time from a reply to the first poll that showed it.
"""

import os
import random
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="portal-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="portal.settings",
    PORTAL_SANDBOX="1",
    SANDBOX_DB_PATH=str(Path(_tmp) / "sandbox.sqlite3"),
    DATABASE_URL="sqlite://:memory:",
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

from portal.sandbox import agents, inprocess, tickets, webhooks  # noqa: E402
from portal.tickets.access import ticket_link_token  # noqa: E402

MINUTE = 60.0
REPLY = "Reply number {}"


class FakeClock:
    """Stands in for the `time` module inside Django's cache backends."""

    now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@dataclass
class Result:
    scenario: str
    customers: int
    poll: float
    cache_seconds: int
    requests: int  # page loads and polls: what a cacheless proxy sends upstream
    upstream: int
    stale_polls: int | None = None
    worst_delay: float | None = None


def run(
    customers: int, poll: float, cache_seconds: int, replies: bool, hooks: bool, name: str
) -> Result:
    store = inprocess.store()
    store.clear()
    cache.clear()
    store.set_webhook("http://testserver/webhooks/tixallo" if hooks else "", SECRET)
    client = Client()
    dispatcher = webhooks.WebhookDispatcher(store, sender=_sender(client))
    ids = [_new_ticket(store, n) for n in range(customers)]
    rng = random.Random(customers * 7 + cache_seconds)  # the same minute on every run
    reply_at = {n: rng.uniform(5, MINUTE - 5) for n in range(customers)} if replies else {}
    timeline = []  # (simulated time, kind, customer)
    for n in range(customers):
        offset = poll * n / customers
        polls = int(MINUTE // poll)
        timeline += [(offset + k * poll, "poll", n) for k in range(polls)]
        if n in reply_at:
            timeline.append((reply_at[n], "reply", n))
    timeline.sort()

    store.reset_stats()
    poll_url: dict[int, str] = {}
    seen_at: dict[int, float] = {}
    stale = requests = 0
    with override_settings(PORTAL_CACHE_SECONDS=cache_seconds):
        for moment, kind, n in timeline:
            CLOCK.now = FakeClock.now + moment
            if kind == "reply":
                agents.agent_reply(store, ids[n], REPLY.format(n))
                dispatcher.run_once()  # delivers at once when a webhook URL is set
                continue
            requests += 1
            if n not in poll_url:
                response = client.get(f"/t/{ticket_link_token(ids[n])}/")
            else:
                response = client.get(poll_url[n], headers={"HX-Request": "true"})
            if response.status_code == 200:
                html = response.content.decode()
                poll_url[n] = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
                if REPLY.format(n) in html and n not in seen_at:
                    seen_at[n] = moment
            if n in reply_at and reply_at[n] <= moment and n not in seen_at:
                stale += 1
    delays = [seen_at.get(n, MINUTE) - at for n, at in reply_at.items()]
    return Result(
        name,
        customers,
        poll,
        cache_seconds,
        requests,
        store.stats()["total"],
        stale if replies else None,
        max(delays) if delays else None,
    )


def _new_ticket(store: object, n: int) -> str:
    with store.transaction() as conn:
        row = tickets.create_ticket(
            conn,
            subject=f"Question {n}",
            description="Where is my order?",
            customer_email=f"customer{n}@example.com",
            notify=False,
        )
    return row["id"]


def _sender(client: Client):
    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        signature = {webhooks.SIGNATURE_HEADER: headers[webhooks.SIGNATURE_HEADER]}
        return client.post(
            "/webhooks/tixallo", body, content_type="application/json", headers=signature
        ).status_code

    return send


def main() -> None:
    results = [run(n, 5, 10, False, False, "quiet") for n in (10, 50, 100)]
    results += [
        run(100, 10, 10, False, False, "quiet"),
        run(100, 5, 10, True, False, "a reply per ticket, no webhooks"),
        run(100, 5, 10, True, True, "a reply per ticket + webhooks"),
        run(100, 5, 60, True, True, "a reply per ticket + webhooks"),
        run(100, 10, 60, True, True, "a reply per ticket + webhooks"),
    ]
    print("One simulated minute; each customer has their own ticket page open.\n")
    print(
        "| minute | customers | poll every | cache | cacheless proxy | portal → Tixallo "
        "| saved | stale polls | worst delay |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        saved = f"{1 - r.upstream / r.requests:.0%}"
        stale = "—" if r.stale_polls is None else str(r.stale_polls)
        delay = "—" if r.worst_delay is None else f"{r.worst_delay:.1f} s"
        print(
            f"| {r.scenario} | {r.customers} | {r.poll:g} s | {r.cache_seconds} s "
            f"| {r.requests} | {r.upstream} | {saved} | {stale} | {delay} |"
        )


SECRET = "whsec_bench"
CLOCK = FakeClock()

if __name__ == "__main__":
    setup_test_environment()  # the test client's host, a quiet mailer
    locmem.time = cache_base.time = CLOCK  # the cache, and only the cache, runs on it
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
