"""The agent console: escaped HTML, replies and notes with POST-redirect-GET, mountable,
no form posts from other sites (nor from an opaque origin, "null")."""

import io
from wsgiref.util import setup_testing_defaults

import pytest

from portal.sandbox import agents
from tests.factories import console_client, create_ticket, in_process_client

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def ticket(app):
    with in_process_client(app) as client:
        return create_ticket(client, subject=f"Help {EVIL}", description=f"Body {EVIL}")


@pytest.fixture
def console(app):
    with console_client(app) as client:
        yield client


def test_it_lists_tickets_with_everything_escaped(console, ticket):
    page = console.get("/console/")
    assert page.status_code == 200
    assert "#1001" in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert EVIL not in page.text
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_it_redirects_the_root_to_the_console(console):
    response = console.get("/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/"


def test_it_shows_the_conversation_with_internal_notes_marked(app, console, ticket):
    agents.agent_reply(app.store, ticket["id"], "Public answer")
    agents.add_note(app.store, ticket["id"], f"Secret {EVIL}")
    page = console.get("/console/tickets/1001").text
    assert "Public answer" in page
    assert 'class="msg note"' in page
    assert "Internal note" in page
    assert EVIL not in page


def test_it_posts_a_reply_then_redirects_to_the_ticket(app, console, ticket):
    response = console.post(
        "/console/tickets/1001",
        data={"body": "Try again now?", "agent_name": "Rita", "kind": "reply", "status": ""},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/tickets/1001?done=reply"
    assert "Reply sent" in console.get(response.headers["Location"]).text
    saved = agents.get_ticket(app.store, 1001)
    assert saved["status"] == "pending"
    assert [(m["author_name"], m["body"]) for m in saved["messages"]] == [
        ("Rita", "Try again now?")
    ]


def test_it_adds_a_note_and_changes_the_status_in_one_post(app, console, ticket):
    console.post("/console/tickets/1001", data={"body": "FYI", "kind": "note", "status": "on_hold"})
    saved = agents.get_ticket(app.store, 1001)
    assert saved["status"] == "on_hold"
    assert saved["messages"][0]["public"] is False


def test_it_tells_the_agent_a_closed_ticket_cannot_change(app, console, ticket):
    agents.set_status(app.store, 1001, "closed")
    response = console.post("/console/tickets/1001", data={"body": "Hello?", "kind": "reply"})
    assert response.headers["Location"].endswith("?done=closed")
    assert agents.get_ticket(app.store, 1001)["messages"] == []


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_it_refuses_a_cross_site_form_post(app, console, ticket, origin):
    response = console.post(
        "/console/tickets/1001",
        data={"body": "Hi", "kind": "reply"},
        headers={"Origin": origin},
    )
    assert response.status_code == 403
    assert agents.get_ticket(app.store, 1001)["messages"] == []


def test_it_answers_404_for_an_unknown_ticket(console):
    assert console.get("/console/tickets/999").status_code == 404


def _call(app, method, path, body=b""):
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "/sandbox",
        "PATH_INFO": path,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    content = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], content.decode()


def test_it_builds_links_under_the_prefix_it_is_mounted_at(app, ticket):
    status, _, page = _call(app, "GET", "/console/")
    assert status.startswith("200")
    assert 'href="/sandbox/console/tickets/1001"' in page
    status, headers, _ = _call(app, "POST", "/console/tickets/1001", b"body=Hi&kind=reply")
    assert status.startswith("303")
    assert headers["Location"] == "/sandbox/console/tickets/1001?done=reply"


def test_it_offers_the_fault_switches_the_readme_shows_with_curl(app, console):
    page = console.get("/console/").text
    assert 'name="down"' in page and 'name="error_rate"' in page and 'name="latency_ms"' in page
    response = console.post(
        "/console/faults", data={"down": "1", "error_rate": "25", "latency_ms": "300"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/console/?done=faults"
    faults = app.store.get_faults()
    assert (faults.force_status, faults.error_rate, faults.latency_ms) == (503, 0.25, 300)
    assert "checked" in console.get("/console/?done=faults").text
    console.post("/console/faults", data={"reset": "1"})
    assert app.store.get_faults().force_status is None


def test_it_refuses_nonsense_fault_values_and_keeps_the_old_ones(app, console):
    console.post("/console/faults", data={"error_rate": "10"})
    for bad in ({"error_rate": "250"}, {"latency_ms": "soon"}, {"error_rate": "nan"}):
        response = console.post("/console/faults", data=bad)
        assert response.headers["Location"] == "/console/?done=bad-faults"
    assert app.store.get_faults().error_rate == 0.10
    assert "Faults not changed" in console.get("/console/?done=bad-faults").text


def test_the_fault_form_refuses_origin_null(app, console):
    response = console.post("/console/faults", data={"down": "1"}, headers={"Origin": "null"})
    assert response.status_code == 403
    assert app.store.get_faults().force_status is None
