"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against Django's live server
on the in-process sandbox.

Fixtures (more in each one's docstring):
  browser     one headless Chromium for the whole tests/browser package
  portal      the live server + a fresh sandbox: `portal.url`, `portal.store`
  new_page    factory: `new_page(**context_options)` -> a Page in a fresh context
  page        a Page with JavaScript, its own context, base_url = the portal, CSP enforced
  nojs_page   the same with JavaScript disabled
  screenshot  `screenshot(page, "name")` saves a full-page PNG when SCREENSHOTS_DIR is set
  live        polls every second and no cache window: changes show within a second or two
  browser_errors  the CSP violations and uncaught JS errors seen so far; any left at the end
                  of a test fail it

Without /usr/bin/chromium the whole directory is skipped, unless CI is set: then every browser
test errors, so CI can never pass by skipping them.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.screenshots import save_screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page

    from portal.sandbox.store import Store

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No internet here: keep Chromium from phoning home and logging the failures.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 5_000
# CSP violations known and tolerated for a while: each warns instead of failing the test. Key: the
# hash Chromium quotes in its console message; value: what it is and how to fix it. E.g.
#   "sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk=": "htmx's inline indicator <style>",
# (htmx 2's own <style>, fixed by "includeIndicatorStyles": false in the htmx-config meta).
# Delete an entry as soon as the app is fixed, so that it fails again if it comes back.
KNOWN_CSP_VIOLATIONS: dict[str, str] = {}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing() -> str:
    """Why these tests cannot run here, or "" when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing (uv sync --group browser installs it)"
    return ""


class _SkippedModule(pytest.Module):
    """A test module not imported (it imports Playwright at the top), reported as skipped."""

    def _getobj(self) -> object:
        pytest.skip(f"browser tests need Chromium: {_missing()}", allow_module_level=True)


def pytest_pycollect_makemodule(
    module_path: Path, parent: pytest.Collector
) -> pytest.Module | None:
    # Without the `browser` group (a fresh clone's `uv run pytest`), not even importable.
    if _missing() and not _in_ci() and module_path.name.startswith("test_"):
        return _SkippedModule.from_parent(parent, path=module_path)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not only this directory's.
    mine = [item for item in items if HERE in item.path.parents]
    missing = _missing()
    for item in mine:
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.slow)
        if missing and not _in_ci():
            item.add_marker(pytest.mark.skip(reason=f"browser tests need Chromium: {missing}"))


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for every test in tests/browser (about 0.5 s to start).

    Package scope rather than session: Playwright's sync API keeps an asyncio loop registered as
    running in this thread, and Django refuses ORM calls from a thread with a running loop. So
    DJANGO_ALLOW_ASYNC_UNSAFE is set only while Playwright runs, and Playwright stops once the
    last browser test is done, leaving the rest of the suite with Django's usual checks.
    """
    missing = _missing()
    if missing:  # only reached in CI: elsewhere the tests were skipped at collection
        pytest.fail(f"CI is set but the browser tests cannot run: {missing}", pytrace=False)

    from playwright.sync_api import expect, sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass(frozen=True)
class Portal:
    url: str  # the live server, e.g. "http://localhost:40123" (pages get it as base_url)
    store: Store  # the sandbox behind it: pass to tests.factories / portal.sandbox.agents


@pytest.fixture
def portal(browser, sandbox, live_server, transactional_db) -> Portal:
    """The portal on Django's live server (a thread of this process, serving static files too),
    talking to this test's fresh in-process sandbox: what the browser does lands in
    `portal.store`, and what the test does to the store the browser sees.

    `sandbox` has switched SANDBOX_DB_PATH before this returns, and the live server handles no
    request before the test's first page.goto(), so no request reaches a stale sandbox.
    `browser` comes first so Playwright (and DJANGO_ALLOW_ASYNC_UNSAFE) outlive the database
    teardown of transactional_db. Django's cache is emptied by tests/conftest.py's _fresh_cache.
    """
    return Portal(url=live_server.url, store=sandbox)


@pytest.fixture
def browser_errors() -> list[str]:
    """CSP violations and uncaught JavaScript errors reported by this test's pages. Pages must
    work under the real CSP, so anything left in here fails the test at teardown; a test that
    provokes one on purpose asserts on it and then clears the list."""
    return []


@pytest.fixture
def new_page(browser, portal, browser_errors) -> Iterator[Callable[..., Page]]:
    """`new_page(**context_options)`: a Page in a fresh browser context (own cookies, own
    storage), e.g. a second customer, or `java_script_enabled=False`. Options go to
    `browser.new_context()`; base_url is the portal, so `page.goto("/")` works."""
    contexts = []
    tolerated: set[str] = set()

    def watch(page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error" or "Content Security Policy" not in message.text:
                return
            known = [why for digest, why in KNOWN_CSP_VIOLATIONS.items() if digest in message.text]
            if known:
                tolerated.add(known[0])
            else:
                browser_errors.append(f"{page.url}: {message.text}")

        def on_error(error: Error) -> None:
            browser_errors.append(f"{page.url}: uncaught {error.name}: {error.message}")

        page.on("console", on_console)
        page.on("pageerror", on_error)

    def make(**options: Any) -> Page:
        options = {
            "base_url": portal.url,
            "locale": "en-US",
            "timezone_id": "UTC",
            "color_scheme": "light",
            "reduced_motion": "reduce",
            "service_workers": "block",
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.on("page", watch)  # also popups and pages opened later
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    for why in sorted(tolerated):
        warnings.warn(f"known CSP violation (see KNOWN_CSP_VIOLATIONS): {why}", stacklevel=1)
    if browser_errors:
        pytest.fail("the page reported errors:\n" + "\n".join(browser_errors), pytrace=False)


@pytest.fixture
def page(new_page) -> Page:
    """A page with JavaScript on, under the portal's real CSP (axe is injected through the
    DevTools protocol, which CSP does not block, so no bypass_csp is needed)."""
    return new_page()


@pytest.fixture
def nojs_page(new_page) -> Page:
    """A page with JavaScript off: the portal must work without it."""
    return new_page(java_script_enabled=False)


@pytest.fixture
def screenshot() -> Callable[..., Path | None]:
    """`screenshot(page, "name")`: a full-page PNG in $SCREENSHOTS_DIR, or nothing if unset."""
    return save_screenshot


@pytest.fixture
def live(settings) -> None:
    """Polls every second and no cache window, so changes show within a second or two."""
    settings.PORTAL_POLL_SECONDS = 1
    settings.PORTAL_CACHE_SECONDS = 0
