"""One background thread for the sandbox's periodic jobs: the demo agent's answers and the
webhook deliveries (`manage.py demo`, `manage.py sandbox`).

Each job is a plain function called every `seconds` of its own (DemoAgent.run_once every
second, WebhookDispatcher.run_once every half second); tests call those functions directly
instead. The thread is a daemon, so it never keeps a process alive, and `stop()` ends it
between two calls.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime

from .demo_agent import DemoAgent
from .store import Store
from .webhooks import WebhookDispatcher

log = logging.getLogger(__name__)


def background(store: Store, *, webhooks: bool, agent: bool, since: datetime | None = None) -> Loop:
    """The sandbox's background work on `store` in one loop, not started yet: webhook
    deliveries, and the demo agent's answers (to what customers wrote after `since`)."""
    loop = Loop()
    if webhooks:
        dispatcher = WebhookDispatcher(store)
        loop.every(dispatcher.poll_seconds, dispatcher.run_once)
    if agent:
        demo_agent = DemoAgent(store, since=since)
        loop.every(demo_agent.interval, demo_agent.run_once)
    return loop


class Loop:
    def __init__(self, name: str = "sandbox-loop") -> None:
        self.name = name
        self._jobs: list[tuple[float, Callable[[], object]]] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def every(self, seconds: float, job: Callable[[], object]) -> Loop:
        """Call `job()` every `seconds`, the first time `seconds` after start()."""
        self._jobs.append((seconds, job))
        return self

    def start(self) -> Loop:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        due = [time.monotonic() + seconds for seconds, _ in self._jobs]
        while self._jobs and not self._stopping.wait(max(0.0, min(due) - time.monotonic())):
            for index, (seconds, job) in enumerate(self._jobs):
                if due[index] <= time.monotonic():
                    _call(job)
                    due[index] = time.monotonic() + seconds


def _call(job: Callable[[], object]) -> None:
    try:
        job()
    except sqlite3.Error:  # e.g. another process holds the lock too long: next round
        pass
    except Exception:  # one job's bug must not stop the others sharing this thread
        log.exception("sandbox job %s failed; it runs again at its next turn", job)
