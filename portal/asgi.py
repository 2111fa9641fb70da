import os

from django.core.asgi import get_asgi_application

from portal import local_state

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
local_state.prepare()  # var/ and a generated SECRET_KEY, before settings read them

application = get_asgi_application()
