"""Identity verification: the host site's server vouches for its customer with a short JWT."""

import base64
import json
import re
import time

import jwt
import pytest

from portal.embed import identity
from tests.helpers import new_ticket

pytestmark = pytest.mark.django_db

SECRET = "a-shared-secret-long-enough-for-hs256-and-for-hs512-too-64-bytes"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.PORTAL_IDENTITY_SECRET = SECRET
    settings.PORTAL_ALLOWED_ORIGINS = ["https://www.example.com"]


def make(key=SECRET, algorithm="HS256", drop=(), **changes) -> str:
    now = int(time.time())
    claims = {"email": "alex@example.com", "name": "Alex Example", "iat": now, "exp": now + 300}
    claims = {k: v for k, v in (claims | changes).items() if k not in drop}
    return jwt.encode(claims, key, algorithm=algorithm)


def unsigned(**changes) -> str:
    """alg "none": no signature at all."""

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"email": "alex@example.com", "name": "Alex", "iat": now, "exp": now + 300}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims | changes)}."


def enter(client, jwt_token: str, **query):
    return client.get("/embed/start/", {"token": jwt_token, **query})


def test_a_valid_token_signs_the_customer_in_and_shows_their_requests(client, sandbox):
    new_ticket("alex@example.com", subject="Where is my parcel?")
    response = enter(client, make())
    assert response.status_code == 302
    assert response["Location"] == "/embed/"  # clean: the token is not in the frame's URL
    page = client.get("/embed/tickets/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Where is my parcel?" in html
    assert "alex@example.com" in html


def test_the_first_page_can_be_my_requests(client, sandbox):
    response = enter(client, make(), page="requests", lang="de")
    assert response["Location"] == "/embed/tickets/?lang=de"


REFUSED = {
    "expired": lambda: make(iat=int(time.time()) - 600, exp=int(time.time()) - 300),
    "bad signature": lambda: make(key="another-secret-that-is-also-32-bytes-long"),
    "alg none": lambda: unsigned(),
    "another algorithm": lambda: make(algorithm="HS512"),
    "no exp": lambda: make(drop=("exp",)),
    "no iat": lambda: make(drop=("iat",)),
    "too long-lived": lambda: make(exp=int(time.time()) + 2 * 3600),
    "issued long before it expires": lambda: make(iat=int(time.time()) - 7200),
    "issued in the future": lambda: make(iat=int(time.time()) + 600, exp=int(time.time()) + 900),
    "no email": lambda: make(drop=("email",)),
    "not an email": lambda: make(email="alex at example"),
    "a name that is not text": lambda: make(name=["Alex"]),
    "a string exp": lambda: make(exp="soon"),
    "garbage": lambda: "not-a-jwt",
    "empty segments": lambda: "..",
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_token_is_refused_with_a_friendly_page(client, sandbox, case):
    new_ticket("alex@example.com")
    response = enter(client, REFUSED[case]())
    assert response.status_code == 403
    html = response.content.decode()
    assert "We couldn't sign you in" in html
    assert 'href="/embed/"' in html  # go on without signing in
    assert client.get("/embed/tickets/").status_code == 302  # to the sign-in page


def test_without_a_configured_secret_every_token_is_refused(client, sandbox, settings):
    settings.PORTAL_IDENTITY_SECRET = ""
    settings.PORTAL_SANDBOX = False  # the demo secret is only for the sandbox
    assert enter(client, make(key=identity.DEMO_SECRET)).status_code == 403


def test_in_the_demo_the_demo_secret_works_when_none_is_set(client, sandbox, settings):
    settings.PORTAL_IDENTITY_SECRET = ""
    assert enter(client, make(key=identity.DEMO_SECRET)).status_code == 302
    assert client.get("/embed/tickets/").status_code == 200


def test_a_refused_token_does_not_keep_the_previous_customer(client, sandbox):
    enter(client, make())
    assert client.get("/embed/tickets/").status_code == 200
    enter(client, make(email="sam@example.com", key="wrong-secret-wrong-secret-wrong-secret"))
    assert client.get("/embed/tickets/").status_code == 302


def test_a_frame_loaded_without_a_token_signs_the_vouched_customer_out(client, sandbox):
    # The host's customer signed out there: the next page load has no token.
    enter(client, make())
    client.get("/embed/start/")
    assert client.get("/embed/tickets/").status_code == 302


def test_a_customer_signed_in_by_email_link_stays_signed_in(client, sandbox):
    from tests.helpers import sign_in_as

    sign_in_as(client, "robin@example.com")
    client.get("/embed/start/")
    assert client.get("/embed/tickets/").status_code == 200


def test_a_new_token_replaces_the_customer(client, sandbox):
    new_ticket("sam@example.com", subject="A request of Sam")
    enter(client, make())
    enter(client, make(email="sam@example.com", name="Sam"))
    html = client.get("/embed/tickets/").content.decode()
    assert "A request of Sam" in html


def test_verify_gives_the_identity_normalised():
    found = identity.verify(make(email="Alex@Example.COM", name="  Alex   Example "), SECRET)
    assert found == identity.Identity("alex@example.com", "Alex Example")


def test_a_name_is_optional():
    assert identity.verify(make(drop=("name",)), SECRET).name == ""


def test_mint_makes_what_verify_accepts():
    minted = identity.mint("alex@example.com", "Alex Example", SECRET)
    assert identity.verify(minted, SECRET).email == "alex@example.com"


def test_a_token_opened_as_a_page_rather_than_in_a_frame_is_refused(client, sandbox):
    # A link with someone's token must not sign a visitor in as them on the portal's site.
    url = "/embed/start/?token=" + make()
    assert client.get(url, HTTP_SEC_FETCH_DEST="document").status_code == 403
    assert client.get("/tickets/").status_code == 302
    assert client.get(url, HTTP_SEC_FETCH_DEST="iframe").status_code == 302
    assert client.get("/tickets/").status_code == 200


def test_a_429_keeps_vouched_fields_locked_and_a_hidden_priority_hidden(client, sandbox, settings):
    from portal.config.models import PortalSettings
    from portal.tickets.forms import started_now

    PortalSettings(allow_priority=False).save()
    settings.MIN_FILL_SECONDS = 60
    enter(client, make())
    posted = {"subject": "Refund", "description": "Twice charged.", "started": started_now(),
              "customer_email": "alex@example.com", "customer_name": "Alex Example"}  # fmt: skip
    response = client.post("/embed/", posted)
    assert response.status_code == 429
    html = response.content.decode()
    assert 'name="priority"' not in html
    assert re.search(r'<input[^>]*name="customer_email"[^>]*readonly', html)
