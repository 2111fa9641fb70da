"""WSGI entry point: gunicorn portal.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

from portal import local_state

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
local_state.prepare()  # var/ and a generated SECRET_KEY, before settings read them

application = get_wsgi_application()

# gunicorn runs no system checks: say at start what `manage.py check --deploy` would.
from portal.ops.checks import log_at_start  # noqa: E402 - needs the apps loaded above

log_at_start()
