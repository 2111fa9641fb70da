"""What a new admin met in the walk-through (issue 10): the current logo, values set in
the environment, priority in customer words, the snippet's copy button, a preview of
the branding, and the outbox's health when no worker runs."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.config.models import PortalSettings
from portal.outbox.models import Submission
from portal.outbox.tasks import schedule

pytestmark = pytest.mark.django_db

URL = "/admin/config/portalsettings/1/change/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
KEY = "tx_live_0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def test_it_shows_the_current_logo_with_a_way_to_remove_it(admin_client):
    page = admin_client.get(URL).content.decode()
    assert "The current logo" not in page
    assert 'name="remove_logo"' in page and "disabled" in page.split('name="remove_logo"')[1][:40]
    PortalSettings.objects.update_or_create(pk=1, defaults={"logo": PNG, "logo_type": "image/png"})
    page = admin_client.get(URL).content.decode()
    version = PortalSettings.objects.get(pk=1).logo_version
    assert f'<img src="/brand/logo-{version}" alt="The current logo"' in page
    assert "disabled" not in page.split('name="remove_logo"')[1][:40]
    image = admin_client.get(f"/brand/logo-{version}")
    assert image.content == PNG
    assert "style-src 'unsafe-inline'" in image["Content-Security-Policy"]  # opened alone


def test_values_set_in_the_environment_are_shown_read_only_and_secrets_masked(
    admin_client, settings
):
    settings.TIXALLO_API_KEY = KEY
    settings.TIXALLO_BASE_URL = "https://acme.tixallo.com/api/v1"
    settings.PORTAL_ALLOWED_ORIGINS = ["https://www.example.com", "https://shop.example.com"]
    page = admin_client.get(URL).content.decode()
    assert 'value="https://acme.tixallo.com/api/v1"' in page
    assert "https://www.example.com\nhttps://shop.example.com</textarea>" in page
    assert 'value="…e8f9"' in page
    assert KEY not in page
    assert page.count("Set by the environment") >= 3


def test_the_default_priority_is_offered_in_customer_words(admin_client):
    page = admin_client.get(URL).content.decode()
    assert '<option value="medium" selected>Normal</option>' in page


def test_the_snippet_has_a_copy_button_and_the_branding_a_preview(admin_client):
    page = admin_client.get(URL).content.decode()
    assert 'data-copy="embed-snippet"' in page and 'id="embed-snippet"' in page
    assert "js/copy-button.js" in page
    assert '<iframe src="/" title="Preview of the portal"' in page


def test_the_agent_answer_switch_starts_off(admin_client):
    page = admin_client.get(URL).content.decode()
    assert "Email customers when an agent answers" in page
    assert PortalSettings().email_agent_answers is False


def queued(age: timedelta) -> Submission:
    submission = Submission.objects.create(
        kind="ticket", payload={"subject": "x"}, customer_email="a@example.com",
        idempotency_key=f"k-{age.total_seconds()}", site_url="http://testserver/",
    )  # fmt: skip
    schedule(submission)
    DBTaskResult.objects.update(run_after=timezone.now() - age)
    return submission


def test_it_says_plainly_when_submissions_wait_and_no_worker_runs(admin_client):
    assert "no outbox worker is running" not in admin_client.get("/admin/").content.decode()
    queued(timedelta(minutes=10))
    for url in ("/admin/", "/admin/outbox/submission/"):
        page = admin_client.get(url).content.decode()
        assert "1 submission is waiting to be sent to Tixallo, but no outbox worker" in page
        assert "none has run yet" in page
        assert "manage.py db_worker" in page


def test_a_running_worker_or_a_fresh_queue_is_no_alarm(admin_client):
    queued(timedelta(seconds=20))  # due moments ago: a worker has not had its chance yet
    assert "no outbox worker" not in admin_client.get("/admin/").content.decode()
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=10))
    DBTaskResult.objects.create(
        args_kwargs={}, task_path="x", backend_name="default", run_after=timezone.now(),
        status="SUCCESSFUL", started_at=timezone.now(),
    )  # fmt: skip
    assert "no outbox worker" not in admin_client.get("/admin/").content.decode()


def test_send_again_says_what_it_did_and_why_not(admin_client):
    waiting = queued(timedelta(minutes=10))
    failed = Submission.objects.create(
        kind="ticket", payload={"subject": "y"}, customer_email="b@example.com",
        idempotency_key="k-failed", site_url="http://testserver/", state="failed",
    )  # fmt: skip
    response = admin_client.post(
        "/admin/outbox/submission/",
        {"action": "retry_now", "_selected_action": [waiting.pk, failed.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 submission queued again: the worker sends it within seconds." in text
    assert "1 was not sent again: it is queued already, with a try booked." in text
    assert "No outbox worker has run recently" in text
