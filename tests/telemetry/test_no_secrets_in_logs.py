"""No log line holds a usable token, from any logger Django or the portal uses, in text
and JSON alike, and no logged value can start a line of its own: one filter sits on
every handler (portal.telemetry.logs.LogLineFilter)."""

import io
import json
import logging
import re
import runpy
from pathlib import Path

import django
import pytest
from django.test import Client

from portal.customers import access
from portal.telemetry.logs import JsonFormatter, LogLineFilter
from tests.factories import new_ticket

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGGER_CALL = re.compile(r"getLogger\(\s*(?:[\"']([\w.]+)[\"']|(__name__))\s*\)")
FORGED = "INFO portal.request [0123456789abcdef] POST /admin/ 302"


def loggers_in(package: Path, prefix: str) -> set[str]:
    """Every logger name a package's source asks for (`__name__` as its module)."""
    names = set()
    for path in package.rglob("*.py"):
        for found in LOGGER_CALL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            names.add(found.group(1) or module.removesuffix(".__init__"))
    return {name for name in names if name.startswith(prefix)}


EVERY_LOGGER = sorted(
    loggers_in(Path(django.__file__).parent, "django")
    | loggers_in(ROOT / "portal", "portal")
    | {"django", "django.request", "django.server", "django.security.csrf", "gunicorn.error"}
)


@pytest.fixture
def console(settings):
    """The settings' own handler (on the root logger), writing into a string."""
    [handler] = [h for h in logging.getLogger().handlers if _filtered(h)]
    stream = io.StringIO()
    # Swapped, not setStream(): that flushes the old stream, which a runner may have closed.
    old_stream, old_formatter = handler.stream, handler.formatter
    handler.stream = stream
    yield handler, stream
    handler.stream = old_stream
    handler.setFormatter(old_formatter)


def _filtered(handler: logging.Handler) -> bool:
    return any(isinstance(f, LogLineFilter) for f in handler.filters)


def test_every_handler_of_every_logger_has_the_filter():
    loggers = [logging.getLogger(), *map(logging.getLogger, EVERY_LOGGER)]
    known = logging.root.manager.loggerDict.values()
    loggers += [x for x in known if isinstance(x, logging.Logger)]
    handlers = {h for logger in loggers for h in logger.handlers}
    # pytest's capture, and NullHandlers libraries add (they write nothing), aside.
    ours = [
        h
        for h in handlers
        if not type(h).__module__.startswith("_pytest") and not isinstance(h, logging.NullHandler)
    ]
    assert ours
    assert [h for h in ours if not _filtered(h)] == []


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_gunicorn_lines_go_through_it_too(monkeypatch, log_format):
    monkeypatch.setenv("LOG_FORMAT", log_format)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["logconfig_dict"]
    [handler] = config["handlers"].values()
    assert config["filters"][handler["filters"][0]]["()"].endswith("logs.LogLineFilter")
    assert config["loggers"]["gunicorn.error"]["handlers"] == ["console"]


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("name", EVERY_LOGGER)
def test_no_logger_writes_a_token_or_a_line_of_its_own(console, name, log_format):
    handler, stream = console
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    token = access.ticket_link_token("tkt_42")
    signin = access.signin_token("priya.raman@example.org")
    logger = logging.getLogger(name)
    logger.disabled = False
    logger.setLevel(logging.INFO)
    logger.warning("Forbidden (CSRF cookie not set.): %s", f"/t/{token}/")
    logger.warning(f"Opened /signin/{signin}/ then\n{FORGED}")
    try:
        raise ValueError(f"no such link /t/{token}/")
    except ValueError:
        logger.exception("failed %s", "\r\x1b[2K" + FORGED)
    written = stream.getvalue()
    assert token not in written and signin not in written and token[:20] not in written
    lines = written.splitlines()
    assert not [line for line in lines if line.startswith(FORGED)]
    if log_format == "json":
        assert len(lines) == 3 and all(json.loads(line) for line in lines)
    else:
        assert "/t/<token>/" in written and "/signin/<token>/" in written


def test_a_csrf_refusal_names_no_token(console, sandbox):
    """django.security.csrf wrote the path as it came: a sign-in link posted without its
    cookie (a browser that dropped it) put a usable token in the log."""
    handler, stream = console
    token = access.signin_token("priya.raman@example.org")
    link = access.ticket_link_token(new_ticket().id)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/signin/{token}/").status_code == 403
    assert strict.post(f"/t/{link}/", {"body": "hi"}).status_code == 403
    written = stream.getvalue()
    assert "CSRF" in written and "/signin/<token>/" in written
    assert token not in written and token[:20] not in written and link[:20] not in written


def test_a_path_cannot_forge_a_line(console, client):
    handler, stream = console
    client.get("/x%0a" + FORGED.replace(" ", "%20"))
    lines = stream.getvalue().splitlines()
    assert lines and not [line for line in lines if line.startswith("INFO portal.request [0123")]
    assert any("/x\\n" in line for line in lines)


@pytest.mark.parametrize("run", ["a" * 4000, "a:" * 2000, "a%3a" * 1000, "eyJ" * 1300, "-" * 4000])
def test_a_run_longer_than_any_token_is_masked_whole(run):
    """What keeps masking linear in a line's length: the shapes, tried at each character
    of such a run, took half a second for a 4 KB path a visitor may send."""
    from portal.telemetry.logs import masked

    assert masked(f"GET /{run} 404") == "GET /<token> 404"


def test_a_token_in_an_escaped_query_is_still_masked():
    from portal.telemetry.logs import masked

    token = (
        "InRrdF83OWE3NjRiZWU3ZWIzNGQ4ODZhNDE4NTIi%3A1xa6PS%3AIwSmMiL5Gx_i_IYIQUGpqrhIExHhQMPOjLn6"
    )
    assert "IwSmMiL5" not in masked(f"GET /?next=%2Ft%2F{token} 302")
