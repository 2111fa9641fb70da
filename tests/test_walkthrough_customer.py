"""What a new customer met in the walk-through (issue 10): a ticket closed while open,
a reply too late, "This is solved", the host's sign-out, small form things, the
language switcher, the favicon, link colours in dark mode, one name per customer."""

import re

import pytest
from django.core import mail

from portal.config.branding import DARK_SURFACE, LIGHT_SURFACE, contrast, stylesheet
from portal.config.current import portal_config
from portal.customers import identity
from portal.outbox.models import Submission
from portal.sandbox import agents
from tests.helpers import find_ticket, new_ticket, set_faults, set_status, sign_in_as, ticket_link

pytestmark = pytest.mark.django_db

IDENTITY_SECRET = "walkthrough-identity-secret-long-enough-for-hs256-xx"


def poll_url(html: str) -> str:
    return re.search(r'hx-get="([^"]+)" hx-trigger="poll"', html).group(1)


def test_a_poll_that_finds_the_ticket_closed_removes_the_reply_box(client, sandbox, settings):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    html = client.get(link).content.decode()
    assert 'name="body"' in html
    set_status(sandbox, ticket.id, "closed")
    polled = client.get(poll_url(html), HTTP_HX_REQUEST="true").content.decode()
    assert "Closed" in polled
    # The reply box is swapped for the closed note out of band, in the same answer.
    assert re.search(r'<div class="card closed-note" id="reply-form"\s+hx-swap-oob="true"', polled)
    assert 'name="body"' not in polled
    assert "Start a new request with this text" in polled  # filled in by live.js if typed


def test_a_reply_to_a_ticket_known_closed_sends_nothing_and_keeps_the_text(
    client, sandbox, settings
):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    client.get(link)
    set_status(sandbox, ticket.id, "closed")
    client.get(link)  # the portal now knows it is closed
    response = client.post(link, {"body": "One more thing"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html  # the reply form's place, for htmx
    assert re.search(r'<section id="conversation"[^>]*hx-swap-oob="true"', html)  # now Closed
    assert ">One more thing</textarea>" in html
    assert 'value="Follow-up to #1001: Cannot log in"' in html
    assert not Submission.objects.exists()


def test_start_a_new_request_with_this_text_prefills_the_form_and_sends_nothing(client, sandbox):
    response = client.post(
        "/",
        {"prefill": "1", "subject": "Follow-up to #1001: Cannot log in", "description": "Still"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Follow-up to #1001: Cannot log in"' in html
    assert re.search(r">\s*Still</textarea>", html)
    assert "This field is required" not in html
    assert not Submission.objects.exists()
    embedded = client.post("/embed/", {"prefill": "1", "description": "In the frame"})
    assert re.search(r">\s*In the frame</textarea>", embedded.content.decode())


def test_a_customer_marks_an_open_request_solved(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    assert "This is solved" in client.get(link).content.decode()
    response = client.post(link, {"action": "solve"})
    assert response.status_code == 302 and response["Location"] == link
    assert find_ticket(sandbox, 1001)["status"] == "solved"
    html = client.get(link).content.decode()
    assert "Solved" in html
    assert "This is solved" not in html  # only on open requests
    assert 'name="body"' in html  # a reply opens it again


def test_mark_as_solved_is_refused_on_a_closed_request_and_calm_when_tixallo_fails(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    set_faults(sandbox, force_status=503)
    response = client.post(link, {"action": "solve"})
    assert response.status_code == 503
    set_faults(sandbox)
    set_status(sandbox, ticket.id, "closed")
    client.post(link, {"action": "solve"})
    assert find_ticket(sandbox, 1001)["status"] == "closed"


@pytest.mark.parametrize("limit", ["address", "email"])
def test_mark_as_solved_over_the_rate_limit_says_to_wait(client, sandbox, settings, limit):
    limits = {"address": (100, 3600), "email": (100, 600)} | {limit: (0, 600)}
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"reply": limits}
    ticket = new_ticket()
    response = client.post(ticket_link(ticket.id), {"action": "solve"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Please wait a moment" in response.content.decode()
    assert find_ticket(sandbox, 1001)["status"] != "solved"


def test_a_vouched_customer_gets_no_sign_out_inside_the_frame(client, sandbox, settings):
    settings.PORTAL_IDENTITY_SECRET = IDENTITY_SECRET
    settings.PORTAL_ALLOWED_ORIGINS = ["https://www.example.com"]
    token = identity.mint("alex@example.com", "Alex Example", IDENTITY_SECRET)
    client.get("/embed/start/", {"token": token})
    html = client.get("/embed/tickets/").content.decode()
    assert "My requests" in html
    assert "Sign out" not in html
    client.post("/embed/signout/")
    assert client.session.get("customer_email") == "alex@example.com"  # still the host's
    # A customer who signed in by email link inside the frame may still sign out.
    other = client_for(settings)
    sign_in_as(other)
    assert "Sign out" in other.get("/embed/tickets/").content.decode()


def client_for(settings):
    from django.test import Client

    return Client()


def test_too_quick_a_form_says_so_once(client, sandbox, settings):
    settings.MIN_FILL_SECONDS = 60
    response = client.get("/")
    started = re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)
    data = {"subject": "Hi", "description": "x", "customer_email": "a@example.com",
            "customer_name": "A", "priority": "low", "started": started}  # fmt: skip
    html = client.post("/", data).content.decode()
    assert "Please wait a moment before sending this again. Nothing you typed has been lost." in (
        html
    )
    assert "still here" not in html


def test_email_and_name_fields_help_the_browser_fill_them(client, sandbox):
    html = client.get("/").content.decode()
    assert re.search(r'<input type="email" name="customer_email"[^>]*autocomplete="email"', html)
    assert re.search(r'<input type="text" name="customer_name"[^>]*autocomplete="name"', html)
    signin = client.get("/signin/").content.decode()
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', signin)


def test_a_signed_in_customer_gets_their_name_filled_in(client, sandbox):
    new_ticket("alex@example.com", customer_name="Alex Example")
    sign_in_as(client)  # by email link: the session knows the email only
    html = client.get("/").content.decode()
    assert re.search(r'name="customer_name" value="Alex Example"', html)


def test_favicon_ico_is_there(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content.startswith(b"\x00\x00\x01\x00")
    # Opened on its own, the browser styles the image inline: the policy must allow that.
    assert "style-src 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]
    assert 'rel="icon"' in client.get("/signin/").content.decode()


def test_a_dark_custom_accent_still_colours_links_in_dark_mode():
    config = portal_config()
    css = stylesheet(config, accent="#1f6f4a")  # the demo shop's green
    light = re.search(r"light\) \{ :root \{ --accent: (#[0-9a-f]{6})", css).group(1)
    dark = re.search(r"dark\) \{ :root \{ --accent: (#[0-9a-f]{6})", css).group(1)
    assert contrast(light, LIGHT_SURFACE) >= 4.5 and contrast(dark, DARK_SURFACE) >= 4.5
    assert dark != "#8cb4ff" and dark.startswith("#")  # the accent, lightened: not blue
    r, g, b = (int(dark[i : i + 2], 16) for i in (1, 3, 5))
    assert g > r and g > b  # still green


def test_one_customer_shows_under_one_name_in_a_thread(client, sandbox):
    ticket = new_ticket("sam@example.com", customer_name="")
    sign_in_as(client, "sam@example.com")
    client.post(f"/tickets/{ticket.id}/", {"body": "Any news?"})
    new_ticket("sam@example.com", customer_name="Sam Taylor")  # the customer now has a name
    agents.agent_reply(sandbox, ticket.id, "Looking", "Rita")
    html = client.get(f"/tickets/{ticket.id}/").content.decode()
    authors = re.findall(r'<p class="author">([^<·]+) ·', html)
    assert authors.count("Sam Taylor") == 2  # the description and the reply
    assert "sam@example.com ·" not in html


def test_the_language_switcher_keeps_the_choice_for_the_session(client, sandbox):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language" value="de"' in page
    response = client.post("/language/", {"language": "de", "next": "/signin/"})
    assert response.status_code == 302 and response["Location"] == "/signin/"
    cookie = response.cookies["django_language"]
    assert cookie.value == "de" and not cookie["max-age"]  # a session cookie
    html = client.get("/signin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in html and "Anmelde" in html


def test_the_frame_follows_data_lang_and_has_no_switcher(client, sandbox):
    client.post("/language/", {"language": "de", "next": "/"})
    client.get("/embed/start/", {"lang": "en"})
    html = client.get("/embed/?lang=en").content.decode()
    assert '<html lang="en">' in html
    assert 'name="language"' not in html


def test_the_agent_answer_email_is_not_sent_for_the_customers_own_solve(client, sandbox):
    ticket = new_ticket()
    client.post(ticket_link(ticket.id), {"action": "solve"})
    assert not [m for m in mail.outbox if "solved" in m.subject]


def test_this_is_solved_works_for_the_second_visitor_of_a_cached_ticket_page(sandbox):
    """The conversation is cached for everyone; the solve form's CSRF token is not."""
    from django.test import Client

    ticket = new_ticket()
    link = ticket_link(ticket.id)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(link)
    page = second.get(link).content.decode()
    solve_form = page[page.index('class="solve"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', solve_form).group(1)
    response = second.post(link, {"action": "solve", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert find_ticket(sandbox, ticket.ticket_number)["status"] == "solved"
